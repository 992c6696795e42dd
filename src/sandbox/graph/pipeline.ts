// The Graph request pipeline, shared by direct calls and $batch items: authenticate the bearer
// token, apply throttling and injected faults, route, and turn errors into Graph's error body.
import type { FaultHit } from '../faults';
import { badRequest, GraphError, json, type GraphContext, type GraphRequest, type GraphResponse } from './context';
import { addMemberRef, checkMemberGroups, getGroup, listGroupUsers, patchGroup, removeMemberRef } from './groups';
import { createInvitation } from './invitations';
import { addTeamMember, addTeamMembers, listTeamMembers, removeTeamMember } from './teams';
import { getOrganization, getUser, listUsers } from './users';

export type UnauthenticatedRequest = Omit<GraphRequest, 'roles'>;

export interface CallInfo {
  requestId: string;
  clientRequestId: string;
}

export function errorBody(status: number, code: string, message: string, info: CallInfo, headers: Record<string, string> = {}): GraphResponse {
  return json(
    status,
    {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': info.requestId, 'client-request-id': info.clientRequestId },
      },
    },
    headers,
  );
}

export function authenticate(ctx: GraphContext, req: UnauthenticatedRequest): Set<string> {
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!m?.[1]) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', authChallenge());
  const check = ctx.tokens.check(m[1], ctx.seed.tenant.id);
  if (!check.ok) throw new GraphError(401, 'InvalidAuthenticationToken', check.reason, authChallenge());
  // Revocations apply at once (real Entra would wait for the next token); tests need determinism.
  const granted = new Set(ctx.seed.app.roles.filter((r) => !ctx.settings.revokedRoles.includes(r)));
  return new Set(check.claims.roles.filter((r) => granted.has(r)));
}

const authChallenge = (): Record<string, string> => ({
  'www-authenticate':
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
});

export const isInvitationCall = (method: string, path: string): boolean =>
  method.toUpperCase() === 'POST' && path.replace(/\/+$/, '').toLowerCase() === '/invitations';

const methodNotAllowed = (): GraphError =>
  new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');

function route(ctx: GraphContext, req: GraphRequest): GraphResponse {
  const s = req.segments;
  const [a, b, c, d, e] = s;
  const entity = a?.toLowerCase();
  // Handlers per method for the path; a known path with another method is a 405, as in Graph.
  let handlers: Record<string, () => GraphResponse> | undefined;
  if (entity === 'users' && s.length === 1) handlers = { GET: () => listUsers(ctx, req) };
  else if (entity === 'users' && s.length === 2 && b) handlers = { GET: () => getUser(ctx, req, b) };
  else if (entity === 'organization' && s.length === 1) handlers = { GET: () => getOrganization(ctx, req) };
  else if (entity === 'invitations' && s.length === 1) handlers = { POST: () => createInvitation(ctx, req) };
  else if (entity === 'groups' && b && s.length === 2) handlers = { GET: () => getGroup(ctx, req, b), PATCH: () => patchGroup(ctx, req, b) };
  else if (entity === 'groups' && b && s.length === 3 && (c === 'owners' || c === 'members')) handlers = { GET: () => listGroupUsers(ctx, req, b, c) };
  else if (entity === 'groups' && b && s.length === 4 && c === 'members' && d === '$ref') handlers = { POST: () => addMemberRef(ctx, req, b) };
  else if (entity === 'groups' && b && s.length === 5 && c === 'members' && d && e === '$ref') handlers = { DELETE: () => removeMemberRef(ctx, req, b, d) };
  else if (entity === 'teams' && b && s.length === 3 && c === 'members') handlers = { GET: () => listTeamMembers(ctx, req, b), POST: () => addTeamMember(ctx, req, b) };
  else if (entity === 'teams' && b && s.length === 4 && c === 'members' && d === 'add') handlers = { POST: () => addTeamMembers(ctx, req, b) };
  else if (entity === 'teams' && b && s.length === 4 && c === 'members' && d) handlers = { DELETE: () => removeTeamMember(ctx, req, b, d) };
  else if ((entity === 'directoryobjects' || entity === 'users') && b && s.length === 3 && c === 'checkMemberGroups') {
    handlers = { POST: () => checkMemberGroups(ctx, req, b) };
  }
  if (!handlers) {
    const known = ['users', 'groups', 'teams', 'organization', 'invitations', 'directoryObjects', 'members', 'owners', '$ref', 'checkMemberGroups'];
    const unknown = s.find((x, i) => i % 2 === 0 && !known.includes(x)) ?? s[s.length - 1] ?? '';
    throw badRequest(`Resource not found for the segment '${unknown}'.`);
  }
  const handler = handlers[req.method.toUpperCase()];
  if (!handler) throw methodNotAllowed();
  return handler();
}

/** An authenticated, admitted call: the fault that hit it, if any, and the call itself. */
export interface PreparedCall {
  fault?: FaultHit;
  /** Performs the call (its effect included) and returns its answer. Never throws. */
  perform(): GraphResponse;
}

function toErrorResponse(err: unknown, info: CallInfo): GraphResponse {
  if (err instanceof GraphError) return errorBody(err.status, err.code, err.message, info, err.headers);
  console.error('sandbox: handler error', err);
  return errorBody(500, 'InternalServerError', 'An internal server error occurred in the sandbox tenant.', info);
}

/**
 * Authenticates and admits (throttling) a call and picks its fault, without performing it: the
 * caller decides, by the fault's `when` and `kind`, whether and when it takes effect.
 * `errorsOnly`: only 'error' faults apply ($batch items have no connection to reset or hold).
 */
export function prepareGraph(ctx: GraphContext, raw: UnauthenticatedRequest, info: CallInfo, errorsOnly = false): PreparedCall {
  try {
    const roles = authenticate(ctx, raw);
    const req: GraphRequest = { ...raw, roles };
    if (ctx.settings.enforceThrottling && isInvitationCall(req.method, req.path)) {
      const retryAfter = ctx.throttle.arrive();
      if (retryAfter !== undefined) {
        throw new GraphError(429, 'TooManyRequests', 'Too many requests. The invitation limit for this tenant has been exceeded; retry after the Retry-After interval.', {
          'retry-after': String(retryAfter),
        });
      }
    }
    const fault = ctx.faults.take(req.method, req.path, errorsOnly);
    return {
      fault,
      perform: () => {
        try {
          return route(ctx, req);
        } catch (err) {
          return toErrorResponse(err, info);
        }
      },
    };
  } catch (err) {
    const refused = toErrorResponse(err, info);
    return { perform: () => refused };
  }
}

/** The Graph-shaped error answer of an injected fault. */
export function faultResponse(hit: FaultHit, info: CallInfo): GraphResponse {
  const headers: Record<string, string> = hit.retryAfterSeconds !== undefined ? { 'retry-after': String(hit.retryAfterSeconds) } : {};
  return errorBody(hit.status ?? 500, hit.code, hit.message, info, headers);
}

/** Runs one Graph call (a $batch item): 'error' faults only, before or after the effect. Never throws. */
export function runGraph(ctx: GraphContext, raw: UnauthenticatedRequest, info: CallInfo): GraphResponse {
  const call = prepareGraph(ctx, raw, info, true);
  if (!call.fault) return call.perform();
  if (call.fault.when === 'after') call.perform();
  return faultResponse(call.fault, info);
}
