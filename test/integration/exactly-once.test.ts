// Exactly once, whatever Graph does (PRODUCT.md section 6; issue 11), at the bot's HTTP boundary:
// Teams-shaped activities to /api/messages, Graph in the sandbox tenant, and the faults the
// sandbox cannot make (an effect followed by an ambiguous answer, a hang) at the directory port.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, mentionMessage, MARKETING_GROUP, USERS, type Where } from '../support/activities';
import { cardOf, cardText } from '../support/connector';
import { useHarness } from '../support/harness';
import { withFaults, type DirectoryFaults } from '../support/faultyDirectory';
import { FailingWrites } from '../support/failingStore';
import { MemoryStore } from '../../src/store/memoryStore';

const faults: DirectoryFaults = {};
const store = new FailingWrites(new MemoryStore(), ['invitations', 'audit']);
const DEADLINE_MS = 1500;
const h = useHarness({
  overrides: {
    wrapDirectory: (directory) => withFaults(directory, faults),
    store,
    messageDeadlineMs: DEADLINE_MS,
    invokeDeadlineMs: DEADLINE_MS,
    claimLeaseMs: 300,
    lookupRetryMs: [50, 100],
    storeRetryMs: [10, 20, 30],
  },
});
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };

const reset = () => {
  for (const key of Object.keys(faults)) delete faults[key as keyof DirectoryFaults];
  store.failures = 0;
};
const invitationPosts = (email: string) =>
  h.sandbox.requests().filter((r) => r.method === 'POST' && r.path === '/v1.0/invitations' && (r.body as { invitedUserEmailAddress?: string })?.invitedUserEmailAddress === email);
