// A bulk invitation job: the lines an owner pasted, checked and de-duplicated before anything is
// sent, then one item per distinct address whose progress is stored, so that a restart resumes
// where the job was without inviting anyone twice.
//
// Stored as a header (`bulkJobs/{id}`: who, where, state, counts, lease, card) plus items in
// chunks (`bulkJobItems/{id}|{chunk}`), so that progress writes stay small whatever the list size.
import { randomUUID } from 'node:crypto';
import type { InviteLine } from '../commands';
import { checkDisplayName, checkEmail, domainOf } from '../invitation/email';
import type { FailureCode, FieldErrorCode, RefusalCode } from '../errors';
import type { Person } from '../team';
import type { TeamRef } from '../team';
import type { SubjectState } from '../invitation/outcome';
import { domainRefusal, type DomainRules } from '../policy';
import { ConcurrencyError, updateDocument, type DocumentStore, type StoredDocument } from '../store';

export const MAX_BULK_LINES = 1000;
const MAX_RAW_LENGTH = 300;

/** expired: an unconfirmed preview being deleted by retention; for everyone else it no longer exists. */
export type BulkJobState = 'preview' | 'cancelled' | 'running' | 'finished' | 'expired';

/**
 * pending: nothing sent yet (look up first) · inviting: an invitation may have been sent (look up
 * again before any retry) · lookedUp: an existing user, to add · invited: invited by this job, to
 * add · done: the outcome is final.
 */
export type BulkItemState = 'pending' | 'inviting' | 'lookedUp' | 'invited' | 'done';

export type BulkOutcomeKind = 'invited' | 'added' | 'alreadyInTeam' | 'pendingAdd' | 'refused' | 'failed';
export const BULK_OUTCOMES: readonly BulkOutcomeKind[] = ['invited', 'added', 'alreadyInTeam', 'pendingAdd', 'refused', 'failed'];

export interface BulkItem {
  /** 1-based line number in the pasted list (the first line that named this address). */
  line: number;
  email: string;
  displayName: string;
  state: BulkItemState;
  userId?: string;
  userState?: SubjectState;
  invitationId?: string;
  outcome?: BulkOutcomeKind;
  reason?: RefusalCode | FailureCode;
  /** A domain or permission name the reason's text needs. */
  detail?: string;
  graphCode?: string;
  requestId?: string;
  /** The invitation record and audit entry for the outcome are written. */
  recorded?: boolean;
}

export type SkipReason = FieldErrorCode | 'duplicate';

export interface SkippedLine {
  line: number;
  /** What was typed, trimmed and capped. */
  raw: string;
  reason: SkipReason;
  /** For duplicates: the line that counts. */
  duplicateOf?: number;
}

export interface BulkJobHeader {
  id: string;
  team: TeamRef;
  requestedBy: Person;
  /** Whoever confirmed: the actor of the audit entries and the invitations' sponsor. */
  confirmedBy?: Person;
  sendEmail: boolean;
  message?: string;
  locale?: string;
  state: BulkJobState;
  createdAt: string;
  confirmedAt?: string;
  finishedAt?: string;
  /** Who cancelled the preview, and when (the card says so). */
  cancelledBy?: Person;
  cancelledAt?: string;
  updatedAt: string;
  itemCount: number;
  chunkSize: number;
  skipped: SkippedLine[];
  counts: BulkCounts;
  /** Which process runs the job, until when (renewed while it runs). */
  lease?: { owner: string; until: string };
  /** Where the progress card lives, opaque to the domain (the Teams adapter's conversation reference). */
  card?: { reference: Record<string, unknown>; activityId: string };
}

export interface BulkJob {
  header: BulkJobHeader;
  items: BulkItem[];
}

export type BulkCounts = Record<BulkOutcomeKind, number> & { total: number; done: number; skipped: number };

export function countsOf(items: readonly BulkItem[], skipped: number): BulkCounts {
  const counts: BulkCounts = { total: items.length, done: 0, skipped, invited: 0, added: 0, alreadyInTeam: 0, pendingAdd: 0, refused: 0, failed: 0 };
  for (const item of items) {
    if (item.state !== 'done' || !item.outcome) continue;
    counts.done++;
    counts[item.outcome]++;
  }
  return counts;
}

export interface PreparedList {
  items: BulkItem[];
  skipped: SkippedLine[];
}

/**
 * Checks every line before any network call: bad lines are set aside with why, an address named
 * twice counts once, and addresses the domain rules refuse are decided (refused) here.
 */
export function prepareList(lines: readonly InviteLine[], rules: DomainRules): PreparedList {
  const items: BulkItem[] = [];
  const skipped: SkippedLine[] = [];
  const firstLine = new Map<string, number>();
  lines.forEach((l, index) => {
    const line = index + 1;
    const raw = l.raw.slice(0, MAX_RAW_LENGTH);
    const email = checkEmail(l.email);
    if (!email.ok) return skipped.push({ line, raw, reason: email.code });
    const name = checkDisplayName(l.displayName, email.value);
    if (!name.ok) return skipped.push({ line, raw, reason: name.code });
    const earlier = firstLine.get(email.value);
    if (earlier !== undefined) return skipped.push({ line, raw, reason: 'duplicate', duplicateOf: earlier });
    firstLine.set(email.value, line);
    const domain = domainOf(email.value);
    const refusal = domainRefusal(domain, rules);
    items.push(
      refusal
        ? { line, email: email.value, displayName: name.value, state: 'done', outcome: 'refused', reason: refusal, detail: domain }
        : { line, email: email.value, displayName: name.value, state: 'pending' },
    );
  });
  return { items, skipped };
}

