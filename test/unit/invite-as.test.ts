// The invite use case as a whole (src/domain/invitation/inviteAs.ts) and deciding a request
// (src/domain/approval/decide.ts): validation → role (from the
// directory) → right under the policy → domain rules → invitation, request or audited refusal.
// Against a hand-written directory and the memory store: no Graph, no HTTP, no Teams.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApprovalRequests } from '../../src/domain/approval/approvals';
import { decideRequest, inviteApproved } from '../../src/domain/approval/decide';
import { AuditLog } from '../../src/domain/audit/audit';
import type { DirectoryUser, GuestDirectory, InvitationRequest } from '../../src/domain/directory';
import { InviteIntents } from '../../src/domain/invitation/intents';
import { inviteAs } from '../../src/domain/invitation/inviteAs';
import type { InviteDeps } from '../../src/domain/invitation/deps';
import { PendingAdds } from '../../src/domain/invitation/pendingAdds';
import { InvitationRecords } from '../../src/domain/invitation/records';
import type { InvitePolicy } from '../../src/domain/policy';
import { TeamRoles } from '../../src/domain/roles';
import type { TeamRef } from '../../src/domain/team';
import { MemoryStore } from '../../src/store/memoryStore';

const GROUP = 'group-1';
const team: TeamRef = { groupId: GROUP, teamId: '19:team@thread.tacv2', deepLink: 'https://teams.microsoft.com/l/team/x' };
const OWNER = { id: 'owner-id', name: 'Olga Owner' };
const MEMBER = { id: 'member-id', name: 'Max Member' };
const GUEST = { id: 'guest-id', name: 'Gina Guest' };
const OUTSIDER = { id: 'outsider-id', name: 'Otto Outsider' };

/** A tenant with one team: an owner, a member and a guest in it, and a tenant member outside it. */
class FakeDirectory implements GuestDirectory {
  readonly users: DirectoryUser[] = [
    { id: OWNER.id, displayName: OWNER.name, mail: 'olga@contoso.com', userPrincipalName: 'olga@contoso.com', userType: 'Member' },
    { id: MEMBER.id, displayName: MEMBER.name, mail: 'max@contoso.com', userPrincipalName: 'max@contoso.com', userType: 'Member' },
    { id: GUEST.id, displayName: GUEST.name, mail: 'gina@fabrikam.com', userPrincipalName: 'gina_fabrikam.com#EXT#@contoso.onmicrosoft.com', userType: 'Guest' },
    { id: OUTSIDER.id, displayName: OUTSIDER.name, mail: 'otto@contoso.com', userPrincipalName: 'otto@contoso.com', userType: 'Member' },
  ];
  readonly members = new Set([OWNER.id, MEMBER.id, GUEST.id]);
  readonly invitations: InvitationRequest[] = [];

  async findUserByEmail(email: string) {
    return this.users.find((u) => u.mail?.toLowerCase() === email.toLowerCase());
  }
  async getUser(id: string) {
    return this.users.find((u) => u.id === id);
  }
  async getUsers(ids: string[]) {
    return this.users.filter((u) => ids.includes(u.id));
  }
  async verifiedDomains() {
    return ['contoso.com'];
  }
  async invite(request: InvitationRequest) {
    this.invitations.push(request);
    const user: DirectoryUser = { id: `guest-${this.invitations.length}`, displayName: request.displayName, mail: request.email, userPrincipalName: `x${this.invitations.length}#EXT#@contoso.onmicrosoft.com`, userType: 'Guest', externalUserState: 'PendingAcceptance' };
    this.users.push(user);
    return { invitationId: `inv-${this.invitations.length}`, userId: user.id, redeemUrl: `https://login.microsoftonline.com/redeem/${this.invitations.length}` };
  }
  async addGroupMember(_groupId: string, userId: string) {
    if (this.members.has(userId)) return 'alreadyMember' as const;
    this.members.add(userId);
    return 'added' as const;
  }
  async removeTeamMember(_groupId: string, userId: string) {
    return this.members.delete(userId) ? ('removed' as const) : ('notMember' as const);
  }
  async groupOwnerIds() {
    return [OWNER.id];
  }
  async isGroupMember(_groupId: string, userId: string) {
    return this.members.has(userId);
  }
}

function setUp(invitePolicy: InvitePolicy, rules: { allowedDomains?: string[]; blockedDomains?: string[] } = {}) {
  const store = new MemoryStore();
  const directory = new FakeDirectory();
  const now = () => new Date();
  const audit = new AuditLog(store);
  const invite: InviteDeps = {
    directory,
    records: new InvitationRecords(store),
    pendingAdds: new PendingAdds(store, now),
    audit,
    intents: new InviteIntents(store, now),
    rules: { allowedDomains: rules.allowedDomains ?? [], blockedDomains: rules.blockedDomains ?? [] },
    memberAddBackoffMs: [1],
    sleep: async () => undefined,
    now,
  };
  const approvals = new ApprovalRequests(store);
  const deps = { invite, roles: new TeamRoles(directory), approvals, policy: { invitePolicy, sendInvitationEmail: false } };
  return { deps, directory, audit, approvals };
}

const alice = { email: 'alice@fabrikam.com', displayName: 'Alice Smith' };
const once = { resend: false };

