// Exactly once, whatever Graph does (PRODUCT.md section 6): the invitation use case under its
// claim, against a hand-written directory that performs an effect and then fails, hangs or lags,
// and a store that fails writes. No Graph, no HTTP: the domain alone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DirectoryError, type DirectoryUser, type GuestDirectory, type InvitationRequest } from '../../src/domain/directory';
import { inviteGuest, runClaimed } from '../../src/domain/invitation/invite';
import { type InviteDeps } from '../../src/domain/invitation/deps';
import { InvitationRecords } from '../../src/domain/invitation/records';
import { InviteIntents } from '../../src/domain/invitation/intents';
import { AuditLog } from '../../src/domain/audit/audit';
import { PendingAdds } from '../../src/domain/invitation/pendingAdds';
import type { DocumentStore } from '../../src/domain/store';
import { MemoryStore } from '../../src/store/memoryStore';
import { FailingWrites } from '../support/failingStore';

const ambiguous = () => new DirectoryError('unavailable', 'x', {}, undefined, true);
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A directory whose invitation can take effect and then fail, hang, or take effect late. */
class ScriptedDirectory implements GuestDirectory {
  users: DirectoryUser[] = [];
  members = new Set<string>();
  /** Every POST /invitations, answered or not. */
  calls: InvitationRequest[] = [];
  /** What the next invitations do, in order: 'ok', 'effectThenAmbiguous', 'ambiguousNoEffect'. */
  script: ('ok' | 'effectThenAmbiguous' | 'ambiguousNoEffect')[] = [];
  inviteDelayMs = 0;
  addFailures: DirectoryError[] = [];

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
  createGuest(email: string, displayName = email): DirectoryUser {
    let user = this.users.find((u) => u.mail === email);
    if (!user) {
      user = { id: `u${this.users.length + 1}`, displayName, mail: email, userPrincipalName: `${email.replace('@', '_')}#EXT#@contoso.onmicrosoft.com`, userType: 'Guest', externalUserState: 'PendingAcceptance' };
      this.users.push(user);
    }
    return user;
  }
  async invite(request: InvitationRequest) {
    this.calls.push(request);
    const step = this.script.shift() ?? 'ok';
    if (this.inviteDelayMs) await pause(this.inviteDelayMs);
    if (step === 'ambiguousNoEffect') throw ambiguous();
    const user = this.createGuest(request.email, request.displayName);
    if (step === 'effectThenAmbiguous') throw ambiguous();
    return { invitationId: `inv${this.calls.length}`, userId: user.id, redeemUrl: `https://redeem/${this.calls.length}` };
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
  emailsTo(email: string) {
    return this.calls.filter((c) => c.email === email && c.sendEmail).length;
  }
}


function setUp(directory: ScriptedDirectory, options: { leaseMs?: number; store?: DocumentStore } = {}) {
  const store = options.store ?? new MemoryStore();
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const intents = new InviteIntents(store, now, options.leaseMs ?? 60_000);
  const deps: InviteDeps = {
    directory,
    records: new InvitationRecords(store),
    pendingAdds: new PendingAdds(store, now),
    audit: new AuditLog(store),
    intents,
    rules: { allowedDomains: [], blockedDomains: [] },
    memberAddBackoffMs: [1, 1],
    lookupRetryMs: [1, 1],
    storeRetryMs: [1, 1, 1],
    duplicateWaitMs: 5_000,
    sleep: pause,
    now,
  };
  /** Past every lease: what background work sees after the holder died. */
  const later = (ms: number) => void (offsetMs += ms);
  /** Background recovery of every expired claim. */
  const recover = async () => {
    const outcomes = [];
    for (const intent of await intents.expired()) {
      const claim = await intents.takeOverExpired(intent);
      if (claim) outcomes.push(await runClaimed(deps, claim));
    }
    return outcomes;
  };
  return { deps, intents, store, later, recover };
}

const team = { groupId: 'g', teamId: 't', deepLink: 'https://teams.microsoft.com/l/team/t' };
const owner = { id: 'owner', name: 'Owner' };
const invite = (email: string, extra = {}) => ({ email, displayName: 'Guest', sendEmail: true, ...extra });

describe('one invitation per team and address at a time', () => {
  it('sends one invitation when the same address is invited five times at once, and all five get its result', async () => {
    const dir = new ScriptedDirectory();
    dir.inviteDelayMs = 100;
    const { deps } = setUp(dir);
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => inviteGuest(deps, team, owner, invite('five@fabrikam.com'))));
    assert.equal(dir.calls.length, 1);
    assert.deepEqual(new Set(outcomes.map((o) => o.kind)), new Set(['invited']));
  });

