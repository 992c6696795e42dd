// Members request, owners approve (INVITE_POLICY and the approval workflow), at the bot's HTTP
// boundary against the sandbox tenant. Every decision is checked on the server at click time.
import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, USERS, type TestUser, type Where } from '../support/activities';
import { actionTitles, cardOf, cardText } from '../support/connector';
import { useHarness } from '../support/harness';

const h = useHarness();
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };
beforeEach(async () => {
  h.sandbox.reset();
  h.sandbox.clearRequests();
  h.connector.clear();
});

const invitationsTo = (email: string) => h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === email);
const invitationCalls = () => h.sandbox.requests().filter((r) => r.method === 'POST' && r.path === '/v1.0/invitations');

const say = (from: TestUser, text: string) => h.say(from, text);

/** A member asks; returns the request id and the card's activity id. */
async function memberRequests(email: string) {
  const reply = await say(USERS.adeleMember, `/invite ${email} Guest Person`);
  const card = cardOf(reply)!;
  const approve = (card.actions as { verb?: string; data: { requestId: string } }[]).find((a) => a.verb === 'approveRequest')!;
  return { requestId: approve.data.requestId, cardId: reply.id, card };
}

async function click(from: TestUser, verb: 'approveRequest' | 'declineRequest', data: Record<string, unknown>, cardId: string) {
  const res = await h.post(cardAction(where, from, verb, data, cardId));
  assert.equal(res.status, 200);
  return res.body as { type: string; value: unknown };
}

describe('a member under the approval policy', () => {
  it('gets an approval card for the owners and no invitation is sent', async () => {
    const { card } = await memberRequests('sam@fabrikam.com');
    const text = cardText(card);
    assert.match(text, /Invitation request/);
    assert.match(text, /Adele Vance/);
    assert.match(text, /sam@fabrikam\.com/);
    assert.deepEqual(actionTitles(card), ['Approve', 'Decline']);
    assert.equal(invitationCalls().length, 0);
  });

  it('gets the invitation once an owner approves, and the card shows who decided for everyone', async () => {
    const { requestId, cardId } = await memberRequests('tina@fabrikam.com');
    const answer = await click(USERS.alexOwner, 'approveRequest', { requestId }, cardId);
    const ownerCopy = cardText(answer.value);
    assert.match(ownerCopy, /Approved: Invited/);
    assert.match(ownerCopy, /Alex Wilber/);
    const redeemUrl = invitationsTo('tina@fabrikam.com')[0]!.inviteRedeemUrl;
    assert.ok(ownerCopy.includes(redeemUrl), "the approving owner's copy carries the redeem link");
    assert.equal(invitationsTo('tina@fabrikam.com')[0]!.sponsors[0], USERS.alexOwner.aadObjectId, 'the approving owner sponsors the guest');

    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === cardId);
    const everyone = cardText(cardOf(update));
    assert.match(everyone, /Approved: Invited/, 'the requester sees the outcome on their card');
    assert.ok(!everyone.includes(redeemUrl));
    assert.deepEqual(actionTitles(cardOf(update)), [], 'no buttons left to click');
  });

  it('sends nothing when an owner declines', async () => {
    const { requestId, cardId } = await memberRequests('uma@fabrikam.com');
    const answer = await click(USERS.meganOwner, 'declineRequest', { requestId }, cardId);
    assert.match(cardText(answer.value), /Declined/);
    assert.match(cardText(answer.value), /Megan Bowen declined/);
    assert.equal(invitationCalls().length, 0);
  });
});

