// Who sees what, as Teams shows it (issue 10). A channel is read by members and guests alike; the
// redeem link and everything owners-only reach the inviter and the owners as user-specific views:
// the connector stand-in refreshes a card automatically only for the Teams user ids (MRIs) listed in
// `refresh.userIds`, as Teams does, and `viewOf` is what one person's client shows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, LEGAL_TEAM as LEGAL_TEAM_ID, legacySubmit, USERS, type TestUser, type Where } from '../support/activities';
import { actionTitles, cardOf, cardText, viewTexts } from '../support/connector';
import { useHarness } from '../support/harness';

const h = useHarness({ overrides: { memberAddBackoffMs: [50] } });
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };
const say = (from: TestUser, text: string) => h.say(from, text);
const everyone = { inviter: USERS.alexOwner, owner: USERS.meganOwner, member: USERS.adeleMember, guest: USERS.pattiGuest };
const redeemUrlOf = (email: string) => [...h.sandbox.snapshot().invitations].reverse().find((i) => i.invitedUserEmailAddress === email)!.inviteRedeemUrl;
const invitationsTo = (email: string) => h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === email);

describe('the redeem link on the result card', () => {
  it('appears by itself for the inviter and the other owners, never for a member or a guest', async () => {
    const reply = await say(USERS.alexOwner, '/invite quinn@fabrikam.com Quinn');
    const url = redeemUrlOf('quinn@fabrikam.com');
    const seen = await viewTexts(h.connector, reply.id, everyone);
    assert.ok(seen.inviter.includes(url), 'the inviter sees the link without pressing anything');
    assert.ok(seen.owner.includes(url), 'another owner sees it too');
    assert.ok(!seen.member.includes(url), 'a member does not');
    assert.ok(!seen.guest.includes(url), 'a guest does not');
    assert.ok(!cardText(cardOf(reply)).includes(url), "the channel's copy does not carry it");
    const refreshed = new Set(h.connector.automaticRefreshes.map((r) => r.userId));
    assert.deepEqual(refreshed, new Set([USERS.alexOwner.id, USERS.meganOwner.id]), 'Teams refreshed the card for the two owners only');
  });

  it("reaches the inviter from the store: Teams' automatic refresh right after the invitation asks Graph nothing", async () => {
    const reply = await say(USERS.alexOwner, '/invite quill@fabrikam.com Quill');
    const url = redeemUrlOf('quill@fabrikam.com');
    h.sandbox.clearRequests();
    const view = await h.connector.viewOf(reply.id, USERS.alexOwner);
    assert.ok(view.refreshed, 'Teams refreshed the card for the inviter');
    assert.ok(cardText(view.card).includes(url), 'the inviter sees the link');
    assert.match(cardText(view.card), /Invited/);
    const graph = h.sandbox.requests().filter((r) => r.path.startsWith('/v1.0'));
    assert.deepEqual(
      graph.map((r) => `${r.method} ${r.path}`),
      [],
      'a record this young is the truth; background tracking keeps it fresh later',
    );
  });

  it('lists Teams user ids, not Entra object ids, so that Teams runs the refresh at all', async () => {
    const reply = await say(USERS.alexOwner, '/invite rae@fabrikam.com');
    const userIds = (cardOf(reply)!.refresh as { userIds: string[] }).userIds;
    assert.ok(userIds.every((id) => id.startsWith('29:')), JSON.stringify(userIds));
    assert.ok(!userIds.includes(USERS.alexOwner.aadObjectId));
  });

  it('reaches the inviter of a card-filled invitation, and the shared copy written over the form has no link', async () => {
    const form = await say(USERS.alexOwner, 'invite');
    const res = await h.post(cardAction(where, USERS.alexOwner, 'invite', { email: 'sol@fabrikam.com', displayName: 'Sol', sendEmail: 'true' }, form.id));
    const url = redeemUrlOf('sol@fabrikam.com');
    assert.ok(cardText((res.body as { value: unknown }).value).includes(url), "the clicker's answer carries the link");
    const shared = h.connector.sharedCard(form.id);
    assert.ok(shared && !cardText(shared).includes(url), 'the shared card has none');
    const seen = await viewTexts(h.connector, form.id, everyone);
    assert.ok(seen.owner.includes(url));
    assert.ok(!seen.member.includes(url) && !seen.guest.includes(url));
  });

  it('stays with the owners when a member or a guest picks "Refresh" themselves', async () => {
    const reply = await say(USERS.alexOwner, '/invite tam@fabrikam.com');
    const url = redeemUrlOf('tam@fabrikam.com');
    for (const who of [USERS.adeleMember, USERS.pattiGuest]) {
      const res = await h.post(cardAction(where, who, 'refreshInvitation', { email: 'tam@fabrikam.com' }, reply.id));
      assert.ok(!cardText((res.body as { value: unknown }).value).includes(url), `${who.name} gets no link`);
    }
  });

  it('keeps the same viewers on the card background work rewrites when the guest accepts', async () => {
    const reply = await say(USERS.alexOwner, '/invite uri@fabrikam.com');
    h.sandbox.redeem('uri@fabrikam.com');
    await h.app.background.runOnce();
    const update = h.connector.sent.find((s) => s.method === 'PUT' && s.targetId === reply.id);
    assert.ok(update, 'the original card was updated');
    assert.match(cardText(cardOf(update)), /Accepted/);
  });

  it('keeps the user-specific view on a card updated by a finished pending add', async () => {
    h.sandbox.settings({ replicationLagAttempts: 1000 });
    const reply = await say(USERS.alexOwner, '/invite vic@fabrikam.com');
    assert.match(cardText(cardOf(reply)), /Pending add/);
    h.sandbox.settings({ replicationLagAttempts: 0 });
    await h.app.background.runOnce();
    const update = h.connector.sent.find((s) => s.method === 'PUT' && s.targetId === reply.id);
    assert.ok(update, 'the original card was updated');
    const userIds = (cardOf(update)!.refresh as { userIds: string[] } | undefined)?.userIds ?? [];
    assert.deepEqual(new Set(userIds), new Set([USERS.alexOwner.id, USERS.meganOwner.id]));
    const url = redeemUrlOf('vic@fabrikam.com');
    const seen = await viewTexts(h.connector, reply.id, everyone);
    assert.ok(seen.inviter.includes(url) && seen.owner.includes(url));
    assert.ok(!seen.member.includes(url) && !seen.guest.includes(url));
  });
});

