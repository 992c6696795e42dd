// What tests and the benchmark may replace or shorten when they build the app (src/app.ts).
import type { BulkDirectory } from '../domain/bulk/bulkDirectory';
import type { GuestDirectory } from '../domain/directory';
import type { DocumentStore } from '../domain/store';

export interface AppOverrides {
  directory?: GuestDirectory;
  store?: DocumentStore;
  memberAddBackoffMs?: number[];
  bulkDirectory?: BulkDirectory;
  /** Shorter waits for tests: first retry of a pending add, its backoff, the reminder age. */
  pendingAddFirstRetryMs?: number;
  pendingAddBackoffMs?: number[];
  reminderAfterMs?: number;
  /** Life of an audit export link (default 5 minutes). */
  exportTtlMs?: number;
  /** Retention: unconfirmed bulk previews (default 24 h), finished requests after the decision (default 30 days). */
  previewRetentionMs?: number;
  decidedRequestRetentionMs?: number;
  /** Wraps the Graph directory (tests inject faults at the directory port this way). */
  wrapDirectory?: (directory: GuestDirectory) => GuestDirectory;
  /** How long a message turn and a card action wait for an invitation before answering with a working card (default 8 s, 4 s). */
  messageDeadlineMs?: number;
  invokeDeadlineMs?: number;
  /** Lease of an invitation's claim (default 60 s), look-ups after an ambiguous answer, store write retries. */
  claimLeaseMs?: number;
  lookupRetryMs?: number[];
  storeRetryMs?: number[];
  /** Graph's invitation window (5 s); tests shorten it together with the sandbox's. */
  invitationWindowMs?: number;
  /** Lease of a running bulk job (default 15 s): how long a dead process keeps others off its job. */
  bulkLeaseMs?: number;
  /** Lease of the background work (default 2 cycles + 5 s): how long a dead process keeps others from it. */
  backgroundLeaseMs?: number;
  /** Lease of the tenant-wide invitation sender (default 30 s): how long a dead process keeps others from sending. */
  senderLeaseMs?: number;
}
