// What happened to one invitation: the data behind the result card (PRODUCT.md section 4).
import { DirectoryError, type DirectoryUser } from '../directory';
import type { FailureCode, GraphTrace, RefusalCode } from '../errors';

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

const REFUSALS: Partial<Record<DirectoryError['kind'], RefusalCode>> = {
  groupForbidsGuests: 'groupForbidsGuests',
  tenantBlocksDomain: 'tenantBlocksDomain',
  crossTenantBlocked: 'crossTenantBlocked',
  guestInvitationsDisabled: 'guestInvitationsDisabled',
};
const FAILURES: Record<DirectoryError['kind'], FailureCode> = {
  notFound: 'userNotFound',
  groupForbidsGuests: 'graphRejected',
  tenantBlocksDomain: 'graphRejected',
  crossTenantBlocked: 'graphRejected',
  guestInvitationsDisabled: 'graphRejected',
  suspiciousActivity: 'suspiciousActivity',
  throttled: 'throttled',
  unavailable: 'graphUnavailable',
  missingPermission: 'missingPermission',
  rejected: 'graphRejected',
  unexpected: 'unexpected',
};

/** Turns a directory failure into the outcome PRODUCT.md section 5 asks for. */
export function outcomeOfError(error: unknown, base: InvitationOutcome, domain: string): InvitationOutcome {
  if (!(error instanceof DirectoryError)) {
    return { ...base, kind: 'failed', failure: 'unexpected' };
  }
  const refusal = REFUSALS[error.kind];
  if (refusal) {
    return { ...base, kind: 'refused', refusal, detail: refusal === 'groupForbidsGuests' ? undefined : domain, trace: error.trace };
  }
  return { ...base, kind: 'failed', failure: FAILURES[error.kind], detail: error.permission, trace: error.trace };
}

/** Where someone stands, from their directory entry: a tenant member, or a guest's redemption state. */
export function subjectStateOf(user: DirectoryUser): SubjectState {
  if (user.userType === 'Member') return 'Member';
  return user.externalUserState ?? 'PendingAcceptance';
}
