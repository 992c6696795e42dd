// The Teams face of bulk invitations: the preview card (bad lines and why, Confirm / Cancel), the
// progress card updated in place while the job runs in the background, the results and their CSV.
// Who may run a bulk job is decided here from the activity's caller, at preview and again at
// confirm, never from card data.
import type { Logger } from 'pino';
import type { PolicyConfig } from '../config';
import type { AuditLog } from '../domain/audit/audit';
import { bulkRefusal, cancelBulk, confirmBulk, previewBulk, type BulkUseCaseDeps } from '../domain/bulk/bulkInvite';
import { BulkJobs, type BulkJob, type BulkJobHeader } from '../domain/bulk/bulkJob';
import type { BulkRunner } from '../domain/bulk/bulkRunner';
import type { InviteLine } from '../domain/commands';
import type { Person } from '../domain/team';
import type { TeamRef } from '../domain/team';
import type { TeamRoles } from '../domain/roles';
import type { Texts } from '../text/en';
import { textsFor } from '../text';
import type { AdaptiveCard } from './cards';
import { bulkPreviewCard, bulkProgressCard } from './cards/bulk';
import type { CardPublisher } from './proactive';
import { reasonText } from './reasons';
import type { TurnPort } from './turn';

/** What a card action answers (the bot's CardAnswer): the clicker's copy, everyone's copy, or a text. */
export interface BulkAnswer {
  card?: AdaptiveCard;
  publicCard?: AdaptiveCard;
  text?: string;
}

export interface BulkInvitationsDeps {
  jobs: BulkJobs;
  runner: BulkRunner;
  audit: AuditLog;
  roles: TeamRoles;
  policy: PolicyConfig;
  publisher: Pick<CardPublisher, 'update'>;
  /** The Teams user ids of the owners and `first`, for the owners' copy of a finished job's card. */
  viewers?: (turn: TurnPort, team: TeamRef, first: string[]) => Promise<string[]>;
  logger: Logger;
  now?: () => Date;
  /** At most one progress-card update per job this often (Teams: 7 sends per second per thread). */
  cardUpdateMs?: number;
}

