// One catalogue of what can go wrong for a user. Each code has a plain-language text in
// src/text/en.ts; where the failure came from Graph, the Graph code and request-id travel along.

export const REFUSAL_CODES = [
  'notInTeam',
  'callerIsGuest',
  'callerNotOwner',
  'callerNotMember',
  'callerUnknown',
  'domainNotAllowed',
  'domainBlocked',
  'groupForbidsGuests',
  'tenantBlocksDomain',
  'crossTenantBlocked',
  'guestInvitationsDisabled',
  'resendNotNeeded',
  'resendNotInvitedHere',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export const FAILURE_CODES = [
  'suspiciousActivity',
  'throttled',
  'missingPermission',
  'graphUnavailable',
  'graphRejected',
  'userNotFound',
  'notConfirmed',
  'unexpected',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

export type FieldErrorCode =
  | 'emailRequired'
  | 'emailInvalid'
  | 'emailTooLong'
  | 'emailForbiddenCharacter'
  | 'emailDotOrDashAtEdge'
  | 'emailDomainInvalid'
  | 'displayNameTooLong'
  | 'displayNameControlCharacter'
  | 'displayNameIsEmail'
  | 'messageTooLong'
  | 'bulkTooLong';

/** Where a Graph failure came from, so that the user (and support) can trace it. */
export interface GraphTrace {
  graphCode?: string;
  requestId?: string;
  status?: number;
  /** Graph's Retry-After, in seconds, when it said how long to wait (429, 503). */
  retryAfterSeconds?: number;
}
