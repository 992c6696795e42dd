// The guest lifecycle's domain (src/domain/lifecycle.ts) on an in-memory store with a fake
// directory removal and notifier: each step happens once, however many cycles overlap, and a
// removal Graph refuses leaves the guest as they were, to be tried again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog } from '../../src/domain/audit/audit';
import { InvitationRecords, type InvitationRecord } from '../../src/domain/invitation/records';
import { type CardRef } from '../../src/domain/team';
import { GuestLifecycle, reviewStateOf, type LifecycleNotifier, type LifecycleReport, type MemberRemoval } from '../../src/domain/lifecycle/lifecycle';
import { MemoryStore } from '../../src/store/memoryStore';

const GROUP = 'g1';
const OWNER = { id: 'owner-1', name: 'Alex' };
const MEMBER = { id: 'member-1', name: 'Adele' };

class FakeRemoval implements MemberRemoval {
  calls: string[] = [];
  fail = false;
  async removeTeamMember(groupId: string, userId: string): Promise<'removed' | 'notMember'> {
    this.calls.push(`${groupId}|${userId}`);
    if (this.fail) throw new Error('Graph is down');
    return 'removed';
  }
}

class FakeNotifier implements LifecycleNotifier {
  posted: { kind: string; email: string; to: string[] }[] = [];
  async reviewDue(record: InvitationRecord, deciders: string[], reminder: boolean): Promise<CardRef> {
    this.posted.push({ kind: reminder ? 'reminder' : 'review', email: record.email, to: deciders });
    return { reference: {}, activityId: `a${this.posted.length}` };
  }
  async reviewDecided(): Promise<void> {}
  async guestExpired(record: InvitationRecord): Promise<void> {
    this.posted.push({ kind: 'expired', email: record.email, to: [] });
  }
  async pendingReminder(record: InvitationRecord, recipients: string[]): Promise<CardRef> {
    this.posted.push({ kind: 'pending', email: record.email, to: recipients });
    return { reference: {}, activityId: `p${this.posted.length}` };
  }
}

const report = (): LifecycleReport => ({ reviewsDue: 0, reviewReminders: 0, expired: 0, pendingReminders: 0 });

async function setUp(options: { expire?: boolean; invitedBy?: { id: string; name: string }; owners?: string[] } = {}) {
  const store = new MemoryStore();
  const records = new InvitationRecords(store);
  const remover = new FakeRemoval();
  const notifier = new FakeNotifier();
  const lifecycle = new GuestLifecycle({
    records,
    remover,
    audit: new AuditLog(store),
    freshOwnerIds: async () => options.owners ?? [OWNER.id, 'owner-2'],
    notifier,
    times: { reviewMs: 1000, graceMs: 0, expireUnreviewed: options.expire ?? false, pendingReminderMs: 1000 },
    now: () => new Date(),
  });
  const at = new Date(Date.now() - 5000).toISOString();
  await records.save({
    groupId: GROUP,
    teamId: 't1',
    email: 'sam@fabrikam.com',
    displayName: 'Sam',
    userId: 'u-sam',
    invitationId: 'inv-1',
    invitedBy: options.invitedBy ?? OWNER,
    createdAt: at,
    updatedAt: at,
    outcome: 'invited',
    state: 'PendingAcceptance',
    inGroup: true,
  });
  return { records, remover, notifier, lifecycle };
}

describe('guest reviews in the domain', () => {
  it('posts one review card, one reminder and nothing more, however many cycles overlap', async () => {
    const { lifecycle, notifier } = await setUp();
    await Promise.all([lifecycle.runReviews(report()), lifecycle.runReviews(report()), lifecycle.runReviews(report())]);
    assert.deepEqual(notifier.posted.map((p) => p.kind), ['review']);
    await Promise.all([lifecycle.runReviews(report()), lifecycle.runReviews(report())]);
    await lifecycle.runReviews(report());
    assert.deepEqual(notifier.posted.map((p) => p.kind), ['review', 'reminder']);
  });

  it("asks the inviter while they are an owner, and the team's owners otherwise", async () => {
    const asOwner = await setUp();
    await asOwner.lifecycle.runReviews(report());
    assert.deepEqual(asOwner.notifier.posted[0]!.to, [OWNER.id]);
    const asMember = await setUp({ invitedBy: MEMBER });
    await asMember.lifecycle.runReviews(report());
    assert.deepEqual(asMember.notifier.posted[0]!.to, [OWNER.id, 'owner-2']);
  });

  it('expires an unanswered guest once, and only when expiry is on', async () => {
    const off = await setUp();
    for (let i = 0; i < 4; i++) await off.lifecycle.runReviews(report());
    assert.equal(off.remover.calls.length, 0);
    const on = await setUp({ expire: true });
    for (let i = 0; i < 3; i++) await on.lifecycle.runReviews(report());
    await Promise.all([on.lifecycle.runReviews(report()), on.lifecycle.runReviews(report())]);
    assert.deepEqual(on.remover.calls, ['g1|u-sam']);
    assert.equal((await on.records.get(GROUP, 'sam@fabrikam.com'))!.removal?.kind, 'expired');
  });

  it('decides a review once: Keep moves the date on, a second decision finds it decided', async () => {
    const { lifecycle, records } = await setUp();
    await lifecycle.runReviews(report());
    const dueAt = (await records.get(GROUP, 'sam@fabrikam.com'))!.review!.dueAt;
    const [a, b] = await Promise.all([lifecycle.decide(GROUP, 'sam@fabrikam.com', dueAt, OWNER, 'keep'), lifecycle.decide(GROUP, 'sam@fabrikam.com', dueAt, OWNER, 'remove')]);
    assert.deepEqual([a.kind, b.kind].sort(), ['alreadyDecided', 'decided']);
    const r = (await records.get(GROUP, 'sam@fabrikam.com'))!;
    assert.equal(reviewStateOf(r, 1000, new Date()) === 'scheduled' || r.removal?.kind === 'removed', true);
  });

  it('leaves the guest in the team, and the review open, when Graph refuses the removal', async () => {
    const { lifecycle, records, remover } = await setUp();
    await lifecycle.runReviews(report());
    const dueAt = (await records.get(GROUP, 'sam@fabrikam.com'))!.review!.dueAt;
    remover.fail = true;
    assert.equal((await lifecycle.decide(GROUP, 'sam@fabrikam.com', dueAt, OWNER, 'remove')).kind, 'failed');
    const r = (await records.get(GROUP, 'sam@fabrikam.com'))!;
    assert.equal(r.inGroup, true);
    assert.equal(r.removal, undefined);
    remover.fail = false;
    assert.equal((await lifecycle.decide(GROUP, 'sam@fabrikam.com', dueAt, OWNER, 'remove')).kind, 'decided');
  });

  it('sends a pending guest one reminder for the inviter, kept among the record cards', async () => {
    const { lifecycle, notifier, records } = await setUp();
    await Promise.all([lifecycle.runPendingReminders(report()), lifecycle.runPendingReminders(report())]);
    await lifecycle.runPendingReminders(report());
    assert.deepEqual(notifier.posted, [{ kind: 'pending', email: 'sam@fabrikam.com', to: [OWNER.id] }]);
    assert.equal((await records.get(GROUP, 'sam@fabrikam.com'))!.cards?.length, 1);
  });
});