export interface NewBulkJob {
  team: TeamRef;
  requestedBy: Person;
  lines: readonly InviteLine[];
  rules: DomainRules;
  sendEmail: boolean;
  message?: string;
  locale?: string;
  now: Date;
  chunkSize?: number;
}

export function newBulkJob(input: NewBulkJob): BulkJob {
  const { items, skipped } = prepareList(input.lines, input.rules);
  const at = input.now.toISOString();
  return {
    header: {
      id: randomUUID(),
      team: input.team,
      requestedBy: input.requestedBy,
      sendEmail: input.sendEmail,
      message: input.message,
      locale: input.locale,
      state: 'preview',
      createdAt: at,
      updatedAt: at,
      itemCount: items.length,
      chunkSize: input.chunkSize ?? 50,
      skipped,
      counts: countsOf(items, skipped.length),
    },
    items,
  };
}

const HEADERS = 'bulkJobs';
const ITEMS = 'bulkJobItems';
const chunkKey = (jobId: string, chunk: number) => `${jobId}|${String(chunk).padStart(4, '0')}`;

export interface LoadedJob {
  job: BulkJob;
  headerEtag: string;
  chunkEtags: string[];
}

/** The job documents in the store. Writers pass the ETag they read; a lost race is a ConcurrencyError. */
export class BulkJobs {
  constructor(private readonly store: DocumentStore) {}

  chunkCount(header: BulkJobHeader): number {
    return Math.ceil(header.itemCount / header.chunkSize);
  }

  async create(job: BulkJob): Promise<void> {
    const size = job.header.chunkSize;
    for (let c = 0; c * size < job.items.length; c++) {
      await this.store.put(ITEMS, chunkKey(job.header.id, c), job.items.slice(c * size, (c + 1) * size), { ifNoneMatch: '*' });
    }
    await this.store.put(HEADERS, job.header.id, job.header, { ifNoneMatch: '*' });
  }

  header(id: string): Promise<StoredDocument<BulkJobHeader> | undefined> {
    return this.store.get<BulkJobHeader>(HEADERS, id);
  }

  async load(id: string): Promise<LoadedJob | undefined> {
    const header = await this.header(id);
    if (!header) return undefined;
    const chunks = await this.store.list<BulkItem[]>(ITEMS, `${id}|`);
    return {
      job: { header: header.value, items: chunks.flatMap((c) => c.value) },
      headerEtag: header.etag,
      chunkEtags: chunks.map((c) => c.etag),
    };
  }

  putHeader(header: BulkJobHeader, etag: string): Promise<string> {
    return this.store.put(HEADERS, header.id, header, { ifMatch: etag });
  }

  putChunk(header: BulkJobHeader, chunk: number, items: BulkItem[], etag: string): Promise<string> {
    return this.store.put(ITEMS, chunkKey(header.id, chunk), items, { ifMatch: etag });
  }

  /** Read-modify-write of the header with ETag retry; `change` returns undefined to leave it alone. */
  async updateHeader(id: string, change: (h: BulkJobHeader) => BulkJobHeader | undefined): Promise<{ header: BulkJobHeader; changed: boolean } | undefined> {
    const result = await updateDocument(this.store, HEADERS, id, change);
    return result && { header: result.value, changed: result.changed };
  }


  async listHeaders(): Promise<BulkJobHeader[]> {
    return (await this.store.list<BulkJobHeader>(HEADERS)).map((d) => d.value);
  }

  /**
   * Background retention: deletes jobs never confirmed (previews, and cancelled previews) whose
   * last change is older than `olderThanMs`, at most `limit` per call. The header is first marked
   * `expired` with an ETag write, so a Confirm racing with this either wins (the job runs and is
   * kept) or finds nothing; then the item chunks go, then the header. A crash half-way leaves an
   * `expired` header that the next call finishes.
   */
  async deleteUnconfirmed(olderThanMs: number, now: Date, limit: number): Promise<number> {
    const cutoff = new Date(now.getTime() - olderThanMs).toISOString();
    let deleted = 0;
    for (const doc of await this.store.list<BulkJobHeader>(HEADERS)) {
      if (deleted >= limit) break;
      const header = doc.value;
      const stale = (header.state === 'preview' || header.state === 'cancelled') && header.updatedAt <= cutoff;
      if (!stale && header.state !== 'expired') continue;
      try {
        const etag = header.state === 'expired' ? doc.etag : await this.putHeader({ ...header, state: 'expired', updatedAt: now.toISOString() }, doc.etag);
        for (const chunk of await this.store.list<BulkItem[]>(ITEMS, `${header.id}|`)) await this.store.delete(ITEMS, chunk.key);
        await this.store.delete(HEADERS, header.id, { ifMatch: etag });
        deleted++;
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e; // confirmed or cancelled meanwhile: next time
      }
    }
    return deleted;
  }
}
