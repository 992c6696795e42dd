// The Teams membership API over the same group membership as groups.ts (a team's id is its group's
// id): add one member (POST /teams/{id}/members), add up to 200 (POST /teams/{id}/members/add,
// per-item results), list with the userId $filter, remove by membership id. Same permission checks
// as Graph (TeamMember.ReadWriteNonOwnerRole.All writes non-owners; listing needs TeamMember.Read.All),
// the same replication lag for guests just created by an invitation, the same refusal of guests by
// a group that forbids them.
//
// Behaviour modelled on what Graph answers (README.md, "Graph behaviour worth knowing"):
// - adding a user who is already a member answers 201 again with the membership, no conflict
//   (reported on microsoftgraph/microsoft-graph-docs#9303); in bulk, a success item;
// - a user that does not exist (or has not replicated yet) is 404 `NotFound`; in bulk, an item
//   with `error.code` `NotFound` (as a Microsoft engineer quotes it on microsoft-graph-docs#15433).
import type { SandboxGroup, SandboxUser } from '../types';
import { badRequest, GraphError, json, noContent, PERMISSIONS, requirePermission, type GraphContext, type GraphRequest, type GraphResponse } from './context';
import { GUESTS_NOT_ALLOWED, replicatedUser } from './groups';
import { page, parseTop } from './select';

const MEMBER_TYPE = 'microsoft.graph.aadUserConversationMember';
/** Graph's limit for POST /teams/{id}/members/add. */
export const MEMBERS_ADD_LIMIT = 200;

const teamNotFound = (id: string): GraphError => new GraphError(404, 'NotFound', `No team found with Group Id ${id}`);
const userNotFound = (id: string): GraphError => new GraphError(404, 'NotFound', `User not found: ${id}`);

function team(ctx: GraphContext, id: string): SandboxGroup {
  const g = ctx.directory.groupById(id);
  if (!g) throw teamNotFound(id);
  return g;
}

/** The membership id: opaque to clients (Graph's are base64 too); base64url so that it is one path segment. */
export const membershipIdOf = (groupId: string, userId: string): string => Buffer.from(`${groupId}##${userId}`, 'utf8').toString('base64url');

function parseMembershipId(id: string): { groupId: string; userId: string } | undefined {
  const [groupId, userId, ...rest] = Buffer.from(id, 'base64url').toString('utf8').split('##');
  return groupId && userId && rest.length === 0 ? { groupId: groupId.toLowerCase(), userId: userId.toLowerCase() } : undefined;
}

function memberJson(ctx: GraphContext, g: SandboxGroup, u: SandboxUser): Record<string, unknown> {
  return {
    '@odata.type': `#${MEMBER_TYPE}`,
    id: membershipIdOf(g.id, u.id),
    roles: g.owners.includes(u.id) ? ['owner'] : u.userType === 'Guest' ? ['guest'] : [],
    displayName: u.displayName,
    visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
    userId: u.id,
    email: u.mail ?? null,
    tenantId: ctx.seed.tenant.id,
  };
}

/** `https://graph.microsoft.com/v1.0/users('{id}')` (or `/users/{id}`), whatever host it names. */
function boundUserId(bind: unknown): string | undefined {
  if (typeof bind !== 'string') return undefined;
  const m = /\/users\('([^']+)'\)\/?$/i.exec(bind) ?? /\/users\/([^/?#()]+)\/?$/i.exec(bind);
  return m?.[1] ? decodeURIComponent(m[1]).toLowerCase() : undefined;
}

interface MemberRequest {
  userId: string;
  owner: boolean;
}

