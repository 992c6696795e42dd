// The one place an invitation's outcome is written down, for single and bulk invitations alike:
// the team's record of the guest (what /status, /guests and tracking read) and the audit entry.
import type { AuditLog } from '../audit/audit';
import type { FailureCode, RefusalCode } from '../errors';
import type { CardRef, Person, TeamRef } from '../team';
import type { OutcomeKind, SubjectState } from './outcome';
import { withCard, type InvitationRecords } from './records';

/** Outcomes after which the guest is a member of the team's group. */
export function inGroupAfter(kind: OutcomeKind): boolean {
  return kind === 'invited' || kind === 'reinvited' || kind === 'added' || kind === 'alreadyInTeam';
}

export interface OutcomeToRecord {
  team: Pick<TeamRef, 'groupId' | 'teamId'>;
  actor: Person;
  /** `resend` for Resend and `--resend`; everything else is an `invite`. */
  action: 'invite' | 'resend';
  email: string;
  displayName: string;
  kind: OutcomeKind;
  userId?: string;
  /** Set when this action sent an invitation: the actor becomes the guest's inviter. */
  invitationId?: string;
  /** Sensitive: kept on the record only, never in the audit log. */
  redeemUrl?: string;
  state?: SubjectState;
  emailSent?: boolean;
  refusal?: RefusalCode;
  failure?: FailureCode;
  /** The audit's reason when it is not the refusal or failure (bulk: a line's problem). */
  reason?: string;
  graphCode?: string;
  requestId?: string;
  /** Cards that waited for this outcome. */
  cards?: CardRef[];
}

/**
 * Writes the record (when the outcome touched the directory: there is a user) and appends the
 * audit entry. `auditId` makes the audit append idempotent (a retried write after a crash).
 */
export async function recordInvitation(deps: { records: InvitationRecords; audit: AuditLog }, o: OutcomeToRecord, now: string, auditId?: string): Promise<void> {
  if (o.userId !== undefined) {
    const previous = await deps.records.get(o.team.groupId, o.email);
    const saved = {
      ...previous,
      groupId: o.team.groupId,
      teamId: o.team.teamId,
      email: o.email,
      displayName: o.displayName,
      userId: o.userId,
      invitationId: o.invitationId ?? previous?.invitationId,
      redeemUrl: o.redeemUrl ?? previous?.redeemUrl,
      invitedBy: o.invitationId ? o.actor : (previous?.invitedBy ?? o.actor),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      outcome: o.kind,
      state: o.state,
      inGroup: inGroupAfter(o.kind),
      emailSent: o.emailSent ?? previous?.emailSent,
      requestId: o.requestId,
      refusal: o.refusal,
      failure: o.failure,
      cards: previous?.cards,
    };
    await deps.records.save((o.cards ?? []).reduce(withCard, saved));
  }
  await deps.audit.append(
    {
      at: now,
      groupId: o.team.groupId,
      teamId: o.team.teamId,
      actor: o.actor,
      action: o.action,
      subject: o.email,
      outcome: o.kind,
      reason: o.reason ?? o.refusal ?? o.failure,
      userId: o.userId,
      invitationId: o.invitationId,
      graphCode: o.graphCode,
      requestId: o.requestId,
    },
    auditId,
  );
}