export class BulkInvitations {
  private readonly jobs: BulkJobs;
  private readonly now: () => Date;
  private readonly lastUpdate = new Map<string, { at: number; sending: Promise<void>; busy: boolean }>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly deps: BulkInvitationsDeps) {
    this.jobs = deps.jobs;
    this.now = deps.now ?? (() => new Date());
  }

  private useCases(): BulkUseCaseDeps {
    return { jobs: this.jobs, audit: this.deps.audit, rules: this.deps.policy, now: this.now };
  }

  /** A refusal text when the caller may not run bulk invitations here; undefined when they may. */
  private async refusal(texts: Texts, team: TeamRef, caller: Person, fresh: boolean): Promise<string | undefined> {
    const code = await bulkRefusal({ roles: this.deps.roles, invitePolicy: this.deps.policy.invitePolicy }, team, caller, fresh);
    return code && texts.bulk.notAllowed(reasonText(texts, code));
  }

  /** Checks the list and answers with the preview card; nothing is sent before Confirm. */
  async preview(
    team: TeamRef,
    caller: Person,
    lines: readonly InviteLine[],
    options: { sendEmail?: boolean; message?: string; locale?: string } = {},
  ): Promise<BulkAnswer> {
    const texts = textsFor(options.locale);
    const refusal = await this.refusal(texts, team, caller, false);
    if (refusal) return { text: refusal };
    const result = await previewBulk(this.useCases(), {
      team,
      caller,
      lines,
      sendEmail: options.sendEmail ?? this.deps.policy.sendInvitationEmail,
      message: options.message,
      locale: options.locale,
    });
    if (result.kind === 'tooManyLines') return { text: texts.bulk.tooManyLines(result.lines, result.max) };
    if (result.kind === 'invalidMessage') return { text: texts.bulk.invalidMessage(texts.fieldErrors[result.code]) };
    const card = bulkPreviewCard(texts, result.job);
    return { card, publicCard: card };
  }

  /** Confirm: answered at once with the progress card; the job runs in the background. */
  async confirm(turn: TurnPort, team: TeamRef, caller: Person, data: Record<string, unknown>): Promise<BulkAnswer> {
    const texts = textsFor(turn.activity.locale);
    const jobId = typeof data.jobId === 'string' ? data.jobId : '';
    const refusal = await this.refusal(texts, team, caller, true);
    if (refusal) return { text: refusal };
    const activityId = turn.activity.replyToId;
    const reference = turn.reference() as Record<string, unknown>;
    const result = await confirmBulk(this.useCases(), team, caller, jobId, activityId ? { reference, activityId } : undefined);
    // Unconfirmed previews are deleted after a while (background retention): say so, nothing was sent.
    if (result.kind === 'notFound') return { text: texts.bulk.previewExpired };
    if (result.kind === 'cancelled') {
      // The card everyone sees says who cancelled and when, and loses its buttons.
      const card = bulkProgressCard(texts, (await this.jobs.load(jobId))!.job);
      return { card, publicCard: card };
    }
    if (result.kind === 'confirmed') {
      this.deps.logger.info({ jobId, groupId: team.groupId, items: result.header.itemCount }, 'bulk job confirmed');
      this.start(jobId);
    }
    const loaded = await this.jobs.load(jobId);
    const card = bulkProgressCard(texts, loaded!.job);
    // The answer is this card; later updates go to the same activity through the publisher.
    this.lastUpdate.set(jobId, { at: Date.now(), sending: Promise.resolve(), busy: false });
    return { card, publicCard: card };
  }

  async cancel(team: TeamRef, caller: Person, data: Record<string, unknown>, locale?: string): Promise<BulkAnswer> {
    const texts = textsFor(locale);
    const refusal = await this.refusal(texts, team, caller, false);
    if (refusal) return { text: refusal };
    const result = await cancelBulk(this.useCases(), team, typeof data.jobId === 'string' ? data.jobId : '', caller);
    if (result.kind === 'notFound') return { text: texts.bulk.previewExpired };
    const loaded = await this.jobs.load(result.header.id);
    const card = bulkProgressCard(texts, loaded!.job);
    return { card, publicCard: card };
  }

  /** A finished job of this team for an owner (checked now), or the answer for anyone else. */
  private async ownersJob(team: TeamRef, caller: Person, data: Record<string, unknown>, texts: Texts): Promise<BulkJob | BulkAnswer> {
    if ((await this.deps.roles.roleOf(team.groupId, caller.id, { fresh: true })) !== 'owner') return { text: texts.bulk.resultsOwnersOnly };
    const loaded = typeof data.jobId === 'string' ? await this.jobs.load(data.jobId) : undefined;
    if (!loaded || loaded.job.header.team.groupId !== team.groupId || loaded.job.header.state === 'expired') return { text: texts.cardExpired };
    return loaded.job;
  }

  /**
   * The results with the CSV, as the clicker's own card: owners only, checked now (the results
   * name every person and outcome, which members and guests of the channel may not read).
   */
  async resultsCsv(team: TeamRef, caller: Person, data: Record<string, unknown>, locale?: string, refreshUserIds: string[] = []): Promise<BulkAnswer> {
    const texts = textsFor(locale);
    const job = await this.ownersJob(team, caller, data, texts);
    if (!('header' in job)) return job;
    return { card: bulkProgressCard(texts, job, { owner: true, withCsv: true, refreshUserIds }) };
  }

  /** The owners' copy of a finished job's card (its user-specific view); anyone else gets the channel's copy. */
  async resultsView(team: TeamRef, caller: Person, data: Record<string, unknown>, locale?: string, refreshUserIds: string[] = []): Promise<BulkAnswer> {
    const texts = textsFor(locale);
    const job = await this.ownersJob(team, caller, data, texts);
    if (!('header' in job)) {
      const loaded = typeof data.jobId === 'string' ? await this.jobs.load(data.jobId) : undefined;
      if (loaded && loaded.job.header.team.groupId === team.groupId) return { card: bulkProgressCard(texts, loaded.job, { refreshUserIds }) };
      return job;
    }
    return { card: bulkProgressCard(texts, job, { owner: true, withCsv: true, refreshUserIds }) };
  }

  /** Resumes every confirmed job that is not finished (on start); jobs another process holds are tried again later. */
  async resumeAll(): Promise<void> {
    for (const header of await this.jobs.listHeaders()) {
      if (header.state === 'running' && !this.deps.runner.isRunning(header.id)) this.start(header.id);
    }
  }

  /** Stops resuming (for shutdown and tests); running jobs keep their lease until it runs out. */
  stop(): void {
    this.stopped = true;
    this.retryTimers.forEach((t) => clearTimeout(t));
    this.retryTimers.clear();
  }

  private start(jobId: string): void {
    if (this.stopped) return;
    void this.deps.runner
      .run(jobId, { onProgress: (job) => this.publish(job) })
      .then((result) => {
        if (result.kind === 'leasedElsewhere') this.retryLater(jobId, Date.parse(result.until) - this.now().getTime() + 250);
        else if (result.kind === 'interrupted') this.retryLater(jobId, this.deps.runner.options.leaseMs);
      })
      .catch((e: unknown) => {
        this.deps.logger.error({ jobId, err: (e as Error).message }, 'bulk job failed to run');
        this.retryLater(jobId, this.deps.runner.options.leaseMs);
      });
  }

  private retryLater(jobId: string, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.start(jobId);
    }, Math.max(250, ms));
    timer.unref();
    this.retryTimers.add(timer);
  }

  /** Updates the progress card in place: at most one update per interval, one at a time; the last one always goes. */
  private async publish(job: BulkJob): Promise<void> {
    const { card, id } = { card: job.header.card, id: job.header.id };
    if (!card) return;
    const final = job.header.state === 'finished';
    const previous = this.lastUpdate.get(id);
    const interval = this.deps.cardUpdateMs ?? 1000;
    // A little slack, so that a report arriving a few ms early is not put off for a whole period.
    if (!final && previous && (Date.now() - previous.at < interval * 0.9 || previous.busy)) return;
    const texts = textsFor(job.header.locale);
    const viewers = this.deps.viewers;
    const confirmer = (job.header.confirmedBy ?? job.header.requestedBy).id;
    const rendered =
      final && viewers
        ? async (turn: TurnPort) => bulkProgressCard(texts, job, { refreshUserIds: await viewers(turn, job.header.team, [confirmer]) })
        : bulkProgressCard(texts, job);
    const entry = { at: Date.now(), sending: Promise.resolve(), busy: true };
    entry.sending = (async () => {
      if (final && previous) await previous.sending;
      await this.deps.publisher.update(card.reference, card.activityId, rendered);
    })()
      .catch((e: unknown) => this.deps.logger.warn({ jobId: id, err: (e as Error).message }, 'bulk progress card not updated'))
      .finally(() => (entry.busy = false));
    const sending = entry.sending;
    this.lastUpdate.set(id, entry);
    if (final) {
      await sending;
      this.lastUpdate.delete(id);
    }
  }

  /** The header of a job, for the bot (e.g. to show a card again). */
  async header(jobId: string): Promise<BulkJobHeader | undefined> {
    return (await this.jobs.header(jobId))?.value;
  }
}