describe("an approved request's card", () => {
  it('shows the new redeem link to owners only, on the shared card everyone reads', async () => {
    const request = await say(USERS.adeleMember, '/invite wes@fabrikam.com');
    const requestId = (cardOf(request)!.actions as { data?: { requestId?: string } }[])[0]!.data!.requestId!;
    await h.post(cardAction(where, USERS.meganOwner, 'approveRequest', { requestId }, request.id));
    const url = redeemUrlOf('wes@fabrikam.com');
    const seen = await viewTexts(h.connector, request.id, { approver: USERS.meganOwner, owner: USERS.alexOwner, requester: USERS.adeleMember, guest: USERS.pattiGuest });
    assert.ok(seen.approver.includes(url) && seen.owner.includes(url), 'owners see the link');
    assert.ok(!seen.requester.includes(url), 'the member who asked does not');
    assert.ok(!seen.guest.includes(url));
  });
});

describe('owners-only answers', () => {
  it('/guests: the channel copy names no guest; owners see the list, members and guests do not', async () => {
    await say(USERS.alexOwner, '/invite xia@fabrikam.com Xia');
    const reply = await say(USERS.alexOwner, '/guests');
    assert.ok(!cardText(cardOf(reply)).includes('xia@fabrikam.com'));
    assert.equal(reply.activity.text, undefined, 'no text in the thread');
    const seen = await viewTexts(h.connector, reply.id, everyone);
    assert.match(seen.inviter, /xia@fabrikam\.com/);
    assert.match(seen.owner, /xia@fabrikam\.com/);
    assert.doesNotMatch(seen.member, /xia@fabrikam\.com/);
    assert.doesNotMatch(seen.guest, /xia@fabrikam\.com/);
    const manual = await h.post(cardAction(where, USERS.adeleMember, 'showGuests', { page: 1 }, reply.id));
    assert.doesNotMatch(cardText((manual.body as { value: unknown }).value), /xia@fabrikam\.com/, 'pressing Show as a member reveals nothing');
  });

  it('/requests: owners see the open requests, members and guests do not', async () => {
    await say(USERS.adeleMember, '/invite yan@fabrikam.com');
    const reply = await say(USERS.meganOwner, '/requests');
    assert.ok(!cardText(cardOf(reply)).includes('yan@fabrikam.com'));
    const seen = await viewTexts(h.connector, reply.id, everyone);
    assert.match(seen.owner, /yan@fabrikam\.com/);
    assert.match(seen.inviter, /yan@fabrikam\.com/);
    assert.doesNotMatch(seen.member, /yan@fabrikam\.com/);
    assert.doesNotMatch(seen.guest, /yan@fabrikam\.com/);
  });

  it('/audit: the download link reaches the owner who asked and no one else', async () => {
    const reply = await say(USERS.alexOwner, '/audit');
    assert.ok(!/\/exports\//.test(JSON.stringify(cardOf(reply))), 'the channel copy has no link, not even in its data');
    const seen = await viewTexts(h.connector, reply.id, everyone);
    assert.match(seen.inviter, /\/exports\/\S+\.csv/);
    for (const other of [seen.owner, seen.member, seen.guest]) assert.doesNotMatch(other, /\/exports\//);
    const asOtherOwner = await h.post(cardAction(where, USERS.meganOwner, 'showAuditLink', { askedBy: USERS.alexOwner.aadObjectId, askedAt: new Date().toISOString() }, reply.id));
    assert.doesNotMatch(cardText((asOtherOwner.body as { value: unknown }).value), /\/exports\//, 'another owner pressing the button gets no link');
    const forged = await h.post(cardAction(where, USERS.adeleMember, 'showAuditLink', { askedBy: USERS.adeleMember.aadObjectId, askedAt: new Date().toISOString() }, reply.id));
    assert.doesNotMatch(cardText((forged.body as { value: unknown }).value), /\/exports\//, 'a member naming herself in the card data gets no link');
  });

  it('bulk results as CSV: owners only', async () => {
    const res = await h.post(cardAction(where, USERS.adeleMember, 'bulkResultsCsv', { jobId: 'any' }));
    assert.match(String((res.body as { value: unknown }).value), /Only this team's owners/);
  });
});

describe('the legacy Action.Submit fallback', () => {
  it("never writes the clicker's private copy over the shared card", async () => {
    const reply = await say(USERS.alexOwner, '/invite zed@fabrikam.com');
    const url = redeemUrlOf('zed@fabrikam.com');
    h.connector.clear();
    await h.post(legacySubmit(where, USERS.alexOwner, { verb: 'showRedeemLink', email: 'zed@fabrikam.com' }, reply.id));
    await h.connector.waitFor((a) => a.method === 'POST');
    for (const sent of h.connector.sent) assert.ok(!JSON.stringify(sent.activity).includes(url), `${sent.method} carries no redeem link`);
    assert.equal(h.connector.sent.filter((s) => s.method === 'PUT').length, 0, 'the shared card is left as it was');
  });
});

describe('resend only for invitations this team made', () => {
  it('adds a pending guest invited elsewhere without re-inviting them or showing a link, and says whom to ask', async () => {
    const reply = await say(USERS.alexOwner, '/invite --resend lynner@northwind.com');
    const text = cardText(cardOf(reply));
    assert.match(text, /Added/);
    assert.match(text, /ask whoever invited them/);
    assert.equal(invitationsTo('lynner@northwind.com').length, 0, 'no invitation');
    assert.ok(!actionTitles(cardOf(reply)).includes('Resend invitation'), 'no Resend button');
    assert.ok(!/redeem/i.test(JSON.stringify(cardOf(reply)!.actions)), 'no link to show');
    const byButton = await h.post(cardAction(where, USERS.alexOwner, 'resendInvitation', { email: 'lynner@northwind.com' }, reply.id));
    assert.match(cardText((byButton.body as { value: unknown }).value), /ask whoever invited them/);
    assert.equal(invitationsTo('lynner@northwind.com').length, 0, 'the button does not invite either');
  });

  it("does not resend another team's Guest Pass invitation", async () => {
    await h.say(USERS.alexOwner, '/invite ada@fabrikam.com', { serviceUrl: h.where.serviceUrl, teamId: LEGAL_TEAM_ID });
    const before = invitationsTo('ada@fabrikam.com').length;
    const reply = await say(USERS.alexOwner, '/invite --resend ada@fabrikam.com');
    assert.equal(invitationsTo('ada@fabrikam.com').length, before, 'no new invitation from Marketing');
    assert.doesNotMatch(cardText(cardOf(reply)), /Re-invited/);
  });
});

describe('only members of the team are members', () => {
  for (const policy of ['approval', 'members', 'owners']) {
    it(`refuses a tenant user outside the team under INVITE_POLICY=${policy}: no request, no invitation`, async () => {
      await h.restart({ INVITE_POLICY: policy });
      try {
        const reply = await say(USERS.isaiahNotInTeam, '/invite out@fabrikam.com');
        assert.match(cardText(cardOf(reply)), /Only members of this team/);
        assert.equal(invitationsTo('out@fabrikam.com').length, 0);
        const form = await say(USERS.isaiahNotInTeam, 'invite');
        const res = await h.post(cardAction(where, USERS.isaiahNotInTeam, 'invite', { email: 'out2@fabrikam.com' }, form.id));
        assert.match(cardText((res.body as { value: unknown }).value), /Only members of this team/);
        assert.equal(invitationsTo('out2@fabrikam.com').length, 0);
      } finally {
        await h.restart();
      }
    });
  }
});