  it('answers a second click on the same card with the first click’s result, without a second invitation', async () => {
    const dir = new ScriptedDirectory();
    const { deps } = setUp(dir);
    const first = await inviteGuest(deps, team, owner, invite('click@fabrikam.com', { origin: 'card-1' }));
    const second = await inviteGuest(deps, team, owner, invite('click@fabrikam.com', { origin: 'card-1' }));
    assert.equal(dir.calls.length, 1);
    assert.equal(second.kind, 'invited');
    assert.equal(second.redeemUrl, first.redeemUrl);
  });

  it('treats a later request from elsewhere as new: the guest is found and added, not invited again', async () => {
    const dir = new ScriptedDirectory();
    const { deps } = setUp(dir);
    await inviteGuest(deps, team, owner, invite('again@fabrikam.com', { origin: 'card-1' }));
    const later = await inviteGuest(deps, team, owner, invite('again@fabrikam.com'));
    assert.equal(later.kind, 'alreadyInTeam');
    assert.equal(dir.calls.length, 1);
  });

  it('keeps the claim while a slow invitation outlasts its lease, so recovery does not take it over', async () => {
    const dir = new ScriptedDirectory();
    dir.inviteDelayMs = 600;
    const { deps, intents, recover } = setUp(dir, { leaseMs: 150 });
    const running = inviteGuest(deps, team, owner, invite('slow@fabrikam.com'));
    await pause(400);
    assert.deepEqual(await intents.expired(), [], 'the holder renews its lease while it waits');
    assert.deepEqual(await recover(), []);
    assert.equal((await running).kind, 'invited');
    assert.equal(dir.calls.length, 1);
  });
});

describe('an ambiguous answer is resolved, not repeated', () => {
  it('finds the guest an ambiguous invitation created, adds them, and gets a new link without a second e-mail', async () => {
    const dir = new ScriptedDirectory();
    dir.script = ['effectThenAmbiguous'];
    const { deps } = setUp(dir);
    const outcome = await inviteGuest(deps, team, owner, invite('amb@fabrikam.com'));
    assert.equal(outcome.kind, 'invited');
    assert.equal(dir.emailsTo('amb@fabrikam.com'), 1, 'one invitation e-mail');
    assert.equal(dir.calls[1]?.sendEmail, false, 'the new link is asked for without an e-mail');
    assert.equal(outcome.redeemUrl, 'https://redeem/2');
    assert.ok(dir.members.has(outcome.userId!));
    assert.equal((await deps.records.get('g', 'amb@fabrikam.com'))?.inGroup, true);
  });

  it('says it failed when no guest exists after an ambiguous answer, sends nothing again, and lets background work close it', async () => {
    const dir = new ScriptedDirectory();
    dir.script = ['ambiguousNoEffect'];
    const { deps, later, recover } = setUp(dir);
    const outcome = await inviteGuest(deps, team, owner, invite('gone@fabrikam.com'));
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.failure, 'notConfirmed');
    assert.equal((await inviteGuest(deps, team, owner, invite('gone@fabrikam.com'))).kind, 'inProgress', 'a new request waits for the check');
    later(61_000);
    const [closed] = await recover();
    assert.equal(closed?.kind, 'failed');
    assert.equal(dir.calls.length, 1, 'never sent again');
    assert.deepEqual(await deps.intents!.expired(), []);
  });

  it('finishes an unconfirmed invitation in the background when the guest shows up after all', async () => {
    const dir = new ScriptedDirectory();
    dir.script = ['ambiguousNoEffect'];
    const { deps, later, recover } = setUp(dir);
    await inviteGuest(deps, team, owner, invite('late@fabrikam.com'));
    dir.createGuest('late@fabrikam.com');
    later(61_000);
    const [finished] = await recover();
    assert.equal(finished?.kind, 'invited');
    assert.ok(dir.members.has(finished.userId!));
    assert.equal(dir.emailsTo('late@fabrikam.com'), 1);
  });

  it('recovers a resend interrupted after it was sent without sending its e-mail again', async () => {
    const dir = new ScriptedDirectory();
    const { deps, store, recover } = setUp(dir);
    await inviteGuest(deps, team, owner, invite('re@fabrikam.com'));
    // What a process killed during the resend's POST leaves behind: the phase, an expired lease.
    await store.put('inviteIntents', 'g|re@fabrikam.com', {
      id: 'i1',
      team,
      caller: owner,
      request: invite('re@fabrikam.com', { resend: true }),
      startedAt: new Date(Date.now() - 120_000).toISOString(),
      phase: 'inviting',
      existed: true,
      holder: 'dead',
      leaseUntil: new Date(Date.now() - 60_000).toISOString(),
    });
    const [recovered] = await recover();
    assert.equal(recovered?.kind, 'reinvited');
    assert.equal(dir.emailsTo('re@fabrikam.com'), 1, 'the first invitation only: the resend is not sent again');
    assert.equal(dir.calls.at(-1)?.sendEmail, false, 'a new link, without an e-mail');
    assert.deepEqual(await store.list('inviteIntents'), []);
  });

  it('stores the phase before the invitation is sent', async () => {
    const dir = new ScriptedDirectory();
    dir.inviteDelayMs = 200;
    const { deps, intents } = setUp(dir);
    const running = inviteGuest(deps, team, owner, invite('phase@fabrikam.com'));
    await pause(100);
    assert.equal((await intents.get('g', 'phase@fabrikam.com'))?.phase, 'inviting');
    await running;
  });
});

