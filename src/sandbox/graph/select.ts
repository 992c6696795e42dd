// $select, $top and $skiptoken paging shared by /users and group owners/members, with Graph's
// defaults: a user without $select shows only the default property set (externalUserState and
// friends appear only when selected, as in real Graph, so a bot that forgets $select finds out here).
import type { SandboxUser } from '../types';
import { badRequest, type GraphRequest } from './context';

export const USER_PROPERTIES = [
  'id',
  'displayName',
  'mail',
  'otherMails',
  'userPrincipalName',
  'userType',
  'externalUserState',
  'externalUserStateChangeDateTime',
  'creationType',
  'createdDateTime',
  'businessPhones',
  'givenName',
  'surname',
  'jobTitle',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
] as const;

const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

export function parseSelect(req: GraphRequest, known: readonly string[], typeName: string): string[] | undefined {
  const raw = req.query.get('$select') ?? req.query.get('select');
  if (raw === null || raw.trim() === '') return undefined;
  const props = raw.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of props) {
    if (!known.includes(p)) throw badRequest(`Could not find a property named '${p}' on type '${typeName}'.`);
  }
  return props;
}

function userView(u: SandboxUser): Record<string, unknown> {
  const [first, ...rest] = u.displayName.split(' ');
  return {
    ...u,
    businessPhones: [],
    givenName: u.userType === 'Member' ? (first ?? null) : null,
    surname: u.userType === 'Member' && rest.length > 0 ? rest.join(' ') : null,
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
  };
}

/** Projects a user onto the selected (or default) properties; id is always present. */
export function projectUser(u: SandboxUser, select: string[] | undefined): Record<string, unknown> {
  const view = userView(u);
  const props = select ?? DEFAULT_USER_PROPERTIES;
  const out: Record<string, unknown> = {};
  for (const p of props) out[p] = view[p] ?? null;
  out.id = u.id;
  return out;
}

export function parseTop(req: GraphRequest, max: number, dflt: number): number {
  const raw = req.query.get('$top') ?? req.query.get('top');
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.`, 'Request_BadRequest');
  }
  return n;
}

/** Skip tokens are opaque to clients; here they are just a base64url offset. */
export function page<T>(req: GraphRequest, items: T[], top: number, baseUrl: string): { value: T[]; nextLink?: string } {
  const token = req.query.get('$skiptoken') ?? req.query.get('skiptoken');
  let offset = 0;
  if (token !== null) {
    offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw badRequest('Invalid skip token.', 'Request_BadRequest');
  }
  const value = items.slice(offset, offset + top);
  if (offset + top >= items.length) return { value };
  const q = new URLSearchParams();
  for (const [k, v] of req.query) if (k !== '$skiptoken' && k !== 'skiptoken') q.set(k, v);
  q.set('$top', String(top));
  q.set('$skiptoken', Buffer.from(String(offset + top)).toString('base64url'));
  const pathPart = req.segments.map(encodeURIComponent).join('/');
  return { value, nextLink: `${baseUrl}/v1.0/${pathPart}?${q.toString()}` };
}
