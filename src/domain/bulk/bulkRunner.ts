// Runs a confirmed bulk job in the background: look-ups in batches, invitations paced against
// Graph's limit, group adds in batches, as one pipeline (an address moves on as soon as its own
// step is done), with progress stored in chunks so that a restart resumes the job.
//
// Never invite twice: an item is stored as `inviting` before its invitation is sent; on resume (or
// after an ambiguous 5xx) such an item is looked up again first, and only invited if nobody is there.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { AuditLog } from '../audit/audit';
import { DirectoryError } from '../directory';
import { domainOf } from '../invitation/email';
import type { InvitationRecords } from '../invitation/records';
import { outcomeOfError, subjectStateOf } from '../invitation/outcome';
import { recordInvitation } from '../invitation/recorder';
import type { PendingAdds } from '../invitation/pendingAdds';
import type { DomainRules } from '../policy';
import { ConcurrencyError } from '../store';
import { BusyDirectoryError, type BulkDirectory, type LookupAnswer, type MemberAddAnswer } from './bulkDirectory';
import { countsOf, type BulkItem, type BulkJob, type BulkJobs, type BulkOutcomeKind } from './bulkJob';
import { chunksOf, forEachConcurrently, Semaphore, Stage } from './flow';
import { systemClock, type Clock, type RequestPacer } from './pacer';

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

const silentLog: BulkLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class BulkRunner {
  readonly options: BulkRunnerOptions;
  readonly instanceId: string;
  private readonly clock: Clock;
  private readonly log: BulkLog;
  private readonly active = new Map<string, Promise<RunResult>>();

  constructor(private readonly deps: BulkRunnerDeps) {
    this.options = { ...DEFAULT_BULK_OPTIONS, ...deps.options };
    this.instanceId = deps.instanceId ?? randomUUID();
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log ?? silentLog;
  }

  isRunning(jobId: string): boolean {
    return this.active.has(jobId);
  }

  /** Runs (or resumes) a confirmed job to its end; one run per job per process. */
  run(jobId: string, options: { signal?: AbortSignal; onProgress?: ProgressListener } = {}): Promise<RunResult> {
    const current = this.active.get(jobId);
    if (current) return current;
    const run = new JobRun(this.deps, this.options, this.clock, this.log, this.instanceId, jobId, options.signal, options.onProgress)
      .execute()
      .finally(() => this.active.delete(jobId));
    this.active.set(jobId, run);
    return run;
  }
}

/** One execution of one job in this process. */
class JobRun {
  private job!: BulkJob;
  private headerEtag = '';
  private chunkEtags: string[] = [];
  private readonly dirty = new Set<number>();
  private readonly positions = new Map<BulkItem, number>();
  private writes: Promise<unknown> = Promise.resolve();
  private readonly stop = new AbortController();
  private readonly redeemUrls = new Map<string, string>();
  private readonly addAttempts = new Map<string, number>();
  private readonly recordSlots: Semaphore;
  private readonly recordWrites = new Set<Promise<void>>();
  private tenantDomains: string[] = [];
  private readonly inviteQueue = new Stage<BulkItem>(1);
  // Producers of adds: the look-up stage (existing users) and the invitation stage (new guests).
  private readonly addQueue = new Stage<BulkItem>(2);

  constructor(
    private readonly deps: BulkRunnerDeps,
    private readonly o: BulkRunnerOptions,
    private readonly clock: Clock,
    private readonly log: BulkLog,
    private readonly instanceId: string,
    private readonly jobId: string,
    signal: AbortSignal | undefined,
    private readonly onProgress: ProgressListener | undefined,
  ) {
    this.recordSlots = new Semaphore(o.recordConcurrency);
    // Every paced invitation and queue wait listens for the stop: more than Node's default of 10.
    setMaxListeners(0, this.stop.signal);
    if (signal?.aborted) this.stop.abort(signal.reason);
    signal?.addEventListener('abort', () => this.stop.abort(signal.reason), { once: true });
  }

