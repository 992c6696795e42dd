// The directory port for bulk work: the same directory as GuestDirectory, asked many things at once.
// The Graph adapter (src/graph/graphBulk.ts) batches look-ups ($batch) and team adds (POST
// /teams/{id}/members/add, answered per user); the domain decides what to do with each answer.
import { DirectoryError, type CreatedInvitation, type DirectoryUser, type InvitationRequest, type MemberAddResult } from '../directory';
import type { GraphTrace } from '../errors';

/** One look-up's answer: the user, `null` when nobody has that address, or why it could not be told. */
export type LookupAnswer = DirectoryUser | null | DirectoryError;

export type MemberAddAnswer = MemberAddResult | DirectoryError;

export interface BulkDirectory {
  /** Looks every address up (mail, otherMails, guest UPN); keyed by the lower-cased address. */
  lookupMany(emails: readonly string[], signal?: AbortSignal): Promise<Map<string, LookupAnswer>>;
  /**
   * One invitation, one attempt: no retries inside, so that every attempt goes through the pacer.
   * A throttled or busy answer is thrown as a BusyDirectoryError carrying Graph's Retry-After.
   */
  invite(request: InvitationRequest, signal?: AbortSignal): Promise<CreatedInvitation>;
  /**
   * Adds users to the team (members, not owners); "already a member" is an answer, not an error,
   * and so is each user's own failure (a guest not replicated yet: kind 'notFound'). Keyed by user id.
   */
  addMembers(groupId: string, userIds: readonly string[], signal?: AbortSignal): Promise<Map<string, MemberAddAnswer>>;
  verifiedDomains(): Promise<string[]>;
}

/** Graph asked us to wait (429), was busy (503/504) or did not answer: retry after `retryAfterMs`, if it said. */
export class BusyDirectoryError extends DirectoryError {
  constructor(
    kind: 'throttled' | 'unavailable',
    message: string,
    trace: GraphTrace,
    readonly retryAfterMs?: number,
    /** As DirectoryError's: the request may have taken effect all the same (a 504 or no answer to a write). */
    ambiguous = false,
  ) {
    super(kind, message, trace, undefined, ambiguous);
    this.name = 'BusyDirectoryError';
  }
}
