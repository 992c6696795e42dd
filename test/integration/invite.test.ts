// The core flow at the bot's HTTP boundary: Teams-shaped activities to /api/messages, replies on
// the connector stand-in, Graph and Entra in the sandbox tenant over real HTTPS.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, legacySubmit, personalMessage, USERS, type TestUser, MARKETING_GROUP, NO_GUESTS_GROUP, LEGAL_TEAM, type Where } from '../support/activities';
import { actionTitles, cardOf, cardText, type SentActivity } from '../support/connector';
import { useHarness } from '../support/harness';

const h = useHarness();
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };

/** Sends a command as `from` and returns the bot's one reply. */
const command = (from: TestUser, text: string, at?: Where): Promise<SentActivity> => h.say(from, text, at);

const userByMail = (mail: string) => h.sandbox.snapshot().users.find((u) => u.mail?.toLowerCase() === mail.toLowerCase());
const groupMembers = (groupId = MARKETING_GROUP) => h.sandbox.snapshot().groups.find((g) => g.id === groupId)!.members;
const invitationCalls = () => h.sandbox.requests().filter((r) => r.method === 'POST' && r.path === '/v1.0/invitations');
const teamAdds = (groupId = MARKETING_GROUP) => h.sandbox.requests().filter((r) => r.method === 'POST' && r.path === `/v1.0/teams/${groupId}/members`);

