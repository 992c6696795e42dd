// Classifies Graph's answers once, by status, code and message wording (Graph's policy refusals
// come with varying codes, so the message is what identifies them; REFERENCE.md).
import { DirectoryError, type DirectoryFailureKind } from '../domain/directory';
import { retryAfterMsOf, TRANSPORT_FAILURES } from './boundedRequests';

interface GraphErrorLike {
  statusCode?: number;
  code?: string | null;
  message?: string;
  requestId?: string | null;
  body?: unknown;
}

const SIGN_IN_ERRORS = new Set(['AuthenticationError', 'AuthenticationRequiredError', 'CredentialUnavailableError', 'AggregateAuthenticationError']);

const MESSAGE_KINDS: [RegExp, DirectoryFailureKind][] = [
  [/not allowed to join this Unified Group/i, 'groupForbidsGuests'],
  [/does not allow collaboration/i, 'tenantBlocksDomain'],
  [/blocked by cross-tenant access settings/i, 'crossTenantBlocked'],
  [/Guest invitations not allowed/i, 'guestInvitationsDisabled'],
  [/suspicious activity/i, 'suspiciousActivity'],
];

/**
 * "Already a member": a 409 Conflict (the Teams membership API, should it ever answer one: today
 * it answers 201 again) or the group API's 400 "added object references already exist".
 */
export function isAlreadyMemberError(e: unknown): boolean {
  const g = e as GraphErrorLike;
  return g?.statusCode === 409 || (g?.statusCode === 400 && /added object references already exist/i.test(g.message ?? ''));
}

function requestIdOf(g: GraphErrorLike): string | undefined {
  if (g.requestId) return g.requestId;
  try {
    const body = typeof g.body === 'string' ? JSON.parse(g.body) : g.body;
    return body?.innerError?.['request-id'] ?? body?.error?.innerError?.['request-id'];
  } catch {
    return undefined;
  }
}

/** What a failed call was meant to do: a write may have taken effect when its answer went missing. */
export type CallEffect = 'read' | 'write';

export function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers as Record<string, string>).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

/** Graph's Retry-After in whole seconds (it gives seconds; an HTTP date is converted). */
export function retryAfterSecondsOf(headers: unknown): number | undefined {
  const ms = retryAfterMsOf(headerOf(headers, 'retry-after'));
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/**
 * Classifies a failed Graph call once (the table in README.md, "Graph calls"):
 * - no answer (a timeout, a dropped connection) and any 5xx but a 503 with Retry-After are
 *   `unavailable`, and ambiguous on a write: it may have taken effect;
 * - no connection at all, and an unavailable token endpoint, are `unavailable`, never ambiguous:
 *   nothing reached Graph;
 * - 429 is `throttled` (Graph answers it before doing anything), with its Retry-After in the trace.
 *
 * @param permission the application permission the failed operation needs, named on the card when it is missing
 * @param effect 'write' for calls that change the directory (invitations, member adds)
 */
export function toDirectoryError(e: unknown, permission: string, effect: CallEffect = 'read'): DirectoryError {
  if (e instanceof DirectoryError) return e;
  const g = (e ?? {}) as GraphErrorLike & { name?: string; headers?: unknown };
  const message = g.message ?? String(e);
  const name = g.code ?? g.name ?? '';
  const write = effect === 'write';
  // Transport failures and the token endpoint: the Graph SDK passes a thrown error's name on as its code.
  if (name === TRANSPORT_FAILURES.tokenUnavailable || g.name === TRANSPORT_FAILURES.tokenUnavailable) return new DirectoryError('unavailable', message, {});
  if (name === TRANSPORT_FAILURES.unreachable) return new DirectoryError('unavailable', message, {});
  if (name === TRANSPORT_FAILURES.timeout || name === TRANSPORT_FAILURES.connectionLost || name === 'TimeoutError' || name === 'AbortError') {
    return new DirectoryError('unavailable', message, {}, undefined, write);
  }
  // @azure/identity failures: the app could not get a token at all (the Graph SDK passes the
  // credential's error on with its name as the code).
  if (SIGN_IN_ERRORS.has(g.name ?? '') || SIGN_IN_ERRORS.has(g.code ?? '') || /AADSTS\d+/.test(message)) {
    return new DirectoryError('missingPermission', message, {}, 'sign-in');
  }
  const status = typeof g.statusCode === 'number' && g.statusCode > 0 ? g.statusCode : undefined;
  const retryAfterSeconds = retryAfterSecondsOf(g.headers);
  const trace = { status, graphCode: g.code ?? undefined, requestId: requestIdOf(g), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  for (const [pattern, kind] of MESSAGE_KINDS) {
    if (pattern.test(message)) return new DirectoryError(kind, message, trace);
  }
  if (status === 404) return new DirectoryError('notFound', message, trace);
  if (status === 429) return new DirectoryError('throttled', message, trace);
  if (status === 401 || status === 403) return new DirectoryError('missingPermission', message, trace, permission);
  // A 503 with Retry-After is Graph turning the request away unserved (boundedRequests.ts).
  if (status !== undefined && status >= 500) return new DirectoryError('unavailable', message, trace, undefined, write && !(status === 503 && retryAfterSeconds !== undefined));
  // No status and none of the above: something failed on the way (an unreadable answer, say).
  if (status === undefined) return new DirectoryError('unavailable', message, trace, undefined, write);
  if (status >= 400) return new DirectoryError('rejected', message, trace);
  return new DirectoryError('unexpected', message, trace);
}
