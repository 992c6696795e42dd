// The Teams face of bulk invitations: the preview card (bad lines and why, Confirm / Cancel), the
// progress card updated in place while the job runs in the background, the results and their CSV.
// Who may run a bulk job is decided here from the activity's caller, at preview and again at
// confirm, never from card data.
import { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { PolicyConfig } from '../config';
import type { AuditLog } from '../domain/audit';
import { cancelBulk, confirmBulk, previewBulk, type BulkUseCaseDeps } from '../domain/bulk/bulkInvite';
import { BulkJobs, type BulkJob, type BulkJobHeader } from '../domain/bulk/bulkJob';
import type { BulkRunner } from '../domain/bulk/bulkRunner';
import { resultRows, type ResultRow, type RowOutcome } from '../domain/bulk/results';
import { toCsv } from '../domain/csv';
import type { InviteLine } from '../domain/commands';
import type { Person } from '../domain/invitationRecords';
import type { TeamRef } from '../domain/invite';
import { inviteRight } from '../domain/policy';
import type { TeamRoles } from '../domain/roles';
import { en, textsFor, type Texts } from '../text/en';
import { expand, type AdaptiveCard } from './cards';
import previewTemplate from './cards/bulkPreview.json';
import progressTemplate from './cards/bulkProgress.json';
import type { CardPublisher } from './proactive';
import { shownAsText } from './shownAsText';

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
  logger: Logger;
  now?: () => Date;
  /** At most one progress-card update per job this often (Teams: 7 sends per second per thread). */
  cardUpdateMs?: number;
}

const MAX_PREVIEW_PROBLEMS = 15;
const MAX_RESULT_ROWS = 20;
/** Teams refuses messages much over ~28 KB. */
const MAX_CSV_MESSAGE = 20_000;

function reasonText(texts: Texts, row: Pick<ResultRow, 'outcome' | 'reason' | 'detail' | 'duplicateOf'>): string {
  if (row.outcome === 'duplicate' && row.duplicateOf !== undefined) return texts.bulk.duplicateOf(row.duplicateOf);
  if (row.outcome === 'pendingAdd') return texts.bulk.pendingAddReason;
  const r = row.reason;
  if (!r || r === 'duplicate') return '';
  if (r in texts.refusals) return texts.refusals[r as keyof Texts['refusals']](row.detail ?? '');
  if (r in texts.failures) return texts.failures[r as keyof Texts['failures']](row.detail ?? '');
  if (r in texts.fieldErrors) return texts.fieldErrors[r as keyof Texts['fieldErrors']];
  return r;
}

/** The job's results as CSV, one row per pasted line (RFC 4180, spreadsheet-formula guarded). */
export function bulkResultsCsv(job: BulkJob, texts: Texts = en): string {
  const rows = resultRows(job).map((r) => [
    r.line,
    r.email,
    r.displayName,
    texts.bulk.outcomes[r.outcome],
    reasonText(texts, r),
    r.userId,
    r.graphCode,
    r.requestId,
  ]);
  return toCsv([texts.bulk.csvHeader, ...rows]);
}

const PROBLEM_FIRST: Record<RowOutcome, number> = {
  failed: 0,
  refused: 1,
  pendingAdd: 2,
  invalid: 3,
  duplicate: 4,
  inProgress: 5,
  invited: 6,
  added: 7,
  alreadyInTeam: 8,
};