describe('inviting by command', () => {
  it('invites a new guest and adds them to the team', async () => {
    const reply = await command(USERS.alexOwner, '/invite alice@fabrikam.com Alice Smith');
    const card = cardOf(reply);
    assert.ok(card, 'the reply is an Adaptive Card');
    const text = cardText(card);
    assert.match(text, /Invited/);
    assert.match(text, /alice@fabrikam\.com/);
    assert.match(text, /Pending acceptance/);
    assert.match(text, /Alice Smith/);

    const alice = userByMail('alice@fabrikam.com');
    assert.ok(alice, 'Alice exists in the directory');
    assert.equal(alice.userType, 'Guest');
    assert.equal(alice.displayName, 'Alice Smith');
    assert.ok(groupMembers().includes(alice.id), 'Alice is a member of the team group');

    const [invitation] = h.sandbox.snapshot().invitations;
    assert.equal(invitation?.sponsors[0], USERS.alexOwner.aadObjectId, 'the inviting owner is the sponsor');
    assert.equal(invitation?.sendInvitationMessage, true);
    assert.match(invitation!.inviteRedirectUrl, /^https:\/\/teams\.microsoft\.com\/l\/team\//, 'redirect defaults to the team deep link');
  });

  it('keeps the redeem link off the channel copy and shows it to the inviter and owners on request', async () => {
    const reply = await command(USERS.alexOwner, '/invite bob@fabrikam.com');
    const publicCard = cardOf(reply)!;
    const redeemUrl = h.sandbox.snapshot().invitations[0]!.inviteRedeemUrl;
    assert.ok(!cardText(publicCard).includes(redeemUrl), 'the channel copy has no redeem link');
    assert.ok(actionTitles(publicCard).includes('Show invitation link'));
    const refresh = publicCard.refresh as { userIds: string[] };
    assert.deepEqual(new Set(refresh.userIds), new Set([USERS.alexOwner.id, USERS.meganOwner.id]), 'Teams user ids (MRIs) of the inviter and the owners');

    const asOwner = await h.post(cardAction(where, USERS.meganOwner, 'showRedeemLink', { email: 'bob@fabrikam.com' }, reply.id));
    assert.equal(asOwner.status, 200);
    const ownerCard = (asOwner.body as { value: unknown }).value;
    assert.ok(cardText(ownerCard).includes(redeemUrl), 'an owner sees the link');
    assert.ok(actionTitles(ownerCard).includes('Open invitation link'));

    const asMember = await h.post(cardAction(where, USERS.adeleMember, 'showRedeemLink', { email: 'bob@fabrikam.com', invitedBy: USERS.adeleMember.aadObjectId }, reply.id));
    assert.equal(asMember.status, 200);
    assert.ok(!cardText((asMember.body as { value: unknown }).value).includes(redeemUrl), 'a plain member does not, whatever the card data says');
  });

  it("invites an address with an apostrophe and finds it again through OData quoting", async () => {
    const first = await command(USERS.alexOwner, "/invite o'brien@fabrikam.com \"Pat O'Brien\"");
    assert.match(cardText(cardOf(first)), /Invited/);
    const pat = userByMail("o'brien@fabrikam.com");
    assert.ok(pat);
    assert.equal(pat.displayName, "Pat O'Brien");

    h.connector.clear();
    const second = await command(USERS.alexOwner, "/invite o'brien@fabrikam.com");
    assert.match(cardText(cardOf(second)), /Already in team/);
    assert.equal(invitationCalls().length, 1, 'no second invitation');
    const lookup = h.sandbox.requests().find((r) => r.path === '/v1.0/users' && r.query.$filter?.includes("o''brien"));
    assert.ok(lookup, "the $filter quotes ' as ''");
  });

  it('adds an existing guest who is not in the team without inviting again', async () => {
    const reply = await command(USERS.alexOwner, '/invite lynner@northwind.com');
    const text = cardText(cardOf(reply));
    assert.match(text, /Added/);
    assert.match(text, /Pending acceptance/);
    assert.equal(invitationCalls().length, 0);
    assert.ok(groupMembers().includes(USERS.lynneGuestNotInTeam.aadObjectId));
  });

  it('treats "already a member" as success', async () => {
    const reply = await command(USERS.alexOwner, '/invite pattif@fabrikam.com');
    const text = cardText(cardOf(reply));
    assert.match(text, /Already in team/);
    assert.match(text, /Accepted/);
    assert.equal(invitationCalls().length, 0);
    assert.equal(teamAdds().length, 0, 'the membership read tells: Graph would answer the add with 201 again');
  });

  it('adds through the Teams membership API, as a member, never through the group API', async () => {
    const reply = await command(USERS.alexOwner, '/invite lynner@northwind.com');
    assert.match(cardText(cardOf(reply)), /Added/);
    const [add, ...more] = teamAdds();
    assert.equal(more.length, 0);
    assert.equal(add?.status, 201);
    assert.deepEqual(add?.body, {
      '@odata.type': '#microsoft.graph.aadUserConversationMember',
      roles: [],
      'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${USERS.lynneGuestNotInTeam.aadObjectId}')`,
    });
    assert.ok(!h.sandbox.requests().some((r) => r.path.startsWith('/v1.0/groups/') && (r.method === 'PATCH' || r.path.endsWith('/$ref'))), 'no group-API writes');
    assert.ok(groupMembers().includes(USERS.lynneGuestNotInTeam.aadObjectId));
  });

  it('counts a 409 Conflict from the Teams membership API as already in the team', async () => {
    h.sandbox.addFault({ method: 'POST', path: `/teams/${MARKETING_GROUP}/members`, status: 409, code: 'Conflict', message: 'The member already exists.' });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite isaiahl@contoso.com')));
    assert.match(text, /Already in team/);
    assert.doesNotMatch(text, /Failed/);
  });

  it('adds a member of the tenant without an invitation', async () => {
    const reply = await command(USERS.alexOwner, '/invite isaiahl@contoso.com');
    const text = cardText(cardOf(reply));
    assert.match(text, /Added/);
    assert.match(text, /Member of your organization/);
    assert.equal(invitationCalls().length, 0);
    assert.ok(groupMembers().includes(USERS.isaiahNotInTeam.aadObjectId));
  });

  it("never invites an address in the tenant's own verified domains", async () => {
    const reply = await command(USERS.alexOwner, '/invite nobody@contoso.com');
    const text = cardText(cardOf(reply));
    assert.match(text, /Failed/);
    assert.match(text, /contoso\.com belongs to your organization/);
    assert.equal(invitationCalls().length, 0);
  });

  it('accepts "Name <email>" and quoted names, and strips the mention', async () => {
    const reply = await command(USERS.alexOwner, 'invite "Carol Jones" <carol@fabrikam.com>');
    assert.match(cardText(cardOf(reply)), /Carol Jones/);
    assert.equal(userByMail('carol@fabrikam.com')?.displayName, 'Carol Jones');
  });

  it('answers a bad address with the form and the field error, before any Graph call', async () => {
    const reply = await command(USERS.alexOwner, '/invite not-an-email Someone');
    const card = cardOf(reply)!;
    const text = cardText(card);
    assert.match(text, /Enter a valid email address/);
    const emailInput = (card.body as { id?: string; value?: string }[]).find((b) => b.id === 'email');
    assert.equal(emailInput?.value, 'not-an-email', 'what was typed is kept');
    assert.equal(h.sandbox.requests().filter((r) => r.path.startsWith('/v1.0')).length, 0);
  });

  for (const [address, why] of [
    ['a(b)@fabrikam.com', 'forbidden character'],
    ['.alice@fabrikam.com', 'dot first'],
    ['alice-@fabrikam.com', 'dash last'],
    ['alice@fabrikam', 'no top-level domain'],
  ] as const) {
    it(`refuses ${address} locally (${why})`, async () => {
      const reply = await command(USERS.alexOwner, `/invite ${address}`);
      assert.match(cardText(cardOf(reply)), /Enter a valid email address/);
      assert.equal(invitationCalls().length, 0);
    });
  }
});

describe('who may invite', () => {
  it('turns a plain member\'s invite into a request for the owners, without inviting', async () => {
    const reply = await command(USERS.adeleMember, '/invite dave@fabrikam.com', where);
    const text = cardText(cardOf(reply));
    assert.match(text, /Invitation request/);
    assert.deepEqual(actionTitles(cardOf(reply)), ['Approve', 'Decline']);
    assert.equal(invitationCalls().length, 0);
    assert.equal(userByMail('dave@fabrikam.com'), undefined);
  });

  it('refuses a plain member under the owners policy and names the owners role, without inviting', async () => {
    await h.restart({ INVITE_POLICY: 'owners' });
    const reply = await command(USERS.adeleMember, '/invite dave@fabrikam.com', where).finally(() => h.restart());
    const text = cardText(cardOf(reply));
    assert.match(text, /Refused/);
    assert.match(text, /team owner/i);
    assert.equal(invitationCalls().length, 0);
    assert.equal(userByMail('dave@fabrikam.com'), undefined);
  });

  it('refuses a guest politely', async () => {
    const reply = await command(USERS.pattiGuest, '/invite erin@fabrikam.com');
    const text = cardText(cardOf(reply));
    assert.match(text, /Guests cannot invite/);
    assert.equal(invitationCalls().length, 0);
  });

  it('answers plainly when Teams cannot describe the team, without calling Graph', async () => {
    const reply = await command(USERS.alexOwner, '/invite zed@fabrikam.com', { ...where, teamId: '19:unknown@thread.tacv2' });
    assert.match(reply.activity.text ?? '', /Teams could not tell me which Microsoft 365 group/);
    assert.equal(h.sandbox.requests().filter((r) => r.path.startsWith('/v1.0')).length, 0);
  });

  it('answers in a personal chat that invites happen in a team channel, without calling Graph', async () => {
    const activity = personalMessage(where, USERS.alexOwner, '/invite frank@fabrikam.com');
    assert.equal((await h.post(activity)).status, 200);
    const reply = await h.connector.waitFor((a) => a.targetId === activity.id);
    assert.match(reply.activity.text ?? '', /team channel/);
    assert.equal(h.sandbox.requests().filter((r) => r.path.startsWith('/v1.0')).length, 0);
  });

  it('answers help in a personal chat', async () => {
    const activity = personalMessage(where, USERS.alexOwner, 'help');
    await h.post(activity);
    const reply = await h.connector.waitFor((a) => a.targetId === activity.id);
    assert.match(cardText(cardOf(reply)), /\/invite alice@fabrikam\.com/);
  });
});

describe('Graph refusals and failures become the card PRODUCT.md section 5 asks for', () => {
  it('explains a group that forbids guests', async () => {
    const reply = await command(USERS.alexOwner, '/invite gina@fabrikam.com', { ...where, teamId: LEGAL_TEAM });
    const text = cardText(cardOf(reply));
    assert.match(text, /Refused/);
    assert.match(text, /does not allow guests/);
    assert.match(text, /received a guest invitation to your organization, but could not be added to this team/, 'the card says what did happen');
    assert.ok(!h.sandbox.snapshot().groups.find((g) => g.id === NO_GUESTS_GROUP)!.members.includes(userByMail('gina@fabrikam.com')?.id ?? '-'));
  });

  it("names the domain the tenant's B2B policy blocks", async () => {
    h.sandbox.settings({ blockedDomains: ['tailspin.com'] });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite hank@tailspin.com')));
    assert.match(text, /Refused/);
    assert.match(text, /tailspin\.com/);
    assert.match(text, /External collaboration settings/);
  });

  it('tells the admin what to check for cross-tenant access', async () => {
    h.sandbox.settings({ crossTenantBlockedDomains: ['woodgrove.com'] });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite ivy@woodgrove.com')));
    assert.match(text, /Refused/);
    assert.match(text, /Cross-tenant access settings/);
  });

  it('reports the anti-abuse block as a failure with the request-id and never retries it', async () => {
    h.sandbox.settings({ suspiciousActivityBlock: true });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite jack@fabrikam.com')));
    assert.match(text, /Failed/);
    assert.match(text, /suspicious activity/);
    assert.match(text, /Request ID/);
    assert.equal(invitationCalls().length, 1);
  });

  it('waits as Retry-After says when throttled, then succeeds', async () => {
    h.sandbox.addFault({ method: 'POST', path: '/invitations', status: 429, code: 'TooManyRequests', retryAfterSeconds: 1, times: 1 });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite kate@fabrikam.com')));
    assert.match(text, /Invited/);
    assert.deepEqual(invitationCalls().map((r) => r.status), [429, 201]);
  });

  it('retries a busy Graph (503) and succeeds', async () => {
    h.sandbox.addFault({ method: 'POST', path: '/invitations', status: 503, code: 'ServiceUnavailable', retryAfterSeconds: 1, times: 1 });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite leo@fabrikam.com')));
    assert.match(text, /Invited/);
  });

  it('retries the group add while a new guest replicates', async () => {
    h.sandbox.settings({ replicationLagAttempts: 2 });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite mia@fabrikam.com')));
    assert.match(text, /Invited/);
    assert.ok(groupMembers().includes(userByMail('mia@fabrikam.com')!.id));
  });

  it('stores the group add as pending work when replication outlasts the retries, and says so', async () => {
    h.sandbox.settings({ replicationLagAttempts: 50 });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite ned@fabrikam.com')));
    assert.match(text, /Pending add/);
    assert.match(text, /keeps retrying/);
    const pending = await h.app.store.list('pendingAdds');
    assert.equal(pending.length, 1);
  });

  it('names TeamMember.ReadWriteNonOwnerRole.All when the app may not add team members', async () => {
    h.sandbox.settings({ revokedRoles: ['TeamMember.ReadWriteNonOwnerRole.All'] });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite isaiahl@contoso.com')));
    assert.match(text, /TeamMember\.ReadWriteNonOwnerRole\.All/);
    assert.ok(!groupMembers().includes(USERS.isaiahNotInTeam.aadObjectId));
  });

  it('names the missing permission when the app lacks consent', async () => {
    h.sandbox.settings({ revokedRoles: ['User.Invite.All'] });
    const text = cardText(cardOf(await command(USERS.alexOwner, '/invite olga@fabrikam.com')));
    assert.match(text, /Failed/);
    assert.match(text, /User\.Invite\.All/);
  });
});

describe('the invite card', () => {
  it('posts the invite card for "invite" alone', async () => {
    const card = cardOf(await command(USERS.alexOwner, 'invite'))!;
    const text = cardText(card);
    for (const label of ['Email address', 'Display name', 'Personal message (optional)', 'Send the Microsoft invitation email']) assert.match(text, new RegExp(label.replace(/[()]/g, '\\$&')));
    const submit = (card.actions as { type: string; verb?: string; fallback?: { type: string } }[])[0]!;
    assert.equal(submit.type, 'Action.Execute');
    assert.equal(submit.fallback?.type, 'Action.Submit', 'clients without Universal Actions fall back to Action.Submit');
  });

  it('replaces the card in place with the result on Invite (Action.Execute)', async () => {
    const res = await h.post(cardAction(where, USERS.alexOwner, 'invite', { email: 'pia@fabrikam.com', displayName: 'Pia', message: 'Welcome aboard', sendEmail: 'false' }, 'card-1'));
    assert.equal(res.status, 200);
    const body = res.body as { statusCode: number; type: string; value: unknown };
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    const text = cardText(body.value);
    assert.match(text, /Invited/);
    assert.match(text, /Welcome aboard/);
    assert.match(text, /Not sent/);
    const redeemUrl = h.sandbox.snapshot().invitations[0]!.inviteRedeemUrl;
    assert.ok(text.includes(redeemUrl), "the inviter's own copy carries the redeem link");
    assert.equal(h.sandbox.snapshot().invitations[0]!.sendInvitationMessage, false);
    assert.equal(h.sandbox.snapshot().invitations[0]!.customizedMessageBody, 'Welcome aboard');

    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === 'card-1');
    assert.ok(!cardText(cardOf(update)).includes(redeemUrl), "everyone else's copy is updated without the link");
  });

  it('returns the same form with the error next to the field and the typed values kept', async () => {
    const res = await h.post(cardAction(where, USERS.alexOwner, 'invite', { email: 'not-an-email', displayName: 'Quinn', message: 'hi' }));
    const card = (res.body as { value: { body: { id?: string; value?: string; text?: string }[] } }).value;
    const ids = card.body.map((b) => b.id ?? b.text);
    const emailAt = ids.indexOf('email');
    assert.match(card.body[emailAt + 1]!.text ?? '', /Enter a valid email address/, 'the error sits right under the email field');
    assert.equal(card.body.find((b) => b.id === 'displayName')?.value, 'Quinn');
    assert.equal(card.body.find((b) => b.id === 'message')?.value, 'hi');
    assert.equal(invitationCalls().length, 0);
  });

  it('still works from a client that sends Action.Submit', async () => {
    const res = await h.post(legacySubmit(where, USERS.alexOwner, { verb: 'invite', email: 'ray@fabrikam.com', displayName: 'Ray' }, 'card-legacy'));
    assert.equal(res.status, 200);
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === 'card-legacy');
    assert.match(cardText(cardOf(update)), /Invited/);
    assert.ok(userByMail('ray@fabrikam.com'));
  });
});

describe('the HTTP boundary', () => {
  it('answers 400, not 500, to something that is not an activity', async () => {
    const res = await fetch(`${h.botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":1}' });
    assert.equal(res.status, 400);
  });

  it('answers 400 at once to an activity with no service URL to answer on', async () => {
    const { serviceUrl: _none, ...activity } = cardAction(where, USERS.alexOwner, 'invite', { email: 'x@fabrikam.com' });
    const res = await h.post(activity);
    assert.equal(res.status, 400);
    assert.equal(invitationCalls().length, 0);
  });

  it('does not answer an unknown invoke with a server error', async () => {
    const activity = { ...cardAction(where, USERS.alexOwner, 'x', {}), name: 'composeExtension/unknown' };
    const res = await h.post(activity);
    assert.ok(res.status < 500, `status ${res.status}`);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${h.botUrl}/healthz`);
    assert.equal(res.status, 200);
  });
});
