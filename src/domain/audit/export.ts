// Owners export their team's audit log as CSV through a short-lived, one-time link. The token is
// 256 bits of randomness, stored under the team's group id (`exports/{groupId}|{token}`), so a
// download reads one keyed document and nothing else: a token presented with another team's group
// id finds nothing. The first download consumes the grant with an ETag-conditional write, so two
// downloads at once cannot both succeed. Tokens are never logged and never compared by hand.
import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditLog } from './audit';
import { toCsv } from '../csv';
import type { Person } from '../team';
import { ConcurrencyError, deleteExpiredDocuments, type DocumentStore } from '../store';

interface ExportGrant {
  groupId: string;
  createdBy: Person;
  createdAt: string;
  expiresAt: string;
  /** Set by the download that consumed the grant; a used grant downloads nothing. */
  usedAt?: string;
}

export interface IssuedExport {
  token: string;
  expiresAt: string;
  /** The link's path on this bot's own server, URL-encoded: `/exports/{groupId}/{token}.csv`. */
  path: string;
}

const COLLECTION = 'exports';
const TOKEN = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, base64url
const GROUP_ID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/; // Entra object ids are GUIDs
/** Default life of a link: long enough to click it, short enough that a forwarded one is useless. */
export const DEFAULT_EXPORT_TTL_MS = 5 * 60_000;

const keyOf = (groupId: string, token: string) => `${groupId}|${token}`;

export function auditCsv(entries: AuditEntry[]): string {
  return toCsv([
    ['time', 'action', 'actor', 'actor id', 'subject', 'outcome', 'reason', 'user id', 'invitation id', 'graph code', 'graph request id'],
    ...entries.map((e) => [e.at, e.action, e.actor.name, e.actor.id, e.subject, e.outcome, e.reason, e.userId, e.invitationId, e.graphCode, e.requestId]),
  ]);
}

export class AuditExports {
  constructor(
    private readonly store: DocumentStore,
    private readonly audit: AuditLog,
    readonly ttlMs = DEFAULT_EXPORT_TTL_MS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async grant(groupId: string, createdBy: Person): Promise<IssuedExport> {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    const expiresAt = new Date(at.getTime() + this.ttlMs).toISOString();
    await this.store.put<ExportGrant>(COLLECTION, keyOf(groupId, token), { groupId, createdBy, createdAt: at.toISOString(), expiresAt }, { ifNoneMatch: '*' });
    return { token, expiresAt, path: `/exports/${encodeURIComponent(groupId)}/${encodeURIComponent(token)}.csv` };
  }

  /**
   * The team's CSV for a grant of that team that is unexpired and unused, consuming it; undefined
   * otherwise (unknown, another team's, expired, already used, or lost the race to a concurrent
   * download): the caller answers 404 to all of them alike.
   */
  async download(groupId: string, token: string): Promise<{ csv: string; groupId: string } | undefined> {
    if (!GROUP_ID.test(groupId) || !TOKEN.test(token)) return undefined;
    const key = keyOf(groupId, token);
    const doc = await this.store.get<ExportGrant>(COLLECTION, key);
    if (!doc) return undefined;
    const grant = doc.value;
    if (grant.groupId !== groupId || grant.usedAt) return undefined;
    const now = this.now().toISOString();
    if (grant.expiresAt <= now) {
      await this.store.delete(COLLECTION, key, { ifMatch: doc.etag }).catch(() => undefined); // background work removes it otherwise
      return undefined;
    }
    // Consume first: only the download whose conditional write wins gets the CSV.
    let usedEtag: string;
    try {
      usedEtag = await this.store.put<ExportGrant>(COLLECTION, key, { ...grant, usedAt: now }, { ifMatch: doc.etag });
    } catch (e) {
      if (e instanceof ConcurrencyError) return undefined;
      throw e;
    }
    const csv = auditCsv(await this.audit.forGroup(grant.groupId));
    // The used grant is of no further use; if this delete fails, background work removes it once expired.
    await this.store.delete(COLLECTION, key, { ifMatch: usedEtag }).catch(() => undefined);
    return { csv, groupId: grant.groupId };
  }

  /** Background retention: deletes grants past their expiry (used or not), at most `limit` per call. */
  async deleteExpired(limit: number): Promise<number> {
    const now = this.now().toISOString();
    return deleteExpiredDocuments<ExportGrant>(this.store, COLLECTION, (g) => g.expiresAt <= now, limit);
  }
}
