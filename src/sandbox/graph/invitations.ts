// POST /invitations: creates (or re-invites) a B2B guest. Re-inviting an existing guest returns
// the same user id with a new redeem URL, which is how "resend" works in real Graph; the redeem
// URL is only ever returned here. Policy refusals use Graph's wording, since the bot matches on
// the message (codes vary in the wild).
import { randomUUID } from 'node:crypto';
import type { InvitationRecord } from '../types';
import { badRequest, GraphError, json, PERMISSIONS, requirePermission, type GraphContext, type GraphRequest, type GraphResponse } from './context';

// Graph's rules for invitedUserEmailAddress (see PRODUCT.md §3): none of these in the local part,
// '.' and '-' not first or last, '_' and "'" allowed.
const FORBIDDEN_LOCAL = /[~!#$%^&*()+=[\]{}\\/|;:"<>?,\s]/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isValidInviteAddress(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at !== email.indexOf('@')) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || FORBIDDEN_LOCAL.test(local)) return false;
  if (/^[.-]|[.-]$/.test(local) || local.includes('..')) return false;
  return DOMAIN.test(domain);
}

interface InvitationBody {
  invitedUserEmailAddress?: unknown;
  invitedUserDisplayName?: unknown;
  inviteRedirectUrl?: unknown;
  sendInvitationMessage?: unknown;
  invitedUserMessageInfo?: { messageLanguage?: unknown; ccRecipients?: unknown; customizedMessageBody?: unknown } | null;
  invitedUserType?: unknown;
  invitedUserSponsors?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function ccAddresses(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((r: unknown) => (r as { emailAddress?: { address?: unknown } } | null)?.emailAddress?.address)
    .filter((a): a is string => typeof a === 'string');
}

function checkPolicy(ctx: GraphContext, domain: string): void {
  const s = ctx.settings;
  const d = domain.toLowerCase();
  const inList = (list: string[]): boolean => list.some((x) => x.toLowerCase() === d);
  if (s.suspiciousActivityBlock) {
    throw new GraphError(403, 'Forbidden', 'Invitations are blocked for this directory due to suspicious activity. Please contact support.');
  }
  if (s.guestInvitationsDisabled) {
    throw new GraphError(403, 'Forbidden', 'Guest invitations not allowed for your company. Contact your company administrator for more details.');
  }
  if (inList(s.blockedDomains)) {
    throw new GraphError(
      400,
      'BadRequest',
      `The B2B collaboration policy of this organization does not allow collaboration with users from the domain '${domain}'.`,
    );
  }
  if (inList(s.crossTenantBlockedDomains)) {
    throw new GraphError(
      403,
      'Forbidden',
      `The invitation to a user of '${domain}' was blocked by cross-tenant access settings of this organization or of the user's home organization.`,
    );
  }
}

export function createInvitation(ctx: GraphContext, req: GraphRequest): GraphResponse {
  requirePermission(req, PERMISSIONS.invite);
  const body = (req.body ?? {}) as InvitationBody;
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Invalid request body.');

  const email = str(body.invitedUserEmailAddress);
  if (!email) throw badRequest("Required property 'invitedUserEmailAddress' is missing or empty.");
  if (!isValidInviteAddress(email)) throw badRequest(`The specified email address '${email}' is invalid.`);
  const redirect = str(body.inviteRedirectUrl);
  if (!redirect) throw badRequest("Required property 'inviteRedirectUrl' is missing or empty.");
  if (!URL.canParse(redirect)) throw badRequest(`The value '${redirect}' of property 'inviteRedirectUrl' is not a valid absolute URL.`);
  const displayName = str(body.invitedUserDisplayName);
  const userType = body.invitedUserType === 'Member' ? 'Member' : 'Guest';
  if (body.invitedUserType !== undefined && body.invitedUserType !== 'Member' && body.invitedUserType !== 'Guest') {
    throw badRequest(`Invalid value '${String(body.invitedUserType)}' for property 'invitedUserType'.`);
  }

  const sponsorsIn = body.invitedUserSponsors ?? [];
  if (!Array.isArray(sponsorsIn)) throw badRequest("Property 'invitedUserSponsors' must be a collection.");
  if (sponsorsIn.length > 5) throw badRequest('The number of sponsors cannot exceed 5.');
  const sponsors = sponsorsIn.map((s: unknown) => {
    const id = (s as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') throw badRequest('Each sponsor must have an id.');
    if (!ctx.directory.userById(id) && !ctx.directory.groupById(id)) {
      throw badRequest(`Sponsor '${id}' does not exist or is not a user or group.`);
    }
    return id.toLowerCase();
  });

  const domain = email.slice(email.indexOf('@') + 1);
  checkPolicy(ctx, domain);
  if (ctx.seed.tenant.verifiedDomains.some((d) => d.toLowerCase() === domain.toLowerCase()) && !ctx.directory.userByEmail(email)) {
    // Approximation of Entra's refusal: addresses in the tenant's own verified domains are not
    // guests (PRODUCT.md: the bot must look them up and add them as members instead).
    throw badRequest(`The invited user's domain '${domain}' is a verified domain of this directory; such users cannot be invited as guests.`);
  }

  let user = ctx.directory.userByEmail(email);
  const resend = user !== undefined;
  if (user && user.userType === 'Member' && user.creationType !== 'Invitation') {
    // Approximation: Graph refuses to invite an address that already is an internal member.
    throw badRequest(`The invited user already exists in the directory as object ID '${user.id}'.`);
  }
  if (!user) {
    const local = email.slice(0, email.indexOf('@'));
    user = ctx.directory.createGuest({
      email,
      displayName: displayName ?? local,
      upn: `${email.replace('@', '_')}#EXT#@${ctx.seed.tenant.initialDomain}`,
      userType,
    });
  }

  const ticket = ctx.directory.newTicket(user.id);
  const inviteRedeemUrl = `${ctx.url}/redeem?ticket=${ticket}`;
  const info = body.invitedUserMessageInfo ?? {};
  const customizedMessageBody = typeof info.customizedMessageBody === 'string' ? info.customizedMessageBody : null;
  const sendInvitationMessage = body.sendInvitationMessage === true;
  const record: InvitationRecord = {
    id: randomUUID(),
    userId: user.id,
    invitedUserEmailAddress: email,
    invitedUserDisplayName: displayName ?? null,
    inviteRedirectUrl: redirect,
    inviteRedeemUrl,
    sendInvitationMessage,
    customizedMessageBody,
    ccRecipients: ccAddresses(info.ccRecipients),
    sponsors,
    resend,
    createdDateTime: new Date().toISOString(),
  };
  ctx.directory.recordInvitation(record);

  return json(201, {
    '@odata.context': `${ctx.url}/v1.0/$metadata#invitations/$entity`,
    id: record.id,
    inviteRedeemUrl,
    invitedUserDisplayName: displayName ?? null,
    invitedUserType: user.userType,
    invitedUserEmailAddress: email,
    sendInvitationMessage,
    resetRedemption: false,
    inviteRedirectUrl: redirect,
    // Real Graph reports PendingAcceptance here regardless; redemption is tracked on the user.
    status: 'PendingAcceptance',
    invitedUserMessageInfo: {
      messageLanguage: typeof info.messageLanguage === 'string' ? info.messageLanguage : null,
      ccRecipients: Array.isArray(info.ccRecipients) ? info.ccRecipients : [],
      customizedMessageBody,
    },
    invitedUser: { id: user.id },
  });
}