function parseMember(req: GraphRequest, item: unknown): MemberRequest {
  const m = item as Record<string, unknown> | null;
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw badRequest('Invalid request body.');
  const type = typeof m['@odata.type'] === 'string' ? (m['@odata.type'] as string).replace(/^#/, '') : undefined;
  if (type !== MEMBER_TYPE) throw badRequest(`The member type '${String(m['@odata.type'])}' is not supported; use '#${MEMBER_TYPE}'.`);
  const roles = m.roles ?? [];
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string')) throw badRequest("Property 'roles' must be a collection of strings.");
  const userId = boundUserId(m['user@odata.bind']);
  if (!userId) throw badRequest(`Invalid value for 'user@odata.bind': '${String(m['user@odata.bind'])}'.`);
  const owner = (roles as string[]).some((r) => r.toLowerCase() === 'owner');
  // Making someone an owner needs the broader permission (TeamMember.ReadWriteNonOwnerRole.All cannot).
  if (owner) requirePermission(req, PERMISSIONS.writeTeamOwners);
  return { userId, owner };
}

/** One add; throws the GraphError Graph would answer for this user. An existing member is no error. */
function addOne(ctx: GraphContext, g: SandboxGroup, m: MemberRequest): SandboxUser {
  const user = replicatedUser(ctx, m.userId, userNotFound);
  if (user.userType === 'Guest' && m.owner) throw badRequest('Guest users cannot be added as owners of a team.');
  if (!g.members.includes(user.id)) {
    if (user.userType === 'Guest' && !g.allowGuests) throw new GraphError(403, 'Forbidden', GUESTS_NOT_ALLOWED);
    ctx.directory.addMembers(g, [user.id]);
  }
  if (m.owner && !g.owners.includes(user.id)) g.owners.push(user.id);
  return user;
}

export function addTeamMember(ctx: GraphContext, req: GraphRequest, teamId: string): GraphResponse {
  requirePermission(req, PERMISSIONS.writeTeamMembers);
  const g = team(ctx, teamId);
  const user = addOne(ctx, g, parseMember(req, req.body));
  return json(201, { '@odata.context': `${ctx.url}/v1.0/$metadata#teams('${g.id}')/members/$entity`, ...memberJson(ctx, g, user) });
}

export function addTeamMembers(ctx: GraphContext, req: GraphRequest, teamId: string): GraphResponse {
  requirePermission(req, PERMISSIONS.writeTeamMembers);
  const g = team(ctx, teamId);
  const values = (req.body as { values?: unknown } | null)?.values;
  if (!Array.isArray(values) || values.length === 0) throw badRequest("Property 'values' must be a non-empty collection.");
  if (values.length > MEMBERS_ADD_LIMIT) throw badRequest(`The request exceeds the maximum of ${MEMBERS_ADD_LIMIT} members that can be added in a single request.`);
  const members = values.map((v) => parseMember(req, v));
  let failed = 0;
  const value = members.map((m) => {
    try {
      addOne(ctx, g, m);
      return { '@odata.type': '#microsoft.graph.aadUserConversationMemberResult', userId: m.userId, error: null };
    } catch (e) {
      if (!(e instanceof GraphError)) throw e;
      failed++;
      return { '@odata.type': '#microsoft.graph.aadUserConversationMemberResult', userId: m.userId, error: { code: e.code, message: e.message } };
    }
  });
  // 200 when every member was added, 207 when only some were (the docs of conversationMember: add).
  return json(failed === 0 ? 200 : 207, { '@odata.context': `${ctx.url}/v1.0/$metadata#Collection(microsoft.graph.actionResultPart)`, value });
}

const USER_ID_FILTER = /^\s*\(?\s*microsoft\.graph\.aadUserConversationMember\/userId\s+eq\s+'((?:[^']|'')*)'\s*\)?\s*$/i;

export function listTeamMembers(ctx: GraphContext, req: GraphRequest, teamId: string): GraphResponse {
  requirePermission(req, PERMISSIONS.readTeamMembers);
  const g = team(ctx, teamId);
  const filter = req.query.get('$filter');
  let wanted: string | undefined;
  if (filter !== null) {
    const m = USER_ID_FILTER.exec(filter);
    if (!m) throw badRequest(`Invalid filter clause: the sandbox tenant supports only (${MEMBER_TYPE}/userId eq '...').`);
    wanted = (m[1] ?? '').replace(/''/g, "'").toLowerCase();
  }
  const users = g.members
    .filter((id) => wanted === undefined || id === wanted)
    .map((id) => ctx.directory.userById(id))
    .filter((u): u is SandboxUser => u !== undefined);
  const { value, nextLink } = page(req, users, parseTop(req, 999, 100), ctx.url);
  return json(200, {
    '@odata.context': `${ctx.url}/v1.0/$metadata#teams('${g.id}')/members`,
    ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
    value: value.map((u) => memberJson(ctx, g, u)),
  });
}

export function removeTeamMember(ctx: GraphContext, req: GraphRequest, teamId: string, membershipId: string): GraphResponse {
  requirePermission(req, PERMISSIONS.writeTeamMembers);
  const g = team(ctx, teamId);
  const parsed = parseMembershipId(membershipId);
  if (!parsed || parsed.groupId !== g.id.toLowerCase() || !g.members.includes(parsed.userId)) {
    throw new GraphError(404, 'NotFound', `Member not found: ${membershipId}`);
  }
  if (g.owners.includes(parsed.userId)) requirePermission(req, PERMISSIONS.writeTeamOwners);
  g.owners = g.owners.filter((o) => o !== parsed.userId);
  ctx.directory.removeMember(g, parsed.userId);
  return noContent();
}