describe('a group add that fails after the invitation', () => {
  for (const [name, error] of [
    ['a 500 for a minute', new DirectoryError('unavailable', '500', { status: 500 }, undefined, true)],
    ['throttling', new DirectoryError('throttled', '429', { status: 429 })],
    ['replication lag', new DirectoryError('notFound', '404', { status: 404 })],
  ] as const) {
    it(`becomes stored pending work after ${name}`, async () => {
      const dir = new ScriptedDirectory();
      dir.addFailures = [error, error, error];
      const { deps } = setUp(dir);
      const outcome = await inviteGuest(deps, team, owner, invite('add@fabrikam.com'));
      assert.equal(outcome.kind, 'pendingAdd');
      const [pending] = await deps.pendingAdds.all();
      assert.equal(pending?.doneKind, 'invited');
      assert.equal((await deps.records.get('g', 'add@fabrikam.com'))?.inGroup, false);
    });
  }
});

describe('a store write that fails after Graph succeeded', () => {
  it('is retried, and the invitation is recorded and audited once', async () => {
    const dir = new ScriptedDirectory();
    const store = new FailingWrites(new MemoryStore(), ['invitations', 'audit']);
    const { deps } = setUp(dir, { store });
    store.failures = 2;
    const outcome = await inviteGuest(deps, team, owner, invite('w@fabrikam.com'));
    assert.equal(outcome.kind, 'invited');
    assert.equal((await deps.records.get('g', 'w@fabrikam.com'))?.invitationId, outcome.invitationId);
    assert.equal((await deps.audit.forGroup('g')).length, 1);
  });

  it('stays in the claim when it keeps failing, and background work records it later', async () => {
    const dir = new ScriptedDirectory();
    const store = new FailingWrites(new MemoryStore(), ['invitations', 'audit']);
    const { deps, later, recover } = setUp(dir, { store });
    store.failures = 100;
    const outcome = await inviteGuest(deps, team, owner, invite('down@fabrikam.com'));
    assert.equal(outcome.kind, 'invited', 'the card still says what happened');
    assert.equal(await deps.records.get('g', 'down@fabrikam.com'), undefined);
    store.failures = 0;
    later(61_000);
    await recover();
    const record = await deps.records.get('g', 'down@fabrikam.com');
    assert.equal(record?.invitationId, outcome.invitationId);
    assert.deepEqual((await deps.audit.forGroup('g')).map((e) => [e.action, e.outcome, e.invitationId]), [['invite', 'invited', outcome.invitationId]]);
    assert.equal(dir.calls.length, 1);
  });
});
