// The directory port over Microsoft Graph v1.0, through the Graph SDK.
import type { Client } from '@microsoft/microsoft-graph-client';
import { DirectoryError, type CreatedInvitation, type DirectoryUser, type GuestDirectory, type InvitationRequest, type MemberAddResult } from '../domain/directory';
import { GraphRetryPolicy } from './boundedRequests';
import { isAlreadyMemberError, toDirectoryError, type CallEffect } from './graphErrors';

const USER_FIELDS = 'id,displayName,mail,otherMails,userPrincipalName,userType,externalUserState,externalUserStateChangeDateTime';

/** OData string literal: `'` is written `''` (o'brien@contoso.com is a legal address). */
export const odataString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The UPN prefix Entra gives a guest: `alice_fabrikam.com#EXT#`. */
export const guestUpnPrefix = (email: string) => `${email.replace('@', '_')}#EXT#`;

/** The three places an address can be: mail, otherMails (after an address conflict), a guest's UPN. */
export function userLookupClauses(email: string): string[] {
  const e = odataString(email);
  return [`mail eq ${e}`, `otherMails/any(m:m eq ${e})`, `startswith(userPrincipalName,${odataString(guestUpnPrefix(email))})`];
}

/** The application permissions of the membership calls (docs/deployment.md, section 3). */
export const GROUP_MEMBER_READ = 'GroupMember.Read.All';
export const TEAM_MEMBER_WRITE = 'TeamMember.ReadWriteNonOwnerRole.All';
export const TEAM_MEMBER_READ = 'TeamMember.Read.All';

/** A team membership for `POST /teams/{id}/members` and `members/add`: a plain member (`roles: []`). */
export function conversationMember(referenceRoot: string, userId: string): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    roles: [],
    'user@odata.bind': `${referenceRoot}/users('${userId}')`,
  };
}

export function userLookupFilter(email: string): string {
  return userLookupClauses(email).join(' or ');
}

interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  otherMails?: string[];
  userPrincipalName?: string;
  userType?: string | null;
  externalUserState?: string | null;
  externalUserStateChangeDateTime?: string | null;
}

function toUser(u: GraphUser): DirectoryUser {
  return {
    id: u.id,
    displayName: u.displayName ?? u.mail ?? u.userPrincipalName ?? u.id,
    mail: u.mail ?? undefined,
    userPrincipalName: u.userPrincipalName ?? '',
    userType: u.userType === 'Guest' ? 'Guest' : 'Member',
    externalUserState: u.externalUserState === 'Accepted' ? 'Accepted' : u.externalUserState === 'PendingAcceptance' ? 'PendingAcceptance' : undefined,
    externalUserStateChangeDateTime: u.externalUserStateChangeDateTime ?? undefined,
  };
}

export class GraphDirectory implements GuestDirectory {
  constructor(
    private readonly client: Client,
    /** Graph's own root for `user@odata.bind` references; always the public form, as Graph expects. */
    private readonly referenceRoot = 'https://graph.microsoft.com/v1.0',
  ) {}

