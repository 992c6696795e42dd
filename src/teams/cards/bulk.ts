// The cards of a bulk invitation, as view models over the stored job: the preview (bad lines and
// why, Confirm / Cancel), the progress card updated in place, the owners' results and their CSV.
import type { BulkJob } from '../../domain/bulk/bulkJob';
import { resultRows, type ResultRow, type RowOutcome } from '../../domain/bulk/results';
import { toCsv } from '../../domain/csv';
import { en, type Texts } from '../../text/en';
import { reasonText } from '../reasons';
import { shownAsText } from '../shownAsText';
import previewTemplate from './bulkPreview.json';
import progressTemplate from './bulkProgress.json';
import { cardDateTime, expand, type AdaptiveCard } from '.';

const MAX_PREVIEW_PROBLEMS = 15;
const MAX_RESULT_ROWS = 20;

/** Why a line ended as it did: a duplicate names the line it repeats; the rest as every card says it. */
function rowReason(texts: Texts, row: Pick<ResultRow, 'outcome' | 'reason' | 'detail' | 'duplicateOf'>): string {
  if (row.outcome === 'duplicate' && row.duplicateOf !== undefined) return texts.bulk.duplicateOf(row.duplicateOf);
  if (row.outcome === 'pendingAdd') return texts.bulk.pendingAddReason;
  return row.reason === 'duplicate' ? '' : reasonText(texts, row.reason, row.detail);
}

