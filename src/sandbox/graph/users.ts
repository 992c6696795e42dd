// /users, /users/{id|upn}, /organization: the look-ups the bot makes before inviting.
import { checkFilterProperties, evaluateFilter, FilterSyntaxError, parseFilter, type FilterNode } from '../odataFilter';
import { badRequest, json, notFound, PERMISSIONS, requirePermission, type GraphContext, type GraphRequest, type GraphResponse } from './context';
import { page, parseSelect, parseTop, projectUser, USER_PROPERTIES } from './select';

const FILTERABLE = new Set([
  'id',
  'displayName',
  'mail',
  'otherMails',
  'userPrincipalName',
  'userType',
  'externalUserState',
  'creationType',
]);

function parseUserFilter(raw: string): FilterNode {
  try {
    const node = parseFilter(raw);
    checkFilterProperties(node, FILTERABLE);
    return node;
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw badRequest(`Invalid filter clause: ${err.message}`);
    throw err;
  }
}

export function listUsers(ctx: GraphContext, req: GraphRequest): GraphResponse {
  requirePermission(req, PERMISSIONS.readUsers);
  const select = parseSelect(req, USER_PROPERTIES, 'microsoft.graph.user');
  const top = parseTop(req, 999, 100);
  const rawFilter = req.query.get('$filter') ?? req.query.get('filter');
  let users = [...ctx.directory.users];
  if (rawFilter !== null) {
    const node = parseUserFilter(rawFilter);
    try {
      users = users.filter((u) => evaluateFilter(node, { ...u }, FILTERABLE));
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw badRequest(`Invalid filter clause: ${err.message}`);
      throw err;
    }
  }
  // $count is an advanced query: Graph requires ConsistencyLevel: eventual for it on /users.
  const count = (req.query.get('$count') ?? req.query.get('count')) === 'true';
  if (count && req.headers.consistencylevel?.toLowerCase() !== 'eventual') {
    throw badRequest('$count is not currently supported.', 'Request_BadRequest');
  }
  const { value, nextLink } = page(req, users, top, ctx.url);
  return json(200, {
    '@odata.context': `${ctx.url}/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}`,
    ...(count ? { '@odata.count': users.length } : {}),
    ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
    value: value.map((u) => projectUser(u, select)),
  });
}

export function getUser(ctx: GraphContext, req: GraphRequest, idOrUpn: string): GraphResponse {
  requirePermission(req, PERMISSIONS.readUsers);
  const select = parseSelect(req, USER_PROPERTIES, 'microsoft.graph.user');
  const user = ctx.directory.userByIdOrUpn(idOrUpn);
  if (!user) throw notFound(idOrUpn);
  return json(200, { '@odata.context': `${ctx.url}/v1.0/$metadata#users/$entity`, ...projectUser(user, select) });
}

export function getOrganization(ctx: GraphContext, req: GraphRequest): GraphResponse {
  requirePermission(req, PERMISSIONS.readOrganization);
  const { tenant } = ctx.seed;
  const org: Record<string, unknown> = {
    id: tenant.id,
    displayName: tenant.displayName,
    tenantType: 'AAD',
    verifiedDomains: tenant.verifiedDomains.map((name) => ({
      name,
      isDefault: name === (tenant.verifiedDomains.find((d) => d !== tenant.initialDomain) ?? tenant.initialDomain),
      isInitial: name === tenant.initialDomain,
      type: 'Managed',
      capabilities: 'Email, OfficeCommunicationsOnline',
    })),
  };
  const select = parseSelect(req, Object.keys(org), 'microsoft.graph.organization');
  const projected: Record<string, unknown> = { id: org.id };
  for (const p of select ?? Object.keys(org)) projected[p] = org[p];
  return json(200, { '@odata.context': `${ctx.url}/v1.0/$metadata#organization`, value: [projected] });
}