  private get signal(): AbortSignal {
    return this.stop.signal;
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async execute(): Promise<RunResult> {
    const claim = await this.claim();
    if (claim) return claim;
    const { header } = this.job;
    this.log.info({ jobId: header.id, groupId: header.team.groupId, items: header.itemCount }, 'bulk job running');
    try {
      this.tenantDomains = (await this.deps.directory.verifiedDomains()).map((d) => d.toLowerCase());
    } catch (e) {
      // Graph refuses invitations to the tenant's own domains anyway; go on without the list.
      this.log.warn({ jobId: header.id, err: (e as Error).message }, 'verified domains unavailable; going on without them');
    }

    // Items decided before this run (domain rules at preview, or a run cut short) still need their record.
    for (const item of this.job.items) if (item.state === 'done' && !item.recorded) this.recordLater(item);

    const ticker = this.tick();
    const stages = await Promise.allSettled([this.lookupStage(), this.inviteStage(), this.addStage()]);
    const failed = stages.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed && !this.signal.aborted) {
      // Most likely the store: stop here; the job keeps its state and is resumed once the lease runs out.
      this.log.error({ jobId: header.id, err: (failed.reason as Error)?.message }, 'bulk job stopped by an error');
      this.stop.abort(failed.reason);
    }
    await Promise.allSettled(this.recordWrites);
    await ticker.stopped();

    if (this.signal.aborted) {
      this.log.warn({ jobId: header.id }, 'bulk job interrupted');
      return { kind: 'interrupted', job: this.job };
    }
    header.state = 'finished';
    header.finishedAt = this.nowIso();
    header.lease = undefined;
    await this.checkpoint();
    await this.report();
    this.log.info({ jobId: header.id, counts: header.counts }, 'bulk job finished');
    return { kind: 'finished', job: this.job };
  }

  // ---- claim and storage ----------------------------------------------------------------------

  private async claim(): Promise<RunResult | undefined> {
    const loaded = await this.deps.jobs.load(this.jobId);
    if (!loaded || loaded.job.header.state !== 'running') return { kind: 'notRunnable' };
    const { header } = loaded.job;
    const now = this.clock.now();
    if (header.lease && header.lease.owner !== this.instanceId && Date.parse(header.lease.until) > now) {
      return { kind: 'leasedElsewhere', until: header.lease.until };
    }
    header.lease = { owner: this.instanceId, until: new Date(now + this.o.leaseMs).toISOString() };
    try {
      this.headerEtag = await this.deps.jobs.putHeader(header, loaded.headerEtag);
    } catch (e) {
      if (e instanceof ConcurrencyError) return { kind: 'leasedElsewhere', until: header.lease.until };
      throw e;
    }
    this.job = loaded.job;
    this.job.items.forEach((item, i) => this.positions.set(item, i));
    this.chunkEtags = loaded.chunkEtags;
    return undefined;
  }

  private touched(item: BulkItem): void {
    this.dirty.add(Math.floor((this.positions.get(item) ?? 0) / this.job.header.chunkSize));
  }

  /** Stores dirty item chunks and the header (counts, lease). One writer at a time; nothing after a stop. */
  private checkpoint(): Promise<void> {
    const write = this.writes.then(async () => {
      if (this.signal.aborted) return;
      const { header, items } = this.job;
      const size = header.chunkSize;
      try {
        for (const chunk of [...this.dirty].sort((a, b) => a - b)) {
          this.dirty.delete(chunk);
          this.chunkEtags[chunk] = await this.deps.jobs.putChunk(header, chunk, items.slice(chunk * size, (chunk + 1) * size), this.chunkEtags[chunk] ?? '');
        }
        header.counts = countsOf(items, header.skipped.length);
        header.updatedAt = this.nowIso();
        if (header.state === 'running') header.lease = { owner: this.instanceId, until: new Date(this.clock.now() + this.o.leaseMs).toISOString() };
        this.headerEtag = await this.deps.jobs.putHeader(header, this.headerEtag);
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
        // Someone else holds the job now: stop without touching it again.
        this.log.warn({ jobId: header.id }, 'bulk job taken over by another process; stopping here');
        this.stop.abort(e);
      }
    });
    this.writes = write.catch((e: unknown) => this.log.error({ jobId: this.jobId, err: (e as Error).message }, 'bulk job progress not stored'));
    return write;
  }