describe('only an owner click counts', () => {
  it('ignores a forged approval from a member whatever the card data claims', async () => {
    const { requestId, cardId } = await memberRequests('vic@fabrikam.com');
    const forged = await click(USERS.adeleMember, 'approveRequest', { requestId, role: 'owner', isOwner: true, approverId: USERS.alexOwner.aadObjectId }, cardId);
    assert.equal(forged.type, 'application/vnd.microsoft.activity.message');
    assert.match(String(forged.value), /Only this team's owners/);
    assert.equal(invitationCalls().length, 0);
    assert.equal(h.connector.sent.filter((a) => a.method === 'PUT').length, 0, 'the card did not change for anyone');

    const real = await click(USERS.alexOwner, 'approveRequest', { requestId }, cardId);
    assert.match(cardText(real.value), /Approved: Invited/, 'the request is still open for a real owner');
  });

  it('refuses a guest who clicks Approve', async () => {
    const { requestId, cardId } = await memberRequests('wes@fabrikam.com');
    const answer = await click(USERS.pattiGuest, 'approveRequest', { requestId }, cardId);
    assert.match(String(answer.value), /Only this team's owners/);
    assert.equal(invitationCalls().length, 0);
  });

  it('decides a request once: a second click shows the decision and invites nobody again', async () => {
    const { requestId, cardId } = await memberRequests('xia@fabrikam.com');
    await click(USERS.alexOwner, 'approveRequest', { requestId }, cardId);
    const second = await click(USERS.meganOwner, 'declineRequest', { requestId }, cardId);
    assert.match(cardText(second.value), /Approved: Invited/);
    assert.match(cardText(second.value), /Alex Wilber/);
    assert.equal(invitationsTo('xia@fabrikam.com').length, 1);
  });

  it('produces one invitation when two owners approve at the same moment', async () => {
    const { requestId, cardId } = await memberRequests('yan@fabrikam.com');
    const answers = await Promise.all([
      click(USERS.alexOwner, 'approveRequest', { requestId }, cardId),
      click(USERS.meganOwner, 'approveRequest', { requestId }, cardId),
      click(USERS.alexOwner, 'approveRequest', { requestId }, cardId),
    ]);
    assert.equal(invitationsTo('yan@fabrikam.com').length, 1);
    assert.equal(invitationCalls().length, 1);
    for (const a of answers) assert.match(cardText(a.value), /Approved/);
  });

  it('keeps a request across a restart and approves it afterwards', async () => {
    const { requestId, cardId } = await memberRequests('zoe@fabrikam.com');
    await h.restart();
    const answer = await click(USERS.meganOwner, 'approveRequest', { requestId }, cardId);
    assert.match(cardText(answer.value), /Approved: Invited/);
    assert.equal(invitationsTo('zoe@fabrikam.com').length, 1);
  });

  it("finds nothing when a request id from another team's card is clicked here", async () => {
    const { requestId } = await memberRequests('ann@fabrikam.com');
    const res = await h.post(cardAction({ ...where, teamId: '19:contoso-legal@thread.tacv2' }, USERS.alexOwner, 'approveRequest', { requestId }));
    assert.match(String((res.body as { value: unknown }).value), /no longer exists/);
    assert.equal(invitationCalls().length, 0);
  });
});

describe('requests from the invite card and the list of open requests', () => {
  it("turns a member's invite card into the approval card", async () => {
    const res = await h.post(cardAction(where, USERS.adeleMember, 'invite', { email: 'ben@fabrikam.com', displayName: 'Ben', message: 'our auditor' }, 'form-1'));
    const card = (res.body as { value: unknown }).value;
    assert.match(cardText(card), /Invitation request/);
    assert.match(cardText(card), /our auditor/);
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === 'form-1');
    assert.deepEqual(actionTitles(cardOf(update)), ['Approve', 'Decline']);
  });

  it('lists open requests for owners only', async () => {
    await memberRequests('cai@fabrikam.com');
    const forOwner = await say(USERS.alexOwner, '/requests');
    const text = cardText((await h.connector.viewOf(forOwner.id, USERS.alexOwner)).card);
    assert.match(text, /invitation requests? waiting for an owner/);
    assert.match(text, /cai@fabrikam\.com\), requested by Adele Vance/);
    assert.ok(!text.includes('tina@fabrikam.com'), 'decided requests are not listed');
    assert.ok(!text.includes('uma@fabrikam.com'), 'declined requests are not listed');
    const forMember = await say(USERS.adeleMember, '/requests');
    assert.match(forMember.activity.text ?? '', /Only this team's owners/);
  });
});

describe('invitation policies and domain lists', () => {
  after(async () => h.restart());

  it('lets any non-guest member invite directly under the members policy', async () => {
    await h.restart({ INVITE_POLICY: 'members' });
    const reply = await say(USERS.adeleMember, '/invite dan@fabrikam.com');
    assert.match(cardText(cardOf(reply)), /Invited/);
    assert.equal(invitationsTo('dan@fabrikam.com').length, 1);
    const guest = await say(USERS.pattiGuest, '/invite eve@fabrikam.com');
    assert.match(cardText(cardOf(guest)), /Guests cannot invite/);
  });

  it('refuses members under the owners policy, and approvals cannot be requested', async () => {
    await h.restart({ INVITE_POLICY: 'owners' });
    const reply = await say(USERS.adeleMember, '/invite fay@fabrikam.com');
    assert.match(cardText(cardOf(reply)), /Only team owners can invite/);
    assert.equal(invitationCalls().length, 0);
  });

  it('applies ALLOWED_DOMAINS and BLOCKED_DOMAINS patterns before Graph is called', async () => {
    await h.restart({ ALLOWED_DOMAINS: 'fabrikam.com,*.northwind.com', BLOCKED_DOMAINS: 'bad.northwind.com' });
    const notAllowed = await say(USERS.alexOwner, '/invite gus@tailspin.com');
    assert.match(cardText(cardOf(notAllowed)), /tailspin\.com are not on your organization's list of allowed domains/);
    const blocked = await say(USERS.alexOwner, '/invite hal@bad.northwind.com');
    assert.match(cardText(cardOf(blocked)), /bad\.northwind\.com are blocked/);
    const fromMember = await say(USERS.adeleMember, '/invite ida@tailspin.com');
    assert.match(cardText(cardOf(fromMember)), /Refused/, 'a member cannot even request a disallowed domain');
    const allowed = await say(USERS.alexOwner, '/invite jon@eu.northwind.com');
    assert.match(cardText(cardOf(allowed)), /Invited/);
    assert.deepEqual(
      invitationCalls().map((r) => (r.body as { invitedUserEmailAddress: string }).invitedUserEmailAddress),
      ['jon@eu.northwind.com'],
    );
  });
});
