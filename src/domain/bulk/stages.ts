// The three stages of a bulk job, as one pipeline (an address moves on as soon as its own step is
// done): look-ups in batches, invitations paced against Graph's limit, group adds in batches.
//
// Never invite twice: an item is stored as `inviting` before its invitation is sent; on resume (or
// after an ambiguous 5xx) such an item is looked up again first, and only invited if nobody is there.
import { DirectoryError } from '../directory';
import { domainOf } from '../invitation/email';
import { subjectStateOf } from '../invitation/outcome';
import { BusyDirectoryError, type BulkDirectory, type LookupAnswer, type MemberAddAnswer } from './bulkDirectory';
import type { BulkItem } from './bulkJob';
import { chunksOf, forEachConcurrently, Semaphore, Stage } from './flow';
import type { ItemOutcomes } from './itemOutcomes';
import type { JobProgress } from './jobProgress';
import type { RunContext } from './runContext';

export class Stages {
  private tenantDomains: string[] = [];
  private readonly addAttempts = new Map<string, number>();
  private readonly inviteQueue = new Stage<BulkItem>(1);
  // Producers of adds: the look-up stage (existing users) and the invitation stage (new guests).
  private readonly addQueue = new Stage<BulkItem>(2);

  constructor(
    private readonly c: RunContext,
    private readonly progress: JobProgress,
    private readonly outcomes: ItemOutcomes,
  ) {}

  /** The tenant's own domains: their people are looked up and added, never invited. */
  async prepare(): Promise<void> {
    try {
      this.tenantDomains = (await this.c.deps.directory.verifiedDomains()).map((d) => d.toLowerCase());
    } catch (e) {
      // Graph refuses invitations to the tenant's own domains anyway; go on without the list.
      this.c.log.warn({ jobId: this.c.jobId, err: (e as Error).message }, 'verified domains unavailable; going on without them');
    }
  }

