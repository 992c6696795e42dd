// Deciding a member's request: only an owner's click counts, re-read from the directory at the
// click (never from card data); decided once (an ETag claim on the request); audited. An approved
// request's invitation then runs like every other invitation (inviteApproved).
import { auditAction } from '../audit/audit';
import type { InviteDeps } from '../invitation/deps';
import { inviteGuest } from '../invitation/invite';
import { withCard } from '../invitation/records';
import type { TeamRole } from '../policy';
import type { TeamRoles } from '../roles';
import type { CardRef, Person, TeamRef } from '../team';
import type { ApprovalRequest, ApprovalRequests } from './approvals';

export interface DecideDeps {
  roles: Pick<TeamRoles, 'roleOf'>;
  approvals: ApprovalRequests;
  invite: InviteDeps;
}

export type DecideResult =
  /** Not an owner now: refused and audited, nothing decided. */
  | { kind: 'notOwner'; role: TeamRole }
  | { kind: 'notFound' }
  /** Someone decided first (a double click, another owner): that decision stands. */
  | { kind: 'alreadyDecided'; request: ApprovalRequest }
  | { kind: 'decided'; request: ApprovalRequest };

export async function decideRequest(deps: DecideDeps, team: TeamRef, caller: Person, requestId: string, decision: 'approved' | 'declined'): Promise<DecideResult> {
  const role = await deps.roles.roleOf(team.groupId, caller.id, { fresh: true });
  if (role !== 'owner') {
    await auditAction(deps.invite, team, caller, { action: 'refuse', subject: requestId, outcome: 'refused', reason: 'callerNotOwner' });
    return { kind: 'notOwner', role };
  }
  const result = await deps.approvals.decide(team.groupId, requestId, caller, decision);
  if (result.kind !== 'decided') return result;
  const { request } = result;
  await auditAction(deps.invite, team, caller, { action: decision === 'approved' ? 'approve' : 'decline', subject: request.invite.email, outcome: decision, reason: `request ${request.id}` });
  return result;
}

/**
 * The approved request's invitation, by the owner who approved it; the request as it stands
 * afterwards (with its outcome). `cardAt`: the card that shows the invitation, kept on its record.
 * Under way elsewhere (another turn invites the same address): background work finishes the request.
 */
export async function inviteApproved(deps: DecideDeps, team: TeamRef, decider: Person, request: ApprovalRequest, options: { locale?: string; cardAt?: CardRef }): Promise<ApprovalRequest> {
  const outcome = await inviteGuest(deps.invite, team, decider, { ...request.invite, locale: options.locale });
  if (outcome.kind !== 'inProgress') request = (await deps.approvals.patch(team.groupId, request.id, () => ({ outcome }))) ?? { ...request, outcome };
  const { cardAt } = options;
  if (outcome.userId && cardAt) await deps.invite.records.update(team.groupId, outcome.email, (r) => withCard(r, cardAt));
  return request;
}
