// A bulk job's results, one row per pasted line, and the CSV they are exported as.
import type { FailureCode, RefusalCode } from '../errors';
import type { BulkJob, BulkOutcomeKind, SkipReason } from './bulkJob';

export type RowOutcome = BulkOutcomeKind | 'invalid' | 'duplicate' | 'inProgress';

export interface ResultRow {
  line: number;
  /** The address as checked, or the line as typed when it is not a valid address. */
  email: string;
  displayName: string;
  outcome: RowOutcome;
  reason?: RefusalCode | FailureCode | SkipReason;
  detail?: string;
  userId?: string;
  graphCode?: string;
  requestId?: string;
  duplicateOf?: number;
}

/** Every line in the order it was pasted. */
export function resultRows(job: BulkJob): ResultRow[] {
  const rows: ResultRow[] = job.items.map((i) => ({
    line: i.line,
    email: i.email,
    displayName: i.displayName,
    outcome: i.state === 'done' && i.outcome ? i.outcome : 'inProgress',
    reason: i.reason,
    detail: i.detail,
    userId: i.userId,
    graphCode: i.graphCode,
    requestId: i.requestId,
  }));
  for (const s of job.header.skipped) {
    rows.push({
      line: s.line,
      email: s.raw,
      displayName: '',
      outcome: s.reason === 'duplicate' ? 'duplicate' : 'invalid',
      reason: s.reason,
      duplicateOf: s.duplicateOf,
    });
  }
  return rows.sort((a, b) => a.line - b.line);
}