const emailsTo = (email: string) => h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === email && i.sendInvitationMessage).length;
const members = () => h.sandbox.snapshot().groups.find((g) => g.id === MARKETING_GROUP)!.members;
const userId = (mail: string) => h.sandbox.snapshot().users.find((u) => u.mail === mail)?.id;
/** Whether the card's title is this outcome ("Invited", "In progress", ...), not merely a fact such as "Invited by". */
const titled = (card: unknown, title: string) => cardText(card).split('\n').includes(title);
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('one invitation per team and address at a time', () => {
  it('sends one invitation when the same address is sent five times at once', async () => {
    reset();
    const activities = [1, 2, 3, 4, 5].map(() => mentionMessage(where, USERS.alexOwner, '/invite five@fabrikam.com'));
    const answers = await Promise.all(activities.map((a) => h.post(a)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
    assert.equal(invitationPosts('five@fabrikam.com').length, 1);
    assert.equal(emailsTo('five@fabrikam.com'), 1);
  });

  it('sends one invitation for a double-clicked invite card, and both clicks show its result', async () => {
    reset();
    const click = () => h.post(cardAction(where, USERS.alexOwner, 'invite', { email: 'dbl@fabrikam.com', displayName: 'Dee' }, 'card-double'));
    const [a, b] = await Promise.all([click(), click()]);
    assert.equal(invitationPosts('dbl@fabrikam.com').length, 1);
    for (const answer of [a, b]) assert.ok(titled((answer.body as { value: unknown }).value, 'Invited'));
  });
});

describe('an ambiguous answer from Graph', () => {
  it('adds and records a guest whose invitation Graph created before answering 504, with one e-mail', async () => {
    reset();
    faults.afterInvite = 'ambiguous';
    faults.afterInviteTimes = 1;
    const reply = await h.say(USERS.alexOwner, '/invite amb@fabrikam.com Amber');
    assert.ok(titled(cardOf(reply), 'Invited'));
    assert.equal(emailsTo('amb@fabrikam.com'), 1, 'one invitation e-mail');
    assert.ok(members().includes(userId('amb@fabrikam.com')!), 'in the team');
    const status = await h.say(USERS.alexOwner, '/status amb@fabrikam.com');
    assert.match(status.activity.text ?? '', /Invited through Guest Pass/);
  });
});

describe('a team add that fails after the invitation', () => {
  it('becomes pending work when Graph answers 500 for a while, and the card says Invited once the add is done', async () => {
    reset();
    h.sandbox.addFault({ method: 'POST', path: `/teams/${MARKETING_GROUP}/members`, status: 500, times: 4 });
    const reply = await h.say(USERS.alexOwner, '/invite busy@fabrikam.com');
    assert.match(cardText(cardOf(reply)), /Pending add/);
    assert.ok(!members().includes(userId('busy@fabrikam.com')!));
    const report = await h.app.background.runOnce();
    assert.equal(report.addsCompleted, 1);
    assert.ok(members().includes(userId('busy@fabrikam.com')!));
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === reply.id);
    assert.ok(titled(cardOf(update), 'Invited'));
    assert.equal(emailsTo('busy@fabrikam.com'), 1);
  });
});

describe('deadlines when Graph hangs', () => {
  it('answers a message turn by its deadline with a working card, then updates the card with the result', async () => {
    reset();
    faults.lookupDelayMs = 5000;
    const activity = mentionMessage(where, USERS.alexOwner, '/invite hang@fabrikam.com');
    const started = Date.now();
    const answer = await h.post(activity);
    const elapsed = Date.now() - started;
    assert.equal(answer.status, 200);
    assert.ok(elapsed < DEADLINE_MS + 2500, `answered after ${elapsed} ms, before Graph (5 s)`);
    const working = await h.connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id);
    assert.match(cardText(cardOf(working)), /under way/);
    faults.lookupDelayMs = 0;
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === working.id && titled(cardOf(a), 'Invited'), 20_000);
    assert.match(cardText(cardOf(update)), /hang@fabrikam\.com/);
  });

  it('answers a card action by its deadline with a working card, then updates the clicked card with the result', async () => {
    reset();
    faults.lookupDelayMs = 5000;
    const started = Date.now();
    const answer = await h.post(cardAction(where, USERS.alexOwner, 'invite', { email: 'slowcard@fabrikam.com' }, 'card-slow'));
    const elapsed = Date.now() - started;
    assert.ok(elapsed < DEADLINE_MS + 2500, `answered after ${elapsed} ms, before Graph (5 s)`);
    assert.match(cardText((answer.body as { value: unknown }).value), /under way/);
    faults.lookupDelayMs = 0;
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === 'card-slow' && titled(cardOf(a), 'Invited'), 20_000);
    assert.match(cardText(cardOf(update)), /slowcard@fabrikam\.com/);
  });

  it('answers an approval click by its deadline with the approval under way, then updates the card with the invitation', async () => {
    reset();
    const request = await h.say(USERS.adeleMember, '/invite slowapproval@fabrikam.com Sol');
    const approve = (cardOf(request)!.actions as { verb?: string; data: { requestId: string } }[]).find((a) => a.verb === 'approveRequest')!;
    // Graph holds the invitation for 5 s, then creates it and answers.
    h.sandbox.addFault({ method: 'POST', path: '/invitations', kind: 'hang', hangMs: 5000 });
    const started = Date.now();
    const answer = await h.post(cardAction(where, USERS.alexOwner, 'approveRequest', { requestId: approve.data.requestId }, request.id));
    const elapsed = Date.now() - started;
    assert.equal(answer.status, 200);
    assert.ok(elapsed < DEADLINE_MS + 2500, `answered after ${elapsed} ms, before Graph (5 s)`);
    const working = cardText((answer.body as { value: unknown }).value);
    assert.match(working, /Approved/);
    assert.doesNotMatch(working, /Approved: Invited/);
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === request.id && /Approved: Invited/.test(cardText(cardOf(a))), 20_000);
    assert.deepEqual((cardOf(update)!.actions as unknown[] | undefined) ?? [], [], 'no buttons left to click');
    assert.equal(emailsTo('slowapproval@fabrikam.com'), 1);
    assert.ok(members().includes(userId('slowapproval@fabrikam.com')!), 'in the team');
  });

  it('does not let background work take over an invitation whose turn is still waiting (a long Retry-After)', async () => {
    reset();
    faults.inviteDelayMs = 2000;
    const activity = mentionMessage(where, USERS.alexOwner, '/invite patient@fabrikam.com');
    const posted = h.post(activity);
    await pause(800); // past the claim's 300 ms lease, had it not been renewed
    const report = await h.app.background.runOnce();
    assert.equal(report.invitationsFinished, 0);
    await posted;
    const working = await h.connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id);
    await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === working.id && titled(cardOf(a), 'Invited'), 20_000);
    assert.equal(invitationPosts('patient@fabrikam.com').length, 1);
  });
});

describe('a store write that fails after Graph succeeded', () => {
  it('is finished by background work: /status and the audit log show the invitation and its id', async () => {
    reset();
    store.failures = 100;
    const reply = await h.say(USERS.alexOwner, '/invite lost@fabrikam.com');
    assert.ok(titled(cardOf(reply), 'Invited'));
    store.failures = 0;
    await pause(400); // the claim's lease (300 ms) runs out: background work takes it over
    const report = await h.app.background.runOnce();
    assert.equal(report.invitationsFinished, 1);
    const invitationId = h.sandbox.snapshot().invitations.find((i) => i.invitedUserEmailAddress === 'lost@fabrikam.com')!.id;
    const status = await h.say(USERS.alexOwner, '/status lost@fabrikam.com');
    assert.match(status.activity.text ?? '', /Invited through Guest Pass .* by Alex Wilber/);
    const audit = (await h.app.store.list<{ subject: string; action: string; invitationId?: string }>('audit')).map((d) => d.value).filter((e) => e.subject === 'lost@fabrikam.com');
    assert.deepEqual(audit.map((e) => [e.action, e.invitationId]), [['invite', invitationId]]);
    const record = await h.app.store.get<{ invitationId?: string }>('invitations', `${MARKETING_GROUP}|lost@fabrikam.com`);
    assert.equal(record?.value.invitationId, invitationId, 'what /guests lists');
    assert.equal(invitationPosts('lost@fabrikam.com').length, 1);
  });
});
