// The guest lifecycle (issue 17): reviews with Keep and Remove, their one reminder, expiry when
// configured, and pending guests' reminder with Resend and Withdraw, at the bot's HTTP boundary
// against the sandbox tenant. Review periods are seconds' worth here (GUEST_REVIEW_DAYS=0.00001 is
// under a second); background work runs by hand (runOnce).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, MARKETING_GROUP, USERS, type TestUser, type Where } from '../support/activities';
import { actionTitles, cardOf, cardText, type SentActivity } from '../support/connector';
import { useHarness } from '../support/harness';
import type { InvitationRecord } from '../../src/domain/invitation/records';
import type { AuditEntry } from '../../src/domain/audit/audit';

const REVIEW_ENV = { GUEST_REVIEW_DAYS: '0.00001', GUEST_REVIEW_GRACE_DAYS: '0', PENDING_REMINDER_DAYS: '3650' };
const h = useHarness({ env: REVIEW_ENV });
const where: Where = {
  get serviceUrl() {
    return h.where.serviceUrl;
  },
};
beforeEach(() => {
  h.connector.clear();
});

/** A restart; the old process's background lease is treated as run out (it would be in two check periods). */
async function restart(env: Record<string, string>) {
  await h.restart(env);
  await h.app.store.delete('leases', 'background');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A review period (under a second) goes by, then a background cycle runs. */
async function afterReviewPeriod() {
  await sleep(1000);
  return h.app.background.runOnce();
}

async function invite(from: TestUser, email: string): Promise<SentActivity> {
  const reply = await h.say(from, `/invite ${email} Guest ${email.split('@')[0]}`);
  assert.match(cardText(cardOf(reply)), /invited/i, 'the guest was invited');
  return reply;
}

const teamMembers = () => h.sandbox.snapshot().groups.find((g) => g.id === MARKETING_GROUP)!.members;
const record = async (email: string) => (await h.app.store.get<InvitationRecord>('invitations', `${MARKETING_GROUP}|${email}`))?.value;
const auditOf = async (email: string) => (await h.app.store.list<AuditEntry>('audit', `${MARKETING_GROUP}|`)).map((d) => d.value).filter((e) => e.subject === email);

/** New cards the bot posted about this guest whose text matches. */
const postedCards = (email: string, title: RegExp) =>
  h.connector.sent.filter((a) => a.method === 'POST' && cardOf(a) && cardText(cardOf(a)).includes(email) && title.test(cardText(cardOf(a))));

const mentionedIds = (card: Record<string, unknown> | undefined) =>
  ((card?.msteams as { entities?: { mentioned: { id: string } }[] } | undefined)?.entities ?? []).map((e) => e.mentioned.id);
const refreshIds = (card: Record<string, unknown> | undefined) => ((card?.refresh as { userIds?: string[] } | undefined)?.userIds ?? []).slice().sort();

type Action = { verb?: string; title?: string; data: Record<string, unknown> };
const actionOf = (card: Record<string, unknown> | undefined, verb: string) => ((card?.actions ?? []) as Action[]).find((a) => a.verb === verb);

async function click(from: TestUser, verb: string, data: Record<string, unknown>, cardId: string) {
  const res = await h.post(cardAction(where, from, verb, data, cardId));
  assert.equal(res.status, 200);
  return res.body as { type: string; value: unknown };
}

/** Invites as `inviter`, lets the review fall due, and returns the review card's activity and the decider's own copy. */
async function reviewDue(inviter: TestUser, email: string, decider: TestUser = inviter) {
  await invite(inviter, email);
  const report = await afterReviewPeriod();
  assert.ok(report.reviewsDue >= 1);
  const [posted] = postedCards(email, /Guest review due/);
  assert.ok(posted, 'a review card was posted');
  const own = await h.connector.viewOf(posted.id, decider);
  assert.ok(own.refreshed, "the decider's client fetched their own copy");
  return { posted, shared: cardOf(posted)!, own: own.card! };
}

describe('a guest review that falls due', () => {
  it('posts a review card in the channel that @mentions the inviting owner and shows Keep and Remove to them alone', async () => {
    const { shared, own } = await reviewDue(USERS.alexOwner, 'rev1@fabrikam.com');
    assert.match(cardText(shared), /Should Guest rev1 \(rev1@fabrikam\.com\) stay in this team\?/);
    assert.deepEqual(mentionedIds(shared), [USERS.alexOwner.id], 'the inviter is @mentioned');
    assert.deepEqual(refreshIds(shared), [USERS.alexOwner.id], 'their client alone fetches the copy with the buttons');
    assert.deepEqual(actionTitles(shared), [], 'the channel copy has no buttons');
    assert.deepEqual(actionTitles(own), ['Keep for another period', 'Remove now']);
    assert.ok((await auditOf('rev1@fabrikam.com')).some((e) => e.action === 'review' && e.outcome === 'due'), 'the audit log says the review fell due');
  });

  it("goes to the team's owners when the inviter is not an owner", async () => {
    await restart({ ...REVIEW_ENV, INVITE_POLICY: 'members' });
    try {
      const { shared, own } = await reviewDue(USERS.adeleMember, 'rev2@fabrikam.com', USERS.meganOwner);
      assert.deepEqual(new Set(mentionedIds(shared)), new Set([USERS.alexOwner.id, USERS.meganOwner.id]));
      assert.deepEqual(refreshIds(shared), [USERS.alexOwner.id, USERS.meganOwner.id].sort());
      assert.ok(!refreshIds(shared).includes(USERS.adeleMember.id), 'the inviting member does not get the buttons');
      assert.deepEqual(actionTitles(own), ['Keep for another period', 'Remove now']);
    } finally {
      await restart(REVIEW_ENV);
    }
  });

  it('moves the review date by another period when an owner keeps the guest, and asks nothing until then', async () => {
    const { posted, own } = await reviewDue(USERS.alexOwner, 'rev3@fabrikam.com');
    const before = (await record('rev3@fabrikam.com'))!.review!.dueAt;
    const keep = actionOf(own, 'keepGuest')!;
    const answer = await click(USERS.alexOwner, 'keepGuest', keep.data, posted.id);
    assert.match(cardText(answer.value), /Alex Wilber kept Guest rev3/);
    const after = (await record('rev3@fabrikam.com'))!.review!;
    assert.ok(after.dueAt > before, 'the review date moved on');
    assert.equal(after.keptBy?.id, USERS.alexOwner.aadObjectId);
    const everyone = cardText(h.connector.sharedCard(posted.id));
    assert.match(everyone, /Guest kept/, 'the channel copy shows the decision');

    h.connector.clear();
    await h.app.background.runOnce();
    assert.equal(postedCards('rev3@fabrikam.com', /Guest review|Reminder/).length, 0, 'the kept guest is not asked about before the next date');
    assert.ok((await auditOf('rev3@fabrikam.com')).some((e) => e.action === 'keep' && e.actor.id === USERS.alexOwner.aadObjectId));
  });

  it("refuses a member's click and ignores forged card data: only an owner's click, checked now, decides", async () => {
    const { posted, own } = await reviewDue(USERS.alexOwner, 'rev4@fabrikam.com');
    const keep = actionOf(own, 'keepGuest')!;
    const forged = await click(USERS.adeleMember, 'removeGuest', { ...keep.data, role: 'owner', isOwner: true, deciderId: USERS.alexOwner.aadObjectId }, posted.id);
    assert.match(String(forged.value), /Only this team's owners/);
    const guest = await click(USERS.pattiGuest, 'keepGuest', keep.data, posted.id);
    assert.match(String(guest.value), /Only this team's owners/);
    assert.equal((await record('rev4@fabrikam.com'))!.review!.keptBy, undefined, 'nothing was decided');
    assert.equal((await record('rev4@fabrikam.com'))!.removal, undefined);
    const memberView = await h.connector.viewOf(posted.id, USERS.adeleMember);
    assert.equal(memberView.refreshed, false, "a member's client shows the channel copy, without buttons");
    assert.deepEqual(actionTitles(memberView.card), []);

    const stale = await click(USERS.alexOwner, 'keepGuest', { ...keep.data, dueAt: '2020-01-01T00:00:00.000Z' }, posted.id);
    assert.doesNotMatch(cardText(stale.value), /kept Guest rev4/, 'a card naming another review date decides nothing');
    assert.equal((await record('rev4@fabrikam.com'))!.review!.keptBy, undefined);
  });

  it('is decided once when two owners click at the same moment', async () => {
    const { posted, own } = await reviewDue(USERS.alexOwner, 'rev5@fabrikam.com');
    const keep = actionOf(own, 'keepGuest')!;
    await Promise.all([click(USERS.alexOwner, 'keepGuest', keep.data, posted.id), click(USERS.meganOwner, 'keepGuest', keep.data, posted.id)]);
    assert.equal((await auditOf('rev5@fabrikam.com')).filter((e) => e.action === 'keep').length, 1);
  });

  it("removes the guest from the team's membership when an owner picks Remove now, and audits who did", async () => {
    const { posted, own } = await reviewDue(USERS.alexOwner, 'rev9@fabrikam.com');
    const userId = (await record('rev9@fabrikam.com'))!.userId!;
    assert.ok(teamMembers().includes(userId), 'in the team before');
    const answer = await click(USERS.alexOwner, 'removeGuest', actionOf(own, 'removeGuest')!.data, posted.id);
    assert.match(cardText(answer.value), /Alex Wilber removed Guest rev9/);
    assert.ok(!teamMembers().includes(userId), 'out of the team in the sandbox');
    assert.equal((await record('rev9@fabrikam.com'))!.removal?.kind, 'removed');
    assert.ok((await auditOf('rev9@fabrikam.com')).some((e) => e.action === 'remove' && e.outcome === 'removed' && e.actor.id === USERS.alexOwner.aadObjectId));
    const again = await click(USERS.meganOwner, 'keepGuest', actionOf(own, 'keepGuest')!.data, posted.id);
    assert.match(cardText(again.value), /Guest removed/, 'a later click shows the decision and changes nothing');
  });

  it('removes an unanswered guest after the reminder only when GUEST_EXPIRE_UNREVIEWED=true, and says how to undo it', async () => {
    await restart({ ...REVIEW_ENV, GUEST_EXPIRE_UNREVIEWED: 'true' });
    try {
      await reviewDue(USERS.alexOwner, 'rev10@fabrikam.com');
      const userId = (await record('rev10@fabrikam.com'))!.userId!;
      await h.app.background.runOnce(); // the reminder
      assert.ok(teamMembers().includes(userId), 'still in the team after the reminder');
      const cycle = await h.app.background.runOnce(); // a grace period after the reminder
      assert.ok(cycle.expired >= 1);
      assert.ok(!teamMembers().includes(userId), 'removed from the team');
      const [notice] = postedCards('rev10@fabrikam.com', /Guest removed: review unanswered/);
      assert.ok(notice, 'a card says so');
      assert.match(cardText(cardOf(notice)), /invite them again: `@Guest Pass \/invite rev10@fabrikam\.com`/);
      assert.ok((await auditOf('rev10@fabrikam.com')).some((e) => e.action === 'expire'));
      await h.app.background.runOnce();
      assert.equal(postedCards('rev10@fabrikam.com', /Guest removed: review unanswered/).length, 1, 'once');
    } finally {
      await restart(REVIEW_ENV);
    }
  });

  it('sends one reminder after the grace period, and only one', async () => {
    await reviewDue(USERS.alexOwner, 'rev6@fabrikam.com');
    const second = await h.app.background.runOnce();
    assert.ok(second.reviewReminders >= 1);
    const reminders = postedCards('rev6@fabrikam.com', /Reminder: guest review still open/);
    assert.equal(reminders.length, 1);
    assert.deepEqual(mentionedIds(cardOf(reminders[0])), [USERS.alexOwner.id]);
    await h.app.background.runOnce();
    await h.app.background.runOnce();
    assert.equal(postedCards('rev6@fabrikam.com', /Reminder: guest review still open/).length, 1, 'still one reminder');
    assert.equal(postedCards('rev6@fabrikam.com', /Guest review due/).length, 1, 'and one review card');
    assert.equal((await record('rev6@fabrikam.com'))!.removal, undefined, 'without GUEST_EXPIRE_UNREVIEWED the guest stays');
    assert.ok(teamMembers().includes((await record('rev6@fabrikam.com'))!.userId!), 'in the team');
    assert.ok((await auditOf('rev6@fabrikam.com')).some((e) => e.action === 'remind' && e.outcome === 'review reminder'));
  });

  it('survives a restart: a review already posted is not posted again, and is still decided afterwards', async () => {
    const { posted, own } = await reviewDue(USERS.alexOwner, 'rev7@fabrikam.com');
    await restart(REVIEW_ENV);
    const cycle = await h.app.background.runOnce();
    assert.ok(cycle.ran);
    assert.equal(postedCards('rev7@fabrikam.com', /Guest review due/).length, 1, 'one review card across the restart');
    const answer = await click(USERS.alexOwner, 'keepGuest', actionOf(own, 'keepGuest')!.data, posted.id);
    assert.match(cardText(answer.value), /kept Guest rev7/);
  });
});

describe('npm run review-due', () => {
  it("brings a guest's review due in the running bot's DATA_DIR, and the next cycle posts the review card", async () => {
    await restart({ ...REVIEW_ENV, GUEST_REVIEW_DAYS: '3650' });
    try {
      await invite(USERS.alexOwner, 'rev11@fabrikam.com');
      await h.app.background.runOnce();
      assert.equal(postedCards('rev11@fabrikam.com', /Guest review due/).length, 0, 'not due for ten years');
      const script = path.join(__dirname, '../../scripts/review-due.ts');
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, 'rev11@fabrikam.com', '--data-dir', h.dataDir]);
      assert.match(stdout, /review due now/);
      await h.app.background.runOnce();
      assert.equal(postedCards('rev11@fabrikam.com', /Guest review due/).length, 1);
    } finally {
      await restart(REVIEW_ENV);
    }
  });
});

describe('/guests with reviews', () => {
  it("shows each guest's review date and state, and `/guests due` lists those waiting for a decision", async () => {
    await invite(USERS.alexOwner, 'rev8@fabrikam.com');
    const posted = await h.say(USERS.alexOwner, '/guests');
    const view = cardText((await h.connector.viewOf(posted.id, USERS.alexOwner)).card);
    assert.match(view, /rev8@fabrikam\.com.*; review (due )?\{\{DATE/);

    await afterReviewPeriod();
    const due = await h.say(USERS.alexOwner, '/guests due');
    const dueView = cardText((await h.connector.viewOf(due.id, USERS.alexOwner)).card);
    assert.match(dueView, /waiting for a review decision/);
    assert.match(dueView, /rev8@fabrikam\.com.*review due/);
  });
});

describe('a guest who has not accepted', () => {
  it('brings the inviter one card with Resend and Withdraw, which becomes the accepted card when they accept', async () => {
    await restart({ ...REVIEW_ENV, GUEST_REVIEW_DAYS: '3650', PENDING_REMINDER_DAYS: '0.00001' });
    try {
      await invite(USERS.alexOwner, 'pend1@fabrikam.com');
      await sleep(1000);
      const report = await h.app.background.runOnce();
      assert.ok(report.pendingReminders >= 1);
      const cards = postedCards('pend1@fabrikam.com', /has not accepted/);
      assert.equal(cards.length, 1);
      const card = cardOf(cards[0])!;
      assert.deepEqual(mentionedIds(card), [USERS.alexOwner.id]);
      assert.deepEqual(actionTitles(card), ['Resend', 'Withdraw']);
      await h.app.background.runOnce();
      assert.equal(postedCards('pend1@fabrikam.com', /has not accepted/).length, 1, 'once');
      assert.ok((await auditOf('pend1@fabrikam.com')).some((e) => e.action === 'remind' && e.outcome === 'pending reminder'));

      // Resend is the existing resend path: a confirmation, then a new invitation.
      const confirm = await click(USERS.alexOwner, 'confirmResend', actionOf(card, 'confirmResend')!.data, cards[0]!.id);
      assert.match(cardText(confirm.value), /resend|new invitation/i);

      h.sandbox.redeem('pend1@fabrikam.com');
      await h.app.background.runOnce();
      const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === cards[0]!.id);
      assert.match(cardText(cardOf(update)), /Accepted/, 'the reminder card updated itself');
    } finally {
      await restart(REVIEW_ENV);
    }
  });

  it('is taken out of the team when the inviter picks Withdraw', async () => {
    await restart({ ...REVIEW_ENV, GUEST_REVIEW_DAYS: '3650', PENDING_REMINDER_DAYS: '0.00001' });
    try {
      await invite(USERS.meganOwner, 'pend3@fabrikam.com');
      await sleep(1000);
      await h.app.background.runOnce();
      const [posted] = postedCards('pend3@fabrikam.com', /has not accepted/);
      const userId = (await record('pend3@fabrikam.com'))!.userId!;
      assert.ok(teamMembers().includes(userId));
      const answer = await click(USERS.meganOwner, 'withdrawGuest', { email: 'pend3@fabrikam.com' }, posted!.id);
      assert.match(cardText(answer.value), /Megan Bowen withdrew Guest pend3/);
      assert.ok(!teamMembers().includes(userId), 'out of the team in the sandbox');
      assert.ok((await auditOf('pend3@fabrikam.com')).some((e) => e.action === 'withdraw' && e.outcome === 'removed'));
      const twice = await click(USERS.meganOwner, 'withdrawGuest', { email: 'pend3@fabrikam.com' }, posted!.id);
      assert.match(String(twice.value), /nothing to withdraw/);
    } finally {
      await restart(REVIEW_ENV);
    }
  });

  it('refuses Withdraw from someone who is neither an owner nor the inviter', async () => {
    await restart({ ...REVIEW_ENV, GUEST_REVIEW_DAYS: '3650', PENDING_REMINDER_DAYS: '0.00001' });
    try {
      await invite(USERS.alexOwner, 'pend2@fabrikam.com');
      await sleep(1000);
      await h.app.background.runOnce();
      const [posted] = postedCards('pend2@fabrikam.com', /has not accepted/);
      const answer = await click(USERS.adeleMember, 'withdrawGuest', { email: 'pend2@fabrikam.com' }, posted!.id);
      assert.match(String(answer.value), /Only this team's owners, or whoever invited this guest/);
      assert.equal((await record('pend2@fabrikam.com'))!.removal, undefined);
    } finally {
      await restart(REVIEW_ENV);
    }
  });
});
