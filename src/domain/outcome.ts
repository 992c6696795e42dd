// What happened to one invitation: the data behind the result card (PRODUCT.md section 4).
import type { FailureCode, GraphTrace, RefusalCode } from './errors';

export type OutcomeKind = 'invited' | 'reinvited' | 'added' | 'alreadyInTeam' | 'requested' | 'pendingAdd' | 'inProgress' | 'refused' | 'failed';

/** Where the person stands in the directory: a guest's redemption state, or a tenant member. */
export type SubjectState = 'PendingAcceptance' | 'Accepted' | 'Member';

export interface InvitationOutcome {
  kind: OutcomeKind;
  email: string;
  displayName: string;
  userId?: string;
  invitationId?: string;
  /** Sensitive: lets anyone start this invitation's redemption. Never logged. */
  redeemUrl?: string;
  emailSent?: boolean;
  state?: SubjectState;
  refusal?: RefusalCode;
  failure?: FailureCode;
  /** A domain, a permission name or other detail the message needs. */
  detail?: string;
  trace?: GraphTrace;
}