  private tick(): { stopped(): Promise<void> } {
    let running = true;
    let wake: () => void = () => undefined;
    const loop = (async () => {
      while (running && !this.signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          void this.clock.sleep(this.o.checkpointMs).then(resolve);
        });
        if (!running || this.signal.aborted) break;
        await this.checkpoint().catch(() => undefined);
        await this.report();
      }
    })();
    return {
      stopped: async () => {
        running = false;
        wake();
        await loop;
      },
    };
  }

  private async report(): Promise<void> {
    if (!this.onProgress || this.signal.aborted) return;
    try {
      await this.onProgress(this.job);
    } catch (e) {
      this.log.warn({ jobId: this.jobId, err: (e as Error).message }, 'bulk progress listener failed');
    }
  }

  // ---- the three stages -----------------------------------------------------------------------

  private async lookupStage(): Promise<void> {
    try {
      for (const item of this.job.items) {
        // Existing users found by an earlier run only need their group add.
        if ((item.state === 'lookedUp' || item.state === 'invited') && item.userId) this.addQueue.push(item);
      }
      const toLookUp = this.job.items.filter((i) => i.state === 'pending' || i.state === 'inviting' || ((i.state === 'lookedUp' || i.state === 'invited') && !i.userId));
      await forEachConcurrently(chunksOf(toLookUp, this.o.lookupBatchSize), this.o.lookupConcurrency, async (batch) => {
        if (this.signal.aborted) return;
        let answers: Map<string, LookupAnswer>;
        try {
          answers = await this.deps.directory.lookupMany(
            batch.map((i) => i.email),
            this.signal,
          );
        } catch (e) {
          if (this.signal.aborted) return;
          answers = new Map(batch.map((i) => [i.email, e instanceof DirectoryError ? e : new DirectoryError('unexpected', String(e))]));
        }
        for (const item of batch) {
          this.afterLookup(item, answers.has(item.email) ? (answers.get(item.email) as LookupAnswer) : new DirectoryError('unexpected', 'no answer for this address'));
        }
      });
    } finally {
      this.inviteQueue.done();
      this.addQueue.done();
    }
  }

  private afterLookup(item: BulkItem, answer: LookupAnswer): void {
    if (this.signal.aborted) return;
    if (answer instanceof DirectoryError) return this.finishWithError(item, answer);
    if (answer) {
      item.userId = answer.id;
      item.userState = subjectStateOf(answer);
      // Found after an invitation may have gone out (a restart, an ambiguous 5xx): that invitation is this job's.
      item.state = item.state === 'inviting' ? 'invited' : 'lookedUp';
      this.touched(item);
      this.addQueue.push(item);
      return;
    }
    const domain = domainOf(item.email);
    if (this.tenantDomains.includes(domain)) {
      // The tenant's own people are looked up and added, never invited (PRODUCT.md 3.1).
      return this.finish(item, { outcome: 'failed', reason: 'userNotFound', detail: domain });
    }
    this.inviteQueue.push(item);
  }

  private async inviteStage(): Promise<void> {
    const slots = new Semaphore(this.o.inviteConcurrency);
    const inFlight = new Set<Promise<void>>();
    try {
      for (;;) {
        const block = await this.inviteQueue.take(this.o.inviteBlockSize, 0, (ms) => this.clock.sleep(ms), this.signal);
        if (block.length === 0 || this.signal.aborted) break;
        // Stored before any of them is sent: on resume these are looked up again, never blindly re-invited.
        for (const item of block) {
          item.state = 'inviting';
          this.touched(item);
        }
        await this.checkpoint();
        for (const item of block) {
          await slots.acquire();
          if (this.signal.aborted) {
            slots.release();
            break;
          }
          const p = this.inviteOne(item).finally(() => {
            slots.release();
            inFlight.delete(p);
          });
          inFlight.add(p);
        }
      }
      await Promise.allSettled(inFlight);
    } finally {
      this.addQueue.done();
    }
  }

  private async inviteOne(item: BulkItem): Promise<void> {
    const { header } = this.job;
    const actor = header.confirmedBy ?? header.requestedBy;
    for (let attempt = 1; ; attempt++) {
      try {
        // Every attempt takes a lane until its answer (or its failure) is in: the scheduler's proof needs both ends.
        const ticket = await this.deps.pacer.acquire(this.signal, { retry: attempt > 1 });
        let invitation: Awaited<ReturnType<BulkDirectory['invite']>>;
        try {
          invitation = await this.deps.directory.invite(
            {
              email: item.email,
              displayName: item.displayName,
              redirectUrl: this.deps.rules.redirectUrl ?? header.team.deepLink,
              sendEmail: header.sendEmail,
              message: header.message,
              messageLanguage: header.locale,
              sponsorId: actor.id,
            },
            this.signal,
          );
        } catch (e) {
          // A 429 means someone else used the tenant's budget: everyone waits as Graph says (before this lane is freed).
          if (e instanceof BusyDirectoryError && e.kind === 'throttled') this.deps.pacer.pause(e.retryAfterMs ?? this.deps.pacer.limits.windowMs);
          throw e;
        } finally {
          ticket.done();
        }
        if (this.signal.aborted) return;
        item.state = 'invited';
        item.userId = invitation.userId;
        item.invitationId = invitation.invitationId;
        item.userState = 'PendingAcceptance';
        this.redeemUrls.set(item.email, invitation.redeemUrl);
        this.touched(item);
        this.addQueue.push(item);
        return;
      } catch (e) {
        if (this.signal.aborted) return;
        if (e instanceof BusyDirectoryError && attempt < this.o.maxInviteAttempts) {
          // A 429 means nothing was created (the pause is ordered above); the retry goes first when it ends.
          if (e.kind === 'throttled') continue;
          // Busy (503/504): the invitation may exist all the same; look before trying again.
          try {
            await this.clock.sleep(e.retryAfterMs ?? 1000 * attempt, this.signal);
            const again = (await this.deps.directory.lookupMany([item.email], this.signal)).get(item.email);
            if (again !== undefined && again !== null && !(again instanceof DirectoryError)) {
              this.afterLookup(item, again);
              return;
            }
          } catch {
            if (this.signal.aborted) return;
          }
          continue;
        }
        return this.finishWithError(item, e);
      }
    }
  }

  private async addStage(): Promise<void> {
    const slots = new Semaphore(this.o.addConcurrency);
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      const batch = await this.addQueue.take(this.o.addBatchSize, this.o.addLingerMs, (ms) => this.clock.sleep(ms), this.signal);
      if (batch.length === 0 || this.signal.aborted) break;
      await slots.acquire();
      const p = this.addBatch(batch).finally(() => {
        slots.release();
        inFlight.delete(p);
      });
      inFlight.add(p);
      // The queue closes only when in-flight batches cannot push retries any more.
      this.addQueue.join();
      void p.finally(() => this.addQueue.done());
    }
    await Promise.allSettled(inFlight);
  }

  private async addBatch(batch: BulkItem[]): Promise<void> {
    const { groupId } = this.job.header.team;
    let answers: Map<string, MemberAddAnswer>;
    try {
      answers = await this.deps.directory.addMembers(
        groupId,
        batch.map((i) => i.userId as string),
        this.signal,
      );
    } catch (e) {
      if (this.signal.aborted) return;
      answers = new Map(batch.map((i) => [i.userId as string, e instanceof DirectoryError ? e : new DirectoryError('unexpected', String(e))]));
    }
    if (this.signal.aborted) return;
    for (const item of batch) {
      const answer = answers.get(item.userId as string) ?? new DirectoryError('unexpected', 'no answer for this user');
      const invitedHere = item.state === 'invited';
      if (answer === 'added' || answer === 'alreadyMember') {
        this.finish(item, { outcome: invitedHere ? 'invited' : answer === 'added' ? 'added' : 'alreadyInTeam' });
        continue;
      }
      const replicating = answer.kind === 'notFound' && invitedHere;
      const busy = answer.kind === 'throttled' || answer.kind === 'unavailable';
      if (replicating || busy) {
        const attempt = this.addAttempts.get(item.email) ?? 0;
        const wait = this.o.memberAddBackoffMs[attempt];
        if (wait !== undefined) {
          this.addAttempts.set(item.email, attempt + 1);
          this.retryAddLater(item, answer instanceof BusyDirectoryError ? Math.max(wait, answer.retryAfterMs ?? 0) : wait);
          continue;
        }
        if (replicating) {
          // Still not replicated: stored as pending work that survives a restart and finishes later.
          try {
            await this.deps.pendingAdds.enqueue({ groupId, teamId: this.job.header.team.teamId, userId: item.userId as string, email: item.email });
            this.finish(item, { outcome: 'pendingAdd' });
          } catch (e) {
            this.log.error({ jobId: this.jobId, err: (e as Error).message }, 'pending add not stored');
            this.finishWithError(item, answer);
          }
          continue;
        }
      }
      this.finishWithError(item, answer);
    }
  }

  private retryAddLater(item: BulkItem, ms: number): void {
    this.addQueue.join();
    void this.clock
      .sleep(ms, this.signal)
      .then(
        () => this.addQueue.push(item),
        () => undefined,
      )
      .finally(() => this.addQueue.done());
  }

  // ---- outcomes -------------------------------------------------------------------------------

  private finishWithError(item: BulkItem, error: unknown): void {
    const o = outcomeOfError(error, { kind: 'failed', email: item.email, displayName: item.displayName }, domainOf(item.email));
    this.finish(item, {
      outcome: o.kind === 'refused' ? 'refused' : 'failed',
      reason: o.refusal ?? o.failure,
      detail: o.detail,
      graphCode: o.trace?.graphCode,
      requestId: o.trace?.requestId,
    });
  }

  private finish(item: BulkItem, result: Pick<BulkItem, 'outcome' | 'reason' | 'detail' | 'graphCode' | 'requestId'>): void {
    if (this.signal.aborted) return;
    Object.assign(item, result, { state: 'done' as const });
    this.touched(item);
    this.recordLater(item);
  }

  /** The invitation record (for /status and /guests) and the audit entry, as the single path writes them. */
  private recordLater(item: BulkItem): void {
    const write = this.recordSlots
      .run(async () => {
        if (this.signal.aborted) return;
        await this.record(item);
        item.recorded = true;
        this.touched(item);
      })
      .catch((e: unknown) => this.log.error({ jobId: this.jobId, err: (e as Error).message }, 'bulk item record not written'));
    this.recordWrites.add(write);
    void write.finally(() => this.recordWrites.delete(write));
  }

  private async record(item: BulkItem): Promise<void> {
    const { header } = this.job;
    const redeemUrl = this.redeemUrls.get(item.email);
    await recordInvitation(
      this.deps,
      {
        team: header.team,
        actor: header.confirmedBy ?? header.requestedBy,
        action: 'invite',
        email: item.email,
        displayName: item.displayName,
        kind: item.outcome as BulkOutcomeKind,
        userId: item.userId,
        invitationId: item.invitationId,
        redeemUrl,
        state: item.userState,
        emailSent: item.invitationId ? header.sendEmail : undefined,
        reason: item.reason,
        graphCode: item.graphCode,
        requestId: item.requestId,
      },
      this.nowIso(),
    );
    if (item.userId) this.redeemUrls.delete(item.email);
  }

}
