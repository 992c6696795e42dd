// The use case "invite a guest, as this caller": validation → the caller's role → their right
// under the policy → the tenant's domain rules → the invitation, or a request for approval, or a
// refusal (audited). Everything the Teams layer needs to decide is decided here; it only renders.
import type { InvitePolicy } from '../policy';
import type { ApprovalRequest, ApprovalRequests } from '../approval/approvals';
import { auditAction } from '../audit/audit';
import { domainOf, validateInvite, type InviteFieldErrors, type InviteInput, type ValidInvite } from './email';
import type { Person } from '../team';
import { inviteGuest } from './invite';
import { type InviteDeps } from './deps';
import { outcomeOfError } from './outcome';
import { type TeamRef } from '../team';
import type { InvitationOutcome } from './outcome';
import { domainRefusal, inviteRight } from '../policy';
import type { TeamRoles } from '../roles';

export interface InviteAsDeps {
  invite: InviteDeps;
  roles: Pick<TeamRoles, 'roleOf'>;
  approvals: Pick<ApprovalRequests, 'create'>;
  policy: { invitePolicy: InvitePolicy; sendInvitationEmail: boolean };
}

export interface InviteOptions {
  /** Send the invitation again to someone already invited (Resend, `--resend`). */
  resend: boolean;
  /** The invitation message's language (src/domain/invitationLanguage.ts). */
  locale?: string;
  /** The card the request came from: a second click on it gets the first one's result. */
  origin?: string;
}

export type InviteAsResult =
  /** Field errors, for the form to show with what was typed. */
  | { kind: 'invalid'; errors: InviteFieldErrors }
  /** A member under the approval policy: a request waits for an owner. */
  | { kind: 'requested'; request: ApprovalRequest }
  /** Whatever the invitation came to (invited, refused, failed, in progress elsewhere…). */
  | { kind: 'done'; outcome: InvitationOutcome; message?: string };

export async function inviteAs(deps: InviteAsDeps, team: TeamRef, caller: Person, typed: InviteInput, options: InviteOptions): Promise<InviteAsResult> {
  const validation = validateInvite(typed, { sendEmail: deps.policy.sendInvitationEmail });
  if (!validation.ok) return { kind: 'invalid', errors: validation.errors };
  const invite = validation.value;
  const request = { ...invite, resend: options.resend, locale: options.locale, origin: options.origin };
  let right: ReturnType<typeof inviteRight>;
  try {
    right = inviteRight(await deps.roles.roleOf(team.groupId, caller.id), deps.policy.invitePolicy);
  } catch (e) {
    // Without knowing the caller's role nothing is done; the card says why (e.g. a missing permission).
    return { kind: 'done', outcome: outcomeOfError(e, { kind: 'failed', email: invite.email, displayName: invite.displayName }, domainOf(invite.email)) };
  }
  const domainRule = domainRefusal(domainOf(invite.email), deps.invite.rules);
  if (right.kind === 'request' && !domainRule && !options.resend) return { kind: 'requested', request: await requestApproval(deps, team, caller, invite) };
  if (right.kind === 'invite') return { kind: 'done', outcome: await inviteGuest(deps.invite, team, caller, request), message: invite.message };
  const code = right.kind === 'refuse' ? right.code : domainRule ? domainRule : 'callerNotOwner';
  await auditAction(deps.invite, team, caller, { action: 'refuse', subject: invite.email, outcome: 'refused', reason: code });
  const outcome: InvitationOutcome = { kind: 'refused', email: invite.email, displayName: invite.displayName, refusal: code, detail: domainRule ? domainOf(invite.email) : undefined };
  return { kind: 'done', outcome, message: invite.message };
}

async function requestApproval(deps: InviteAsDeps, team: TeamRef, caller: Person, invite: ValidInvite): Promise<ApprovalRequest> {
  const request = await deps.approvals.create({ groupId: team.groupId, teamId: team.teamId, requester: caller, invite });
  await auditAction(deps.invite, team, caller, { action: 'request', subject: invite.email, outcome: 'requested' });
  deps.invite.log?.('info', 'invitation requested', { requestId: request.id });
  return request;
}