function progressBar(done: number, total: number): string {
  const width = 20;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${total === 0 ? 100 : Math.floor((done / total) * 100)}%`;
}

export function bulkPreviewCard(texts: Texts, job: BulkJob): AdaptiveCard {
  const t = texts.bulk;
  const { header, items } = job;
  const sendable = items.filter((i) => i.state !== 'done').length;
  const refused = items.filter((i) => i.outcome === 'refused');
  const invalid = header.skipped.filter((s) => s.reason !== 'duplicate');
  const duplicates = header.skipped.length - invalid.length;
  const problems = [
    ...invalid.map((s) => ({ line: s.line, raw: shownAsText(s.raw), reason: reasonText(texts, { outcome: 'invalid', reason: s.reason }) })),
    ...refused.map((i) => ({ line: i.line, raw: shownAsText(i.email), reason: reasonText(texts, { outcome: 'refused', reason: i.reason, detail: i.detail }) })),
  ].sort((a, b) => a.line - b.line);
  const facts = [
    { title: t.goodLines, value: String(sendable) },
    { title: t.problemLines, value: String(invalid.length) },
    ...(refused.length > 0 ? [{ title: t.refusedLines, value: String(refused.length) }] : []),
    ...(duplicates > 0 ? [{ title: t.duplicateLines, value: String(duplicates) }] : []),
    { title: t.emailOption, value: header.sendEmail ? texts.result.emailSent : texts.result.emailNotSent },
  ];
  return expand(previewTemplate, {
    texts: t,
    title: t.previewTitle(sendable),
    intro: t.previewIntro,
    style: problems.length > 0 ? 'warning' : 'emphasis',
    facts,
    problems: problems.slice(0, MAX_PREVIEW_PROBLEMS).map((p) => ({ ...p, line: String(p.line) })),
    more: problems.length > MAX_PREVIEW_PROBLEMS ? t.moreProblems(problems.length - MAX_PREVIEW_PROBLEMS) : '',
    canConfirm: sendable > 0,
    jobId: header.id,
  });
}

export function bulkProgressCard(texts: Texts, job: BulkJob): AdaptiveCard {
  const t = texts.bulk;
  const { header } = job;
  const counts = header.counts;
  const finished = header.state === 'finished';
  const actor = shownAsText((header.confirmedBy ?? header.requestedBy).name);
  const invalid = header.skipped.filter((s) => s.reason !== 'duplicate').length;
  const facts = (['invited', 'added', 'alreadyInTeam', 'pendingAdd', 'refused', 'failed'] as const)
    .filter((k) => counts[k] > 0 || k === 'invited')
    .map((k) => ({ title: t.outcomes[k], value: String(counts[k]) }));
  if (invalid > 0) facts.push({ title: t.outcomes.invalid, value: String(invalid) });
  if (header.skipped.length > invalid) facts.push({ title: t.outcomes.duplicate, value: String(header.skipped.length - invalid) });

  let rows: { line: string; email: string; outcome: string; reason: string; color: string }[] = [];
  let resultsNote = '';
  if (finished) {
    const all = resultRows(job);
    const shown = [...all].sort((a, b) => PROBLEM_FIRST[a.outcome] - PROBLEM_FIRST[b.outcome] || a.line - b.line).slice(0, MAX_RESULT_ROWS);
    rows = shown
      .sort((a, b) => a.line - b.line)
      .map((r) => ({
        line: String(r.line),
        email: shownAsText(r.email),
        outcome: t.outcomes[r.outcome],
        reason: reasonText(texts, r),
        color: r.outcome === 'failed' || r.outcome === 'refused' || r.outcome === 'invalid' ? 'Attention' : r.outcome === 'pendingAdd' ? 'Warning' : 'Default',
      }));
    resultsNote = t.resultsShown(rows.length, all.length);
  }
  const troubled = counts.failed + counts.refused + invalid > 0;
  return expand(progressTemplate, {
    texts: t,
    title: finished ? t.finishedTitle(counts.total) : t.progressTitle(counts.done, counts.total),
    subtitle: finished ? t.finishedBy(actor) : t.startedBy(actor),
    style: finished ? (troubled ? 'warning' : 'good') : 'accent',
    bar: progressBar(counts.done, counts.total),
    facts,
    rows,
    resultsNote,
    finished,
    jobId: header.id,
  });
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
    const right = inviteRight(await this.deps.roles.roleOf(team.groupId, caller.id, { fresh }), this.deps.policy.invitePolicy);
    if (right.kind === 'invite') return undefined;
    return texts.bulk.notAllowed(texts.refusals[right.kind === 'refuse' ? right.code : 'callerNotOwner'](''));
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
  async confirm(context: TurnContext, team: TeamRef, caller: Person, data: Record<string, unknown>): Promise<BulkAnswer> {
    const texts = textsFor(context.activity.locale);
    const jobId = typeof data.jobId === 'string' ? data.jobId : '';
    const refusal = await this.refusal(texts, team, caller, true);
    if (refusal) return { text: refusal };
    const activityId = context.activity.replyToId;
    const reference = TurnContext.getConversationReference(context.activity) as unknown as Record<string, unknown>;
    const result = await confirmBulk(this.useCases(), team, caller, jobId, activityId ? { reference, activityId } : undefined);
    // Unconfirmed previews are deleted after a while (background retention): say so, nothing was sent.
    if (result.kind === 'notFound') return { text: texts.bulk.previewExpired };
    if (result.kind === 'cancelled') return { text: texts.bulk.cancelled };
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
    const result = await cancelBulk(this.useCases(), team, typeof data.jobId === 'string' ? data.jobId : '');
    if (result.kind === 'notFound') return { text: texts.bulk.previewExpired };
    if (result.kind === 'cancelled') return { text: texts.bulk.cancelled };
    const loaded = await this.jobs.load(result.header.id);
    const card = bulkProgressCard(texts, loaded!.job);
    return { card, publicCard: card };
  }

  /**
   * The results as CSV, in the clicker's own answer: owners only, checked now (the results name
   * every person and outcome, which members and guests of the channel may not read).
   */
  async resultsCsv(team: TeamRef, caller: Person, data: Record<string, unknown>, locale?: string): Promise<BulkAnswer> {
    const texts = textsFor(locale);
    if ((await this.deps.roles.roleOf(team.groupId, caller.id, { fresh: true })) !== 'owner') return { text: texts.bulk.resultsOwnersOnly };
    const loaded = typeof data.jobId === 'string' ? await this.jobs.load(data.jobId) : undefined;
    if (!loaded || loaded.job.header.team.groupId !== team.groupId || loaded.job.header.state === 'expired') return { text: texts.cardExpired };
    // Shown in a ``` block: no run of backticks from a value may close it.
    const csv = shownAsText(bulkResultsCsv(loaded.job, texts), 'codeBlock');
    const lines = csv.split('\r\n').filter((l) => l !== '');
    let body = csv;
    let note = '';
    if (csv.length > MAX_CSV_MESSAGE) {
      let size = 0;
      const kept = lines.filter((l) => (size += l.length + 2) <= MAX_CSV_MESSAGE);
      body = kept.join('\r\n');
      note = `\n${texts.bulk.csvTruncated(kept.length - 1, lines.length - 1)}`;
    }
    return { text: `${texts.bulk.csvIntro(lines.length - 1)}${note}\n\n\`\`\`\n${body}\n\`\`\`` };
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
    const rendered = bulkProgressCard(textsFor(job.header.locale), job);
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
