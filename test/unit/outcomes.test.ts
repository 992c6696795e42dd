// Outcome mapping: how Graph's answers are classified, and how the invitation use case turns them
// into the outcomes of PRODUCT.md sections 4 and 5. A small hand-written fake stands in for Graph.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toDirectoryError, isAlreadyMemberError } from '../../src/graph/graphErrors';
import { DirectoryError, type DirectoryUser, type GuestDirectory, type InvitationRequest } from '../../src/domain/directory';
import { inviteGuest } from '../../src/domain/invitation/invite';
import { type InviteDeps } from '../../src/domain/invitation/deps';
import { InvitationRecords } from '../../src/domain/invitation/records';
import { AuditLog } from '../../src/domain/audit/audit';
import { PendingAdds } from '../../src/domain/invitation/pendingAdds';
import { MemoryStore } from '../../src/store/memoryStore';
import { invitationLanguage } from '../../src/domain/invitation/language';

const graphError = (statusCode: number, code: string, message: string) => Object.assign(new Error(message), { statusCode, code, requestId: 'req-1' });

describe('classifying Graph errors', () => {
  const cases: [string, unknown, DirectoryError['kind']][] = [
    ['replication 404', graphError(404, 'Request_ResourceNotFound', "Resource 'x' does not exist"), 'notFound'],
    ['group forbids guests', graphError(403, 'Authorization_RequestDenied', 'Guests users are not allowed to join this Unified Group due to policy setting on the Unified Group.'), 'groupForbidsGuests'],
    ['B2B domain policy', graphError(400, 'BadRequest', 'The domain fabrikam.com does not allow collaboration with your organization.'), 'tenantBlocksDomain'],
    ['cross-tenant access', graphError(403, 'Forbidden', 'Invitation blocked by cross-tenant access settings.'), 'crossTenantBlocked'],
    ['anti-abuse', graphError(403, 'Forbidden', 'Invitations are blocked for this directory due to suspicious activity. Please contact support.'), 'suspiciousActivity'],
    ['invitations off', graphError(403, 'Forbidden', 'Guest invitations not allowed for your company.'), 'guestInvitationsDisabled'],
    ['throttled', graphError(429, 'TooManyRequests', 'slow down'), 'throttled'],
    ['busy', graphError(503, 'ServiceUnavailable', 'busy'), 'unavailable'],
    ['no answer', new TypeError('fetch failed'), 'unavailable'],
    ['missing permission', graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), 'missingPermission'],
    ['sign-in', Object.assign(new Error('AADSTS7000215'), { name: 'AuthenticationError' }), 'missingPermission'],
    ['other 400', graphError(400, 'BadRequest', 'Invalid request'), 'rejected'],
  ];
  for (const [name, error, kind] of cases) {
    it(`classifies ${name} as ${kind}`, () => {
      const e = toDirectoryError(error, 'User.Invite.All');
      assert.equal(e.kind, kind);
    });
  }

  it('keeps the request-id and names the permission the operation needs', () => {
    const e = toDirectoryError(graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), 'User.Invite.All');
    assert.equal(e.trace.requestId, 'req-1');
    assert.equal(e.trace.graphCode, 'Authorization_RequestDenied');
    assert.equal(e.permission, 'User.Invite.All');
  });

  it('recognises "already a member" only on a 400 with that message', () => {
    assert.ok(isAlreadyMemberError(graphError(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.")));
    assert.ok(!isAlreadyMemberError(graphError(400, 'Request_BadRequest', 'Invalid')));
  });
});

/** A fake directory: a few users, one group, and scripted failures. */
class FakeDirectory implements GuestDirectory {
  users: DirectoryUser[] = [{ id: 'm1', displayName: 'Member One', mail: 'm1@contoso.com', userPrincipalName: 'm1@contoso.com', userType: 'Member' }];
  members = new Set<string>();
  invitations: InvitationRequest[] = [];
  addFailures: DirectoryError[] = [];
  inviteFailure?: DirectoryError;

  async findUserByEmail(email: string) {
    return this.users.find((u) => u.mail === email);
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
    if (this.inviteFailure) throw this.inviteFailure;
    this.invitations.push(request);
    let user = this.users.find((u) => u.mail === request.email);
    if (!user) {
      user = { id: `g${this.users.length}`, displayName: request.displayName, mail: request.email, userPrincipalName: `${request.email.replace('@', '_')}#EXT#@contoso.onmicrosoft.com`, userType: 'Guest', externalUserState: 'PendingAcceptance' };
      this.users.push(user);
    }
    return { invitationId: `inv${this.invitations.length}`, userId: user.id, redeemUrl: `https://redeem/${this.invitations.length}` };
  }
  async addGroupMember(_groupId: string, userId: string) {
    const failure = this.addFailures.shift();
    if (failure) throw failure;
    if (this.members.has(userId)) return 'alreadyMember' as const;
    this.members.add(userId);
    return 'added' as const;
  }
  async removeTeamMember(_groupId: string, userId: string) {
    return this.members.delete(userId) ? ('removed' as const) : ('notMember' as const);
  }
  async groupOwnerIds() {
    return ['owner'];
  }
  async isGroupMember(_g: string, userId: string) {
    return this.members.has(userId);
  }
}

function deps(directory: FakeDirectory, rules: Partial<InviteDeps['rules']> = {}): InviteDeps & { slept: number[] } {
  const store = new MemoryStore();
  const slept: number[] = [];
  return {
    directory,
    records: new InvitationRecords(store),
    pendingAdds: new PendingAdds(store),
    audit: new AuditLog(store),
    rules: { allowedDomains: [], blockedDomains: [], ...rules },
    memberAddBackoffMs: [10, 20],
    sleep: async (ms) => void slept.push(ms),
    now: () => new Date('2026-11-22T10:00:00Z'),
    slept,
  };
}

const team = { groupId: 'g', teamId: 't', deepLink: 'https://teams.microsoft.com/l/team/t' };
const owner = { id: 'owner', name: 'Owner' };
const invite = (email: string, extra = {}) => ({ email, displayName: 'Guest', sendEmail: true, ...extra });

describe('the invitation use case', () => {
  it('invites a new guest, with the owner as sponsor and the team as redirect, and adds them', async () => {
    const dir = new FakeDirectory();
    const outcome = await inviteGuest(deps(dir), team, owner, invite('new@fabrikam.com', { message: 'hi', locale: 'fr-FR' }));
    assert.equal(outcome.kind, 'invited');
    assert.equal(outcome.redeemUrl, 'https://redeem/1');
    assert.deepEqual(dir.invitations[0], { email: 'new@fabrikam.com', displayName: 'Guest', redirectUrl: team.deepLink, sendEmail: true, message: 'hi', messageLanguage: 'fr-FR', sponsorId: 'owner' });
    assert.ok(dir.members.has(outcome.userId!));
  });

  it('uses the configured redirect instead of the team link', async () => {
    const dir = new FakeDirectory();
    await inviteGuest(deps(dir, { redirectUrl: 'https://contoso.com/welcome' }), team, owner, invite('r@fabrikam.com'));
    assert.equal(dir.invitations[0]!.redirectUrl, 'https://contoso.com/welcome');
  });

  it('retries the add with backoff while the new guest replicates', async () => {
    const dir = new FakeDirectory();
    dir.addFailures = [new DirectoryError('notFound', '404')];
    const d = deps(dir);
    assert.equal((await inviteGuest(d, team, owner, invite('lag@fabrikam.com'))).kind, 'invited');
    assert.deepEqual(d.slept, [10]);
  });

  it('stores a pending add when replication outlasts the backoff', async () => {
    const dir = new FakeDirectory();
    dir.addFailures = [1, 2, 3].map(() => new DirectoryError('notFound', '404'));
    const d = deps(dir);
    assert.equal((await inviteGuest(d, team, owner, invite('slow@fabrikam.com'))).kind, 'pendingAdd');
    assert.equal((await d.pendingAdds.all()).length, 1);
  });

  it('does not retry a 404 for someone who already existed', async () => {
    const dir = new FakeDirectory();
    dir.addFailures = [new DirectoryError('notFound', '404')];
    const d = deps(dir);
    const outcome = await inviteGuest(d, team, owner, invite('m1@contoso.com'));
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.failure, 'userNotFound');
    assert.deepEqual(d.slept, []);
  });

  it('refuses blocked and not-allowed domains before any directory call', async () => {
    const dir = new FakeDirectory();
    const d = deps(dir, { blockedDomains: ['*.evil.com'], allowedDomains: ['fabrikam.com', 'x.evil.com'] });
    assert.equal((await inviteGuest(d, team, owner, invite('a@x.evil.com'))).refusal, 'domainBlocked');
    assert.equal((await inviteGuest(d, team, owner, invite('a@tailspin.com'))).refusal, 'domainNotAllowed');
    assert.equal(dir.invitations.length, 0);
  });

  it('keeps the invitation on the outcome when the add is refused afterwards', async () => {
    const dir = new FakeDirectory();
    dir.addFailures = [new DirectoryError('groupForbidsGuests', 'no guests', { requestId: 'r9' })];
    const outcome = await inviteGuest(deps(dir), team, owner, invite('g@fabrikam.com'));
    assert.equal(outcome.kind, 'refused');
    assert.equal(outcome.refusal, 'groupForbidsGuests');
    assert.ok(outcome.userId);
    assert.equal(outcome.trace?.requestId, 'r9');
  });

  it('maps invitation failures to refusals or failures with the domain and permission', async () => {
    const dir = new FakeDirectory();
    dir.inviteFailure = new DirectoryError('tenantBlocksDomain', 'no');
    assert.deepEqual((({ kind, refusal, detail }) => ({ kind, refusal, detail }))(await inviteGuest(deps(dir), team, owner, invite('a@tailspin.com'))), { kind: 'refused', refusal: 'tenantBlocksDomain', detail: 'tailspin.com' });
    dir.inviteFailure = new DirectoryError('missingPermission', 'no', {}, 'User.Invite.All');
    const failed = await inviteGuest(deps(dir), team, owner, invite('b@tailspin.com'));
    assert.equal(failed.failure, 'missingPermission');
    assert.equal(failed.detail, 'User.Invite.All');
  });

  it('records the invitation and audits every outcome', async () => {
    const dir = new FakeDirectory();
    const d = deps(dir);
    await inviteGuest(d, team, owner, invite('rec@fabrikam.com'));
    const record = await d.records.get('g', 'rec@fabrikam.com');
    assert.equal(record?.outcome, 'invited');
    assert.equal(record?.invitedBy.id, 'owner');
    assert.equal(record?.inGroup, true);
    const log = await d.audit.forGroup('g');
    assert.deepEqual(log.map((e) => [e.action, e.subject, e.outcome]), [['invite', 'rec@fabrikam.com', 'invited']]);
  });
});

describe('the invitation email language', () => {
  it("follows the user's Teams locale where Microsoft has one", () => {
    assert.equal(invitationLanguage('fr-FR'), 'fr-FR');
    assert.equal(invitationLanguage('de-de'), 'de-DE');
    assert.equal(invitationLanguage('ja'), 'ja');
    assert.equal(invitationLanguage('xx-YY'), undefined);
    assert.equal(invitationLanguage('not a locale'), undefined);
    assert.equal(invitationLanguage(undefined), undefined);
  });
});