  async lookupStage(): Promise<void> {
    try {
      for (const item of this.c.job.items) {
        // Existing users found by an earlier run only need their group add.
        if ((item.state === 'lookedUp' || item.state === 'invited') && item.userId) this.addQueue.push(item);
      }
      const toLookUp = this.c.job.items.filter((i) => i.state === 'pending' || i.state === 'inviting' || ((i.state === 'lookedUp' || i.state === 'invited') && !i.userId));
      await forEachConcurrently(chunksOf(toLookUp, this.c.o.lookupBatchSize), this.c.o.lookupConcurrency, async (batch) => {
        if (this.c.signal.aborted) return;
        let answers: Map<string, LookupAnswer>;
        try {
          answers = await this.c.deps.directory.lookupMany(
            batch.map((i) => i.email),
            this.c.signal,
          );
        } catch (e) {
          if (this.c.signal.aborted) return;
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
    if (this.c.signal.aborted) return;
    if (answer instanceof DirectoryError) return this.outcomes.finishWithError(item, answer);
    if (answer) {
      item.userId = answer.id;
      item.userState = subjectStateOf(answer);
      // Found after an invitation may have gone out (a restart, an ambiguous 5xx): that invitation is this job's.
      item.state = item.state === 'inviting' ? 'invited' : 'lookedUp';
      this.c.touched(item);
      this.addQueue.push(item);
      return;
    }
    const domain = domainOf(item.email);
    if (this.tenantDomains.includes(domain)) {
      // The tenant's own people are looked up and added, never invited (PRODUCT.md 3.1).
      return this.outcomes.finish(item, { outcome: 'failed', reason: 'userNotFound', detail: domain });
    }
    this.inviteQueue.push(item);
  }

  async inviteStage(): Promise<void> {
    const slots = new Semaphore(this.c.o.inviteConcurrency);
    const inFlight = new Set<Promise<void>>();
    try {
      for (;;) {
        const block = await this.inviteQueue.take(this.c.o.inviteBlockSize, 0, (ms) => this.c.clock.sleep(ms), this.c.signal);
        if (block.length === 0 || this.c.signal.aborted) break;
        // Stored before any of them is sent: on resume these are looked up again, never blindly re-invited.
        for (const item of block) {
          item.state = 'inviting';
          this.c.touched(item);
        }
        await this.progress.checkpoint();
        for (const item of block) {
          await slots.acquire();
          if (this.c.signal.aborted) {
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
    const { header } = this.c.job;
    const actor = header.confirmedBy ?? header.requestedBy;
    for (let attempt = 1; ; attempt++) {
      try {
        // Every attempt takes a lane until its answer (or its failure) is in: the scheduler's proof needs both ends.
        const ticket = await this.c.deps.pacer.acquire(this.c.signal, { retry: attempt > 1 });
        let invitation: Awaited<ReturnType<BulkDirectory['invite']>>;
        try {
          invitation = await this.c.deps.directory.invite(
            {
              email: item.email,
              displayName: item.displayName,
              redirectUrl: this.c.deps.rules.redirectUrl ?? header.team.deepLink,
              sendEmail: header.sendEmail,
              message: header.message,
              messageLanguage: header.locale,
              sponsorId: actor.id,
            },
            this.c.signal,
          );
        } catch (e) {
          // A 429 means someone else used the tenant's budget: everyone waits as Graph says (before this lane is freed).
          if (e instanceof BusyDirectoryError && e.kind === 'throttled') this.c.deps.pacer.pause(e.retryAfterMs ?? this.c.deps.pacer.limits.windowMs);
          throw e;
        } finally {
          ticket.done();
        }
        if (this.c.signal.aborted) return;
        item.state = 'invited';
        item.userId = invitation.userId;
        item.invitationId = invitation.invitationId;
        item.userState = 'PendingAcceptance';
        this.outcomes.redeemUrls.set(item.email, invitation.redeemUrl);
        this.c.touched(item);
        this.addQueue.push(item);
        return;
      } catch (e) {
        if (this.c.signal.aborted) return;
        if (e instanceof BusyDirectoryError && attempt < this.c.o.maxInviteAttempts) {
          // A 429 means nothing was created (the pause is ordered above); the retry goes first when it ends.
          if (e.kind === 'throttled') continue;
          // Busy (503/504): the invitation may exist all the same; look before trying again.
          try {
            await this.c.clock.sleep(e.retryAfterMs ?? 1000 * attempt, this.c.signal);
            const again = (await this.c.deps.directory.lookupMany([item.email], this.c.signal)).get(item.email);
            if (again !== undefined && again !== null && !(again instanceof DirectoryError)) {
              this.afterLookup(item, again);
              return;
            }
          } catch {
            if (this.c.signal.aborted) return;
          }
          continue;
        }
        return this.outcomes.finishWithError(item, e);
      }
    }
  }

  async addStage(): Promise<void> {
    const slots = new Semaphore(this.c.o.addConcurrency);
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      const batch = await this.addQueue.take(this.c.o.addBatchSize, this.c.o.addLingerMs, (ms) => this.c.clock.sleep(ms), this.c.signal);
      if (batch.length === 0 || this.c.signal.aborted) break;
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
    const { groupId } = this.c.job.header.team;
    let answers: Map<string, MemberAddAnswer>;
    try {
      answers = await this.c.deps.directory.addMembers(
        groupId,
        batch.map((i) => i.userId as string),
        this.c.signal,
      );
    } catch (e) {
      if (this.c.signal.aborted) return;
      answers = new Map(batch.map((i) => [i.userId as string, e instanceof DirectoryError ? e : new DirectoryError('unexpected', String(e))]));
    }
    if (this.c.signal.aborted) return;
    for (const item of batch) {
      const answer = answers.get(item.userId as string) ?? new DirectoryError('unexpected', 'no answer for this user');
      const invitedHere = item.state === 'invited';
      if (answer === 'added' || answer === 'alreadyMember') {
        this.outcomes.finish(item, { outcome: invitedHere ? 'invited' : answer === 'added' ? 'added' : 'alreadyInTeam' });
        continue;
      }
      const replicating = answer.kind === 'notFound' && invitedHere;
      const busy = answer.kind === 'throttled' || answer.kind === 'unavailable';
      if (replicating || busy) {
        const attempt = this.addAttempts.get(item.email) ?? 0;
        const wait = this.c.o.memberAddBackoffMs[attempt];
        if (wait !== undefined) {
          this.addAttempts.set(item.email, attempt + 1);
          this.retryAddLater(item, answer instanceof BusyDirectoryError ? Math.max(wait, answer.retryAfterMs ?? 0) : wait);
          continue;
        }
        if (replicating) {
          // Still not replicated: stored as pending work that survives a restart and finishes later.
          try {
            await this.c.deps.pendingAdds.enqueue({ groupId, teamId: this.c.job.header.team.teamId, userId: item.userId as string, email: item.email });
            this.outcomes.finish(item, { outcome: 'pendingAdd' });
          } catch (e) {
            this.c.log.error({ jobId: this.c.jobId, err: (e as Error).message }, 'pending add not stored');
            this.outcomes.finishWithError(item, answer);
          }
          continue;
        }
      }
      this.outcomes.finishWithError(item, answer);
    }
  }

  private retryAddLater(item: BulkItem, ms: number): void {
    this.addQueue.join();
    void this.c.clock
      .sleep(ms, this.c.signal)
      .then(
        () => this.addQueue.push(item),
        () => undefined,
      )
      .finally(() => this.addQueue.done());
  }
}