  private async call<T>(permission: string, run: () => Promise<T>, effect: CallEffect = 'read'): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw toDirectoryError(e, permission, effect);
    }
  }

  private async usersMatching(filter: string): Promise<GraphUser[]> {
    const res = await this.call<{ value: GraphUser[] }>('User.Read.All', () =>
      // The SDK does not encode the query: `#` (of #EXT#) would start a URL fragment.
      this.client.api('/users').filter(filter.replace(/#/g, '%23')).select(USER_FIELDS).top(5).get(),
    );
    return res.value;
  }

  async findUserByEmail(email: string): Promise<DirectoryUser | undefined> {
    try {
      return pickLookupMatch(email, await this.usersMatching(userLookupFilter(email)));
    } catch (e) {
      if (!(e instanceof DirectoryError && e.kind === 'rejected')) throw e;
      // A directory that refuses the combined filter: the same three look-ups one at a time.
      for (const clause of userLookupClauses(email)) {
        const found = pickLookupMatch(email, await this.usersMatching(clause).catch(() => []));
        if (found) return found;
      }
      return undefined;
    }
  }

  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    try {
      const u = await this.call<GraphUser>('User.Read.All', () => this.client.api(`/users/${encodeURIComponent(userId)}`).select(USER_FIELDS).get());
      return toUser(u);
    } catch (e) {
      if ((e as { kind?: string }).kind === 'notFound') return undefined;
      throw e;
    }
  }

  async getUsers(userIds: string[]): Promise<DirectoryUser[]> {
    if (userIds.length === 0) return [];
    if (userIds.length > 15) throw new Error('getUsers takes at most 15 ids');
    try {
      const res = await this.call<{ value: GraphUser[] }>('User.Read.All', () =>
        this.client
          .api('/users')
          .filter(`id in (${userIds.map(odataString).join(',')})`)
          .select(USER_FIELDS)
          .top(15)
          .get(),
      );
      return res.value.map(toUser);
    } catch (e) {
      if (!(e instanceof DirectoryError && e.kind === 'rejected')) throw e;
      // A directory that refuses `in`: one read per user, still bounded by the caller's chunk.
      const users = await Promise.all(userIds.map((id) => this.getUser(id)));
      return users.filter((u): u is DirectoryUser => u !== undefined);
    }
  }

  async verifiedDomains(): Promise<string[]> {
    const res = await this.call<{ value: { verifiedDomains?: { name: string }[] }[] }>('Organization.Read.All', () =>
      this.client.api('/organization').select('verifiedDomains').get(),
    );
    return res.value.flatMap((o) => (o.verifiedDomains ?? []).map((d) => d.name.toLowerCase()));
  }

  async invite(request: InvitationRequest): Promise<CreatedInvitation> {
    // Retried in-call only where Graph turned it away unserved (429, 503 with Retry-After): a second
    // invitation after one that took effect would send a second e-mail (boundedRequests.ts).
    const res = await this.call<{ id: string; inviteRedeemUrl: string; invitedUser: { id: string } }>(
      'User.Invite.All',
      () => this.client.api('/invitations').middlewareOptions([new GraphRetryPolicy('preEffectOnly')]).post(invitationBody(request)),
      'write',
    );
    return { invitationId: res.id, userId: res.invitedUser.id, redeemUrl: res.inviteRedeemUrl };
  }

  /**
   * Adds through the Teams membership API (`POST /teams/{groupId}/members`; a team's id is its
   * group's id), which Teams shows at once; group-API adds can take a day to reach the Teams client.
   * Graph answers 201 again for a user who is already a member, so the group's membership is read
   * first (checkMemberGroups) to tell 'alreadyMember'; a 409 or the group API's "already exist"
   * wording count the same. A guest not replicated yet is 404: DirectoryError kind 'notFound'.
   */
  async addGroupMember(groupId: string, userId: string): Promise<MemberAddResult> {
    // Best effort: if the read fails (a guest not replicated yet, say), the add tells.
    if (await this.isGroupMember(groupId, userId).catch(() => false)) return 'alreadyMember';
    try {
      await this.client.api(`/teams/${encodeURIComponent(groupId)}/members`).post(conversationMember(this.referenceRoot, userId));
      return 'added';
    } catch (e) {
      if (isAlreadyMemberError(e)) return 'alreadyMember';
      throw toDirectoryError(e, TEAM_MEMBER_WRITE, 'write');
    }
  }

  /**
   * Removes from the team through the Teams membership API: the user's membership id
   * (`GET /teams/{id}/members?$filter=(microsoft.graph.aadUserConversationMember/userId eq '...')`,
   * TeamMember.Read.All), then `DELETE /teams/{id}/members/{membershipId}`. 'notMember' when the
   * user is not (or no longer) a member: calling it twice is safe.
   */
  async removeTeamMember(groupId: string, userId: string): Promise<'removed' | 'notMember'> {
    const team = `/teams/${encodeURIComponent(groupId)}/members`;
    const filter = `(microsoft.graph.aadUserConversationMember/userId eq ${odataString(userId)})`;
    const res = await this.call<{ value: { id: string; userId?: string | null }[] }>(TEAM_MEMBER_READ, () => this.client.api(team).filter(filter).get());
    const membership = res.value.find((m) => m.userId?.toLowerCase() === userId.toLowerCase());
    if (!membership) return 'notMember';
    try {
      await this.client.api(`${team}/${encodeURIComponent(membership.id)}`).delete();
      return 'removed';
    } catch (e) {
      const error = toDirectoryError(e, TEAM_MEMBER_WRITE, 'write');
      // Gone between the read and the delete (another owner, or Entra): the same end state.
      if (error.kind === 'notFound') return 'notMember';
      throw error;
    }
  }

  async groupOwnerIds(groupId: string): Promise<string[]> {
    const ids: string[] = [];
    let page = await this.call<{ value: { id: string }[]; '@odata.nextLink'?: string }>(GROUP_MEMBER_READ, () =>
      this.client.api(`/groups/${encodeURIComponent(groupId)}/owners`).select('id').top(100).get(),
    );
    for (;;) {
      ids.push(...page.value.map((o) => o.id));
      const next = page['@odata.nextLink'];
      if (!next) return ids;
      page = await this.call(GROUP_MEMBER_READ, () => this.client.api(next).get());
    }
  }

  /** The group's member ids, all pages (`GET /groups/{id}/members?$select=id`). */
  async groupMemberIds(groupId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    let page = await this.call<{ value: { id: string }[]; '@odata.nextLink'?: string }>(GROUP_MEMBER_READ, () =>
      this.client.api(`/groups/${encodeURIComponent(groupId)}/members`).select('id').top(999).get(),
    );
    for (;;) {
      page.value.forEach((m) => ids.add(m.id.toLowerCase()));
      const next = page['@odata.nextLink'];
      if (!next) return ids;
      page = await this.call(GROUP_MEMBER_READ, () => this.client.api(next).get());
    }
  }

  async isGroupMember(groupId: string, userId: string): Promise<boolean> {
    // A POST that only reads: retried as a GET would be.
    const res = await this.call<{ value: string[] }>(GROUP_MEMBER_READ, () =>
      this.client
        .api(`/directoryObjects/${encodeURIComponent(userId)}/checkMemberGroups`)
        .middlewareOptions([new GraphRetryPolicy('idempotent')])
        .post({ groupIds: [groupId] }),
    );
    return res.value.includes(groupId);
  }
}

