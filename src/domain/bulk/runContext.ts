// What one run of a bulk job shares between its parts (jobProgress.ts, stages.ts,
// itemOutcomes.ts): the job, its options and ports, the clock, the stop signal, and which stored
// chunks of items have changed since the last checkpoint.
import { setMaxListeners } from 'node:events';
import type { AuditLog } from '../audit/audit';
import type { PendingAdds } from '../invitation/pendingAdds';
import type { InvitationRecords } from '../invitation/records';
import type { DomainRules } from '../policy';
import type { BulkDirectory } from './bulkDirectory';
import type { BulkItem, BulkJob, BulkJobs } from './bulkJob';
import type { Clock, RequestPacer } from './pacer';

export interface BulkRunnerOptions {
  /** Invitations waiting for the scheduler or in flight at once (the scheduler lets at most L out at once). */
  inviteConcurrency: number;
  /** $batch look-ups in flight at once. */
  lookupConcurrency: number;
  /** Addresses per look-up batch ($batch takes at most 20). */
  lookupBatchSize: number;
  /** Users per team add (POST /teams/{id}/members/add takes at most 200). */
  addBatchSize: number;
  /** Group adds in flight at once. */
  addConcurrency: number;
  /** How long the add stage waits for a fuller batch while invitations still come in. */
  addLingerMs: number;
  /** Items marked `inviting` per store write, ahead of their invitations. */
  inviteBlockSize: number;
  /** Attempts per invitation when Graph is throttling or busy. */
  maxInviteAttempts: number;
  /** Waits between group-add attempts while a new guest replicates; then it becomes a pending add. */
  memberAddBackoffMs: number[];
  /** How often progress is stored (and reported). */
  checkpointMs: number;
  /** How long a claim on a job lasts without renewal (renewed at every checkpoint). */
  leaseMs: number;
  /** Invitation records and audit entries written at once. */
  recordConcurrency: number;
}

export const DEFAULT_BULK_OPTIONS: BulkRunnerOptions = {
  inviteConcurrency: 150,
  lookupConcurrency: 10,
  lookupBatchSize: 20,
  addBatchSize: 200,
  addConcurrency: 8,
  addLingerMs: 300,
  inviteBlockSize: 50,
  maxInviteAttempts: 6,
  memberAddBackoffMs: [1000, 2000, 4000, 8000, 16000],
  checkpointMs: 1000,
  leaseMs: 15_000,
  recordConcurrency: 4,
};

/** The part of a logger the domain uses (pino's Logger fits). */
export interface BulkLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BulkRunnerDeps {
  directory: BulkDirectory;
  jobs: BulkJobs;
  records: InvitationRecords;
  pendingAdds: PendingAdds;
  audit: AuditLog;
  /** The process-wide invitation pacer, shared by all jobs. */
  pacer: RequestPacer;
  rules: DomainRules & { redirectUrl?: string };
  clock?: Clock;
  /** Who this process is, for job leases. */
  instanceId?: string;
  log?: BulkLog;
  options?: Partial<BulkRunnerOptions>;
}

export type ProgressListener = (job: BulkJob) => void | Promise<void>;

export type RunResult =
  | { kind: 'finished'; job: BulkJob }
  /** Stopped by the caller's signal, or because another process took the job over. */
  | { kind: 'interrupted'; job: BulkJob }
  | { kind: 'notRunnable' }
  | { kind: 'leasedElsewhere'; until: string };

export const silentLog: BulkLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** One execution of one job in this process: the state its lease, stages and outcomes share. */
export class RunContext {
  job!: BulkJob;
  readonly positions = new Map<BulkItem, number>();
  /** Chunks of items changed since the last checkpoint. */
  readonly dirty = new Set<number>();
  readonly stop = new AbortController();

  constructor(
    readonly deps: BulkRunnerDeps,
    readonly o: BulkRunnerOptions,
    readonly clock: Clock,
    readonly log: BulkLog,
    readonly instanceId: string,
    readonly jobId: string,
    signal: AbortSignal | undefined,
  ) {
    // Every paced invitation and queue wait listens for the stop: more than Node's default of 10.
    setMaxListeners(0, this.stop.signal);
    if (signal?.aborted) this.stop.abort(signal.reason);
    signal?.addEventListener('abort', () => this.stop.abort(signal.reason), { once: true });
  }

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** The item changed: its chunk is written at the next checkpoint. */
  touched(item: BulkItem): void {
    this.dirty.add(Math.floor((this.positions.get(item) ?? 0) / this.job.header.chunkSize));
  }
}
