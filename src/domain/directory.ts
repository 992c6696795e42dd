// The directory port: what Guest Pass needs from Entra / Microsoft Graph, in the product's words.
// The Graph adapter (src/graph) implements it; tests may use a fake.
import type { GraphTrace } from './errors';

export type ExternalUserState = 'PendingAcceptance' | 'Accepted';

export interface DirectoryUser {
  id: string;
  displayName: string;
  mail?: string;
  userPrincipalName: string;
  userType: 'Member' | 'Guest';
  externalUserState?: ExternalUserState;
  externalUserStateChangeDateTime?: string;
}

export interface InvitationRequest {
  email: string;
  displayName: string;
  redirectUrl: string;
  sendEmail: boolean;
  message?: string;
  messageLanguage?: string;
  sponsorId: string;
}

export interface CreatedInvitation {
  invitationId: string;
  userId: string;
  redeemUrl: string;
}

export type MemberAddResult = 'added' | 'alreadyMember';

export interface GuestDirectory {
  findUserByEmail(email: string): Promise<DirectoryUser | undefined>;
  getUser(userId: string): Promise<DirectoryUser | undefined>;
  /** Several users by id in one call (at most 15: Graph's `in` limit). */
  getUsers(userIds: string[]): Promise<DirectoryUser[]>;
  verifiedDomains(): Promise<string[]>;
  invite(request: InvitationRequest): Promise<CreatedInvitation>;
  /**
   * Adds the user to the team as a member (not an owner), so that Teams shows them at once (the
   * Graph adapter uses the Teams membership API; the name stays for its callers). A team's id is
   * its Microsoft 365 group's id. A user not replicated yet fails with kind 'notFound'; a group
   * that forbids guests with 'groupForbidsGuests'.
   */
  addGroupMember(groupId: string, userId: string): Promise<MemberAddResult>;
  /** Removes the user from the team; 'notMember' when they are not (or no longer) in it. The account stays. */
  removeTeamMember(groupId: string, userId: string): Promise<'removed' | 'notMember'>;
  groupOwnerIds(groupId: string): Promise<string[]>;
  isGroupMember(groupId: string, userId: string): Promise<boolean>;
}

/** How a directory call failed, classified once by the adapter so the domain can decide. */
export type DirectoryFailureKind =
  | 'notFound'
  | 'groupForbidsGuests'
  | 'tenantBlocksDomain'
  | 'crossTenantBlocked'
  | 'guestInvitationsDisabled'
  | 'suspiciousActivity'
  | 'throttled'
  | 'unavailable'
  | 'missingPermission'
  | 'rejected'
  | 'unexpected';

export class DirectoryError extends Error {
  constructor(
    readonly kind: DirectoryFailureKind,
    message: string,
    readonly trace: GraphTrace = {},
    /** For missingPermission: the permission the operation needs. */
    readonly permission?: string,
    /**
     * The request may have taken effect all the same: a timeout or a dropped connection after it
     * was sent, or a 5xx answer to a write. The domain resolves such an answer by looking up what
     * exists, never by sending the write again.
     */
    readonly ambiguous: boolean = false,
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}