/** The job's results as CSV, one row per pasted line (RFC 4180, spreadsheet-formula guarded). */
export function bulkResultsCsv(job: BulkJob, texts: Texts = en): string {
  const rows = resultRows(job).map((r) => [
    r.line,
    r.email,
    r.displayName,
    texts.bulk.outcomes[r.outcome],
    rowReason(texts, r),
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

/** How many people the preview names one by one; the rest are counted. */
const MAX_PREVIEW_PEOPLE = 30;

export function bulkPreviewCard(texts: Texts, job: BulkJob): AdaptiveCard {
  const t = texts.bulk;
  const { header, items } = job;
  const sendable = items.filter((i) => i.state !== 'done');
  const refused = items.filter((i) => i.outcome === 'refused');
  const invalid = header.skipped.filter((s) => s.reason !== 'duplicate');
  const duplicates = header.skipped.length - invalid.length;
  const problems = [
    ...invalid.map((s) => ({ line: s.line, raw: shownAsText(s.raw), reason: rowReason(texts, { outcome: 'invalid', reason: s.reason }) })),
    ...refused.map((i) => ({ line: i.line, raw: shownAsText(i.email), reason: rowReason(texts, { outcome: 'refused', reason: i.reason, detail: i.detail }) })),
  ].sort((a, b) => a.line - b.line);
  const facts = [
    { title: t.goodLines, value: String(sendable.length) },
    { title: t.problemLines, value: String(invalid.length) },
    ...(refused.length > 0 ? [{ title: t.refusedLines, value: String(refused.length) }] : []),
    ...(duplicates > 0 ? [{ title: t.duplicateLines, value: String(duplicates) }] : []),
    { title: t.emailOption, value: header.sendEmail ? texts.result.emailSent : texts.result.emailNotSent },
  ];
  return expand(previewTemplate, {
    texts: t,
    title: t.previewTitle(sendable.length),
    intro: t.previewIntro,
    style: problems.length > 0 ? 'warning' : 'emphasis',
    facts,
    people: sendable.slice(0, MAX_PREVIEW_PEOPLE).map((i) => ({ name: shownAsText(i.displayName), email: shownAsText(i.email) })),
    morePeople: sendable.length > MAX_PREVIEW_PEOPLE ? t.morePeople(sendable.length - MAX_PREVIEW_PEOPLE) : '',
    problems: problems.slice(0, MAX_PREVIEW_PROBLEMS).map((p) => ({ heading: t.problemLine(p.line, p.raw), reason: p.reason })),
    more: problems.length > MAX_PREVIEW_PROBLEMS ? t.moreProblems(problems.length - MAX_PREVIEW_PROBLEMS) : '',
    canConfirm: sendable.length > 0,
    jobId: header.id,
  });
}

/** Who sees what of the progress card: the owners' copy of a finished job carries each person's result and the CSV. */
export interface BulkCardView {
  owner?: boolean;
  /** Teams user ids whose clients fetch the owners' copy (owners and whoever confirmed). */
  refreshUserIds?: string[];
  /** Put the results CSV on the card (the owner asked for it). */
  withCsv?: boolean;
}

/** The CSV on a card stays well under Teams' message size (about 28 KB for the whole card). */
const MAX_CSV_ON_CARD = 10_000;

export function bulkProgressCard(texts: Texts, job: BulkJob, view: BulkCardView = {}): AdaptiveCard {
  const t = texts.bulk;
  const { header } = job;
  const counts = header.counts;
  const finished = header.state === 'finished';
  const cancelled = header.state === 'cancelled';
  const actor = shownAsText((header.confirmedBy ?? header.requestedBy).name);
  const invalid = header.skipped.filter((s) => s.reason !== 'duplicate').length;
  const facts = (['invited', 'added', 'alreadyInTeam', 'pendingAdd', 'refused', 'failed'] as const)
    .filter((k) => counts[k] > 0 || k === 'invited')
    .map((k) => ({ title: t.outcomes[k], value: String(counts[k]) }));
  if (invalid > 0) facts.push({ title: t.outcomes.invalid, value: String(invalid) });
  if (header.skipped.length > invalid) facts.push({ title: t.outcomes.duplicate, value: String(header.skipped.length - invalid) });

  let rows: { email: string; detail: string; outcome: string; reason: string; color: string }[] = [];
  let resultsNote = '';
  let csv = '';
  if (finished && view.owner) {
    const all = resultRows(job);
    const shown = [...all].sort((a, b) => PROBLEM_FIRST[a.outcome] - PROBLEM_FIRST[b.outcome] || a.line - b.line).slice(0, MAX_RESULT_ROWS);
    rows = shown
      .sort((a, b) => a.line - b.line)
      .map((r) => ({
        email: shownAsText(r.email),
        detail: t.rowDetail(r.line, shownAsText(r.displayName)),
        outcome: t.outcomes[r.outcome],
        reason: rowReason(texts, r),
        color: r.outcome === 'failed' || r.outcome === 'refused' || r.outcome === 'invalid' ? 'Attention' : r.outcome === 'pendingAdd' ? 'Warning' : 'Default',
      }));
    resultsNote = t.resultsShown(rows.length, all.length);
    if (view.withCsv) {
      const full = bulkResultsCsv(job, texts);
      const lines = full.split('\r\n').filter((l) => l !== '');
      let size = 0;
      const kept = lines.filter((l) => (size += l.length + 1) <= MAX_CSV_ON_CARD);
      csv = kept.join('\n');
      if (kept.length < lines.length) resultsNote = [resultsNote, t.csvTruncated(kept.length - 1, lines.length - 1)].filter(Boolean).join(' ');
    }
  }
  const troubled = counts.failed + counts.refused + invalid > 0;
  let title = t.progressTitle(counts.done, counts.total);
  let subtitle = t.startedBy(actor);
  if (finished) [title, subtitle] = [t.finishedTitle(counts.total), t.finishedByAt(actor, cardDateTime(header.finishedAt ?? header.updatedAt))];
  if (cancelled) [title, subtitle] = [t.cancelledTitle, t.cancelledByAt(shownAsText(header.cancelledBy?.name ?? header.requestedBy.name), cardDateTime(header.cancelledAt ?? header.updatedAt))];
  return expand(progressTemplate, {
    texts: t,
    title,
    subtitle,
    style: cancelled ? 'emphasis' : finished ? (troubled ? 'warning' : 'good') : 'accent',
    bar: finished || cancelled ? '' : progressBar(counts.done, counts.total),
    facts: cancelled ? [{ title: t.goodLines, value: String(counts.total) }] : facts,
    ownersNote: finished && !view.owner ? t.resultsForOwners : '',
    rows,
    resultsNote,
    csv,
    csvText: shownAsText(csv).replace(/\n/g, '\n\n'),
    jobId: header.id,
    refreshUserIds: finished ? (view.refreshUserIds ?? []).slice(0, 60) : [],
  });
}
