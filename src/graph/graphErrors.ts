// Classifies Graph's answers once, by status, code and message wording (Graph's policy refusals
// come with varying codes, so the message is what identifies them; REFERENCE.md).
import { DirectoryError, type DirectoryFailureKind } from '../domain/directory';

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

export function isAlreadyMemberError(e: unknown): boolean {
  const g = e as GraphErrorLike;
  return g?.statusCode === 400 && /added object references already exist/i.test(g.message ?? '');
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

/** @param permission the application permission the failed operation needs, named on the card when it is missing */
export function toDirectoryError(e: unknown, permission: string): DirectoryError {
  if (e instanceof DirectoryError) return e;
  const g = (e ?? {}) as GraphErrorLike & { name?: string };
  const message = g.message ?? String(e);
  // @azure/identity failures: the app could not get a token at all (the Graph SDK passes the
  // credential's error on with its name as the code).
  if (SIGN_IN_ERRORS.has(g.name ?? '') || SIGN_IN_ERRORS.has(g.code ?? '') || /AADSTS\d+/.test(message)) {
    return new DirectoryError('missingPermission', message, {}, 'sign-in');
  }
  const status = typeof g.statusCode === 'number' && g.statusCode > 0 ? g.statusCode : undefined;
  const trace = { status, graphCode: g.code ?? undefined, requestId: requestIdOf(g) };
  for (const [pattern, kind] of MESSAGE_KINDS) {
    if (pattern.test(message)) return new DirectoryError(kind, message, trace);
  }
  if (status === 404) return new DirectoryError('notFound', message, trace);
  if (status === 429) return new DirectoryError('throttled', message, trace);
  if (status === 401 || status === 403) return new DirectoryError('missingPermission', message, trace, permission);
  if (status !== undefined && status >= 500) return new DirectoryError('unavailable', message, trace);
  if (status === undefined) return new DirectoryError('unavailable', message, trace); // network: no answer at all
  if (status >= 400) return new DirectoryError('rejected', message, trace);
  return new DirectoryError('unexpected', message, trace);
}
