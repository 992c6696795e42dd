// Why something did not happen, in the reader's words: the one mapping from a refusal, a failure
// or a field error (with its detail) to text, for every card and reply.
import type { DirectoryError } from '../domain/directory';
import { outcomeOfError } from '../domain/invitation/outcome';
import type { Texts } from '../text/en';

/** The text of a refusal, failure or field-error code; '' without one, the code itself if unknown. */
export function reasonText(texts: Texts, code: string | undefined, detail = ''): string {
  if (!code) return '';
  if (code in texts.refusals) return texts.refusals[code as keyof Texts['refusals']](detail);
  if (code in texts.failures) return texts.failures[code as keyof Texts['failures']](detail);
  if (code in texts.fieldErrors) return texts.fieldErrors[code as keyof Texts['fieldErrors']];
  return code;
}

/** The reason of an invitation's outcome (its refusal, else its failure). */
export function outcomeReason(texts: Texts, outcome: { refusal?: string; failure?: string; detail?: string }): string {
  return reasonText(texts, outcome.refusal ?? outcome.failure, outcome.detail);
}

/** A Graph failure in plain language, with its request-id. */
export function directoryFailureText(texts: Texts, e: DirectoryError): string {
  const outcome = outcomeOfError(e, { kind: 'failed', email: '', displayName: '' }, '');
  return `${reasonText(texts, outcome.failure ?? 'unexpected', outcome.detail)}${e.trace.requestId ? ` (request-id ${e.trace.requestId})` : ''}`;
}