describe('inviting as a caller (the domain use case)', () => {
  it('invites for an owner: one invitation, the guest added, the outcome audited', async () => {
    const { deps, directory, audit } = setUp('owners');
    const result = await inviteAs(deps, team, OWNER, alice, once);
    assert.equal(result.kind, 'done');
    assert.equal(result.kind === 'done' && result.outcome.kind, 'invited');
    assert.equal(directory.invitations.length, 1);
    assert.ok(directory.members.has('guest-1'));
    assert.deepEqual((await audit.forGroup(GROUP)).map((e) => [e.action, e.outcome]), [['invite', 'invited']]);
  });

  it('turns a member invitation into a request under the approval policy, and sends nothing', async () => {
    const { deps, directory, audit, approvals } = setUp('approval');
    const result = await inviteAs(deps, team, MEMBER, alice, once);
    assert.equal(result.kind, 'requested');
    assert.equal(directory.invitations.length, 0);
    assert.equal((await approvals.openForGroup(GROUP)).length, 1);
    assert.deepEqual((await audit.forGroup(GROUP)).map((e) => [e.action, e.outcome]), [['request', 'requested']]);
  });

  it('refuses a member under the owners policy, audits the refusal and sends nothing', async () => {
    const { deps, directory, audit } = setUp('owners');
    const result = await inviteAs(deps, team, MEMBER, alice, once);
    assert.equal(result.kind === 'done' && result.outcome.refusal, 'callerNotOwner');
    assert.equal(directory.invitations.length, 0);
    assert.deepEqual((await audit.forGroup(GROUP)).map((e) => [e.action, e.reason]), [['refuse', 'callerNotOwner']]);
  });

  it('refuses guests and people outside the team under every policy', async () => {
    for (const policy of ['owners', 'members', 'approval'] as const) {
      for (const caller of [GUEST, OUTSIDER]) {
        const { deps, directory } = setUp(policy);
        const result = await inviteAs(deps, team, caller, alice, once);
        assert.equal(result.kind, 'done', `${caller.name} under ${policy}`);
        assert.equal(result.kind === 'done' && result.outcome.kind, 'refused', `${caller.name} under ${policy}`);
        assert.equal(directory.invitations.length, 0);
      }
    }
  });

  it('refuses a blocked domain even for a member whose invitation would have been a request', async () => {
    const { deps, approvals, directory } = setUp('approval', { blockedDomains: ['fabrikam.com'] });
    const result = await inviteAs(deps, team, MEMBER, alice, once);
    assert.equal(result.kind === 'done' && result.outcome.refusal, 'domainBlocked');
    assert.equal((await approvals.openForGroup(GROUP)).length, 0, 'no request an owner could approve by mistake');
    assert.equal(directory.invitations.length, 0);
  });

  it('answers field errors before looking anything up', async () => {
    const { deps, directory, audit } = setUp('owners');
    const result = await inviteAs(deps, team, OWNER, { email: 'not-an-address', displayName: 'X' }, once);
    assert.equal(result.kind, 'invalid');
    assert.ok(result.kind === 'invalid' && result.errors.email);
    assert.equal(directory.invitations.length, 0);
    assert.equal((await audit.forGroup(GROUP)).length, 0);
  });

  it('lets a member resend nothing under the approval policy: a resend is never a request', async () => {
    const { deps, approvals } = setUp('approval');
    const result = await inviteAs(deps, team, MEMBER, alice, { resend: true });
    assert.equal(result.kind === 'done' && result.outcome.refusal, 'callerNotOwner');
    assert.equal((await approvals.openForGroup(GROUP)).length, 0);
  });
});

describe('deciding a request (the domain use case)', () => {
  async function requested() {
    const env = setUp('approval');
    const result = await inviteAs(env.deps, team, MEMBER, alice, once);
    assert.equal(result.kind, 'requested');
    return { ...env, request: result.kind === 'requested' ? result.request : undefined! };
  }

  it("lets an owner approve once: one invitation, by the owner, the request's outcome stored", async () => {
    const { deps, directory, request, approvals } = await requested();
    const decided = await decideRequest(deps, team, OWNER, request.id, 'approved');
    assert.equal(decided.kind, 'decided');
    const after = await inviteApproved(deps, team, OWNER, decided.kind === 'decided' ? decided.request : request, {});
    assert.equal(after.outcome?.kind, 'invited');
    assert.equal(directory.invitations.length, 1);
    assert.equal(directory.invitations[0]!.sponsorId, OWNER.id, 'the approving owner sponsors the guest');
    assert.equal((await approvals.get(GROUP, request.id))?.outcome?.kind, 'invited');
    const again = await decideRequest(deps, team, OWNER, request.id, 'declined');
    assert.equal(again.kind, 'alreadyDecided', 'the first decision stands');
  });

  it("refuses a member's click whatever the request says, audits it and decides nothing", async () => {
    const { deps, request, approvals, audit } = await requested();
    const decided = await decideRequest(deps, team, MEMBER, request.id, 'approved');
    assert.equal(decided.kind, 'notOwner');
    assert.equal((await approvals.get(GROUP, request.id))?.status, 'open');
    assert.ok((await audit.forGroup(GROUP)).some((e) => e.action === 'refuse' && e.subject === request.id));
  });

  it("does not find a request from another team's channel, even for an owner there", async () => {
    const { deps, request } = await requested();
    assert.equal((await decideRequest(deps, { ...team, groupId: 'other-group' }, OWNER, request.id, 'approved')).kind, 'notFound');
    assert.equal((await decideRequest(deps, team, OWNER, 'no-such-request', 'approved')).kind, 'notFound');
  });
});
