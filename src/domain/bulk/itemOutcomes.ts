// How each line of a bulk job ends: its outcome stored on the item, then its record and audit
// entry written by the one recorder single invitations use (../invitation/recorder.ts), a few at a
// time, in the background of the run.
import { domainOf } from '../invitation/email';
import { outcomeOfError } from '../invitation/outcome';
import { recordInvitation } from '../invitation/recorder';
import type { BulkItem, BulkOutcomeKind } from './bulkJob';
import { Semaphore } from './flow';
import type { RunContext } from './runContext';

export class ItemOutcomes {
  /** Redeem links of this run's invitations, until their record holds them (never stored on the job). */
  readonly redeemUrls = new Map<string, string>();
  private readonly recordSlots: Semaphore;
  private readonly recordWrites = new Set<Promise<void>>();

  constructor(private readonly c: RunContext) {
    this.recordSlots = new Semaphore(c.o.recordConcurrency);
  }

  /** Waits for the record writes under way. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.recordWrites);
  }

  finishWithError(item: BulkItem, error: unknown): void {
    const o = outcomeOfError(error, { kind: 'failed', email: item.email, displayName: item.displayName }, domainOf(item.email));
    this.finish(item, {
      outcome: o.kind === 'refused' ? 'refused' : 'failed',
      reason: o.refusal ?? o.failure,
      detail: o.detail,
      graphCode: o.trace?.graphCode,
      requestId: o.trace?.requestId,
    });
  }

  finish(item: BulkItem, result: Pick<BulkItem, 'outcome' | 'reason' | 'detail' | 'graphCode' | 'requestId'>): void {
    if (this.c.signal.aborted) return;
    Object.assign(item, result, { state: 'done' as const });
    this.c.touched(item);
    this.recordLater(item);
  }

  /** The invitation record (for /status and /guests) and the audit entry, as the single path writes them. */
  recordLater(item: BulkItem): void {
    const write = this.recordSlots
      .run(async () => {
        if (this.c.signal.aborted) return;
        await this.record(item);
        item.recorded = true;
        this.c.touched(item);
      })
      .catch((e: unknown) => this.c.log.error({ jobId: this.c.jobId, err: (e as Error).message }, 'bulk item record not written'));
    this.recordWrites.add(write);
    void write.finally(() => this.recordWrites.delete(write));
  }

  private async record(item: BulkItem): Promise<void> {
    const { header } = this.c.job;
    const redeemUrl = this.redeemUrls.get(item.email);
    await recordInvitation(
      this.c.deps,
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
      this.c.nowIso(),
    );
    if (item.userId) this.redeemUrls.delete(item.email);
  }
}
