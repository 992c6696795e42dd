// Owners export their team's audit log as CSV through a short-lived link. The token is random,
// names one team's group, expires, and is checked by the server; no other team's data is reachable.
import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditLog } from './audit';
import { toCsv } from './csv';
import type { Person } from './invitationRecords';
import type { DocumentStore } from './store';

interface ExportGrant {
  groupId: string;
  createdBy: Person;
  expiresAt: string;
}

const COLLECTION = 'exports';

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
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async grant(groupId: string, createdBy: Person): Promise<{ token: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + this.ttlMs).toISOString();
    await this.store.put<ExportGrant>(COLLECTION, token, { groupId, createdBy, expiresAt }, { ifNoneMatch: '*' });
    return { token, expiresAt };
  }

  /** The CSV for a valid, unexpired token; undefined otherwise (the caller answers 404). */
  async download(token: string): Promise<{ csv: string; groupId: string } | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const grant = (await this.store.get<ExportGrant>(COLLECTION, token))?.value;
    if (!grant) return undefined;
    if (grant.expiresAt <= this.now().toISOString()) {
      await this.store.delete(COLLECTION, token);
      return undefined;
    }
    return { csv: auditCsv(await this.audit.forGroup(grant.groupId)), groupId: grant.groupId };
  }
}
