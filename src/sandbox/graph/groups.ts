// Group membership: members/$ref adds, PATCH members@odata.bind (all-or-nothing, max 20), owner
// and member listings, checkMemberGroups. Includes the replication-lag simulation: a user just
// created by an invitation is not yet visible to membership writes (404), as in real Entra.
import type { SandboxGroup, SandboxUser } from '../types';
import {
  badRequest,
  directoryObjectId,
  GraphError,
  json,
  noContent,
  notFound,
  PERMISSIONS,
  requirePermission,
  type GraphContext,
  type GraphRequest,
  type GraphResponse,
} from './context';
import { page, parseSelect, parseTop, projectUser, USER_PROPERTIES } from './select';

const ALREADY_MEMBER = "One or more added object references already exist for the following modified properties: 'members'.";
export const GUESTS_NOT_ALLOWED = 'Guests users are not allowed to join this Unified Group due to policy setting on the Unified Group.';

function group(ctx: GraphContext, id: string): SandboxGroup {
  const g = ctx.directory.groupById(id);
  if (!g) throw notFound(id);
  return g;
}

/**
 * Resolves a user for a membership write, honouring the replication-lag settings (shared by the
 * group API and the Teams membership API, which answer the missing user in their own words).
 */
export function replicatedUser(ctx: GraphContext, userId: string, missing: (id: string) => GraphError = notFound): SandboxUser {
  const user = ctx.directory.userById(userId);
  if (!user) throw missing(userId);
  // "New" = created by an invitation here, not a seeded guest (those replicated long ago).
  const seeded = ctx.seed.users.some((u) => u.id === user.id);
  if (user.creationType === 'Invitation' && !seeded) {
    const { replicationLagMs, replicationLagAttempts } = ctx.settings;
    const attempts = (ctx.memberAddAttempts.get(user.id) ?? 0) + 1;
    ctx.memberAddAttempts.set(user.id, attempts);
    const age = Date.now() - Date.parse(user.createdDateTime);
    if (age < replicationLagMs || attempts <= replicationLagAttempts) throw missing(userId);
  }
  return user;
}

function checkCanJoin(g: SandboxGroup, user: SandboxUser): void {
  if (g.members.includes(user.id)) throw badRequest(ALREADY_MEMBER, 'Request_BadRequest');
  if (user.userType === 'Guest' && !g.allowGuests) throw new GraphError(403, 'Authorization_RequestDenied', GUESTS_NOT_ALLOWED);
}

export function addMemberRef(ctx: GraphContext, req: GraphRequest, groupId: string): GraphResponse {
  requirePermission(req, PERMISSIONS.writeGroupMembers);
  const g = group(ctx, groupId);
  const ref = (req.body as { '@odata.id'?: unknown } | null)?.['@odata.id'];
  const userId = directoryObjectId(ref);
  if (!userId) throw badRequest(`Invalid object identifier '${String(ref)}'.`, 'Request_BadRequest');
  const user = replicatedUser(ctx, userId);
  checkCanJoin(g, user);
  ctx.directory.addMembers(g, [user.id]);
  return noContent();
}

export function removeMemberRef(ctx: GraphContext, req: GraphRequest, groupId: string, userId: string): GraphResponse {
  requirePermission(req, PERMISSIONS.writeGroupMembers);
  const g = group(ctx, groupId);
  if (!g.members.includes(userId.toLowerCase())) throw notFound(userId);
  ctx.directory.removeMember(g, userId.toLowerCase());
  return noContent();
}

export function patchGroup(ctx: GraphContext, req: GraphRequest, groupId: string): GraphResponse {
  requirePermission(req, PERMISSIONS.writeGroupMembers);
  const g = group(ctx, groupId);
  const body = req.body as Record<string, unknown> | null;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Invalid request body.');
  const unsupported = Object.keys(body).filter((k) => k !== 'members@odata.bind');
  if (unsupported.length > 0) {
    // Real Graph would accept other group properties; the sandbox only models membership.
    throw badRequest(`The sandbox tenant does not support updating '${unsupported.join("', '")}' on groups.`);
  }
  const refs = body['members@odata.bind'];
  if (!Array.isArray(refs)) throw badRequest("Property 'members@odata.bind' must be a collection.");
  if (refs.length > 20) {
    throw badRequest('The request exceeds the maximum of 20 members that can be added in a single request.', 'Request_BadRequest');
  }
  // All-or-nothing: validate every reference before changing anything.
  const users = refs.map((ref: unknown) => {
    const id = directoryObjectId(ref);
    if (!id) throw badRequest(`Invalid object identifier '${String(ref)}'.`, 'Request_BadRequest');
    return replicatedUser(ctx, id);
  });
  const ids = new Set<string>();
  for (const u of users) {
    if (ids.has(u.id)) throw badRequest(ALREADY_MEMBER, 'Request_BadRequest');
    ids.add(u.id);
    checkCanJoin(g, u);
  }
  ctx.directory.addMembers(g, [...ids]);
  return noContent();
}

export function getGroup(ctx: GraphContext, req: GraphRequest, groupId: string): GraphResponse {
  requirePermission(req, PERMISSIONS.readGroupMembers);
  const g = group(ctx, groupId);
  return json(200, {
    '@odata.context': `${ctx.url}/v1.0/$metadata#groups/$entity`,
    id: g.id,
    displayName: g.displayName,
    groupTypes: ['Unified'],
    mailEnabled: true,
    securityEnabled: false,
  });
}

export function listGroupUsers(ctx: GraphContext, req: GraphRequest, groupId: string, rel: 'owners' | 'members'): GraphResponse {
  requirePermission(req, PERMISSIONS.readGroupMembers);
  const g = group(ctx, groupId);
  const select = parseSelect(req, USER_PROPERTIES, 'microsoft.graph.directoryObject');
  const top = parseTop(req, 999, 100);
  const users = g[rel].map((id) => ctx.directory.userById(id)).filter((u): u is SandboxUser => u !== undefined);
  const { value, nextLink } = page(req, users, top, ctx.url);
  return json(200, {
    '@odata.context': `${ctx.url}/v1.0/$metadata#directoryObjects`,
    ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
    value: value.map((u) => ({ '@odata.type': '#microsoft.graph.user', ...projectUser(u, select) })),
  });
}

export function checkMemberGroups(ctx: GraphContext, req: GraphRequest, objectId: string): GraphResponse {
  requirePermission(req, PERMISSIONS.readGroupMembers);
  const user = ctx.directory.userByIdOrUpn(objectId);
  if (!user) throw notFound(objectId);
  const groupIds = (req.body as { groupIds?: unknown } | null)?.groupIds;
  if (!Array.isArray(groupIds) || groupIds.some((x) => typeof x !== 'string')) {
    throw badRequest("Property 'groupIds' must be a collection of strings.", 'Request_BadRequest');
  }
  if (groupIds.length > 20) throw badRequest('The number of groupIds cannot exceed 20.', 'Request_BadRequest');
  const value = (groupIds as string[]).filter((gid) => ctx.directory.groupById(gid)?.members.includes(user.id));
  return json(200, { '@odata.context': `${ctx.url}/v1.0/$metadata#Collection(Edm.String)`, value });
}