// ---- for the bulk adapter (graphBulk.ts): the same look-up and invitation as above, in parts ----

/** The user fields every look-up selects. */
export const LOOKUP_SELECT = USER_FIELDS;

/**
 * Of the users a look-up filter matched, the one for this address: an exact mail/otherMails match
 * first; otherwise the UPN-prefix match, which is the guest created for this address.
 */
export function pickLookupMatch(email: string, users: GraphUser[]): DirectoryUser | undefined {
  const lower = email.toLowerCase();
  const exact = (u: GraphUser) => u.mail?.toLowerCase() === lower || (u.otherMails ?? []).some((m) => m.toLowerCase() === lower);
  const found = users.find(exact) ?? users[0];
  return found ? toUser(found) : undefined;
}

/** The POST /invitations body for a request (as invite sends it). */
export function invitationBody(request: InvitationRequest): Record<string, unknown> {
  return {
    invitedUserEmailAddress: request.email,
    invitedUserDisplayName: request.displayName,
    inviteRedirectUrl: request.redirectUrl,
    sendInvitationMessage: request.sendEmail,
    invitedUserType: 'Guest',
    invitedUserMessageInfo: {
      ...(request.message ? { customizedMessageBody: request.message } : {}),
      ...(request.messageLanguage ? { messageLanguage: request.messageLanguage } : {}),
    },
    invitedUserSponsors: [{ id: request.sponsorId }],
  };
}

export type { GraphUser };
