// What a team owner meets (issue 12), through /api/messages as Teams sends it: several people on
// one line, line breaks from the HTML, the nearest command, requests decided where owners see them,
// words that follow the facts, bulk that reads well, dates and limits, two languages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, mentionMessage, USERS, type TestUser, type Where } from '../support/activities';
import { actionTitles, cardOf, cardText, viewTexts } from '../support/connector';
import { useHarness } from '../support/harness';

const h = useHarness({ overrides: { memberAddBackoffMs: [50] } });
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };
const say = (from: TestUser, text: string) => h.say(from, text);
const invitationsTo = (email: string) => h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === email);
const valueOf = (res: { body: unknown }) => (res.body as { value: unknown }).value;

/** Posts a message the way Teams does when it keeps the typed line breaks only in the HTML attachment. */
async function sayHtml(from: TestUser, text: string, html: string) {
  const activity = { ...mentionMessage({ serviceUrl: h.where.serviceUrl }, from, text), attachments: [{ contentType: 'text/html', content: html }] };
  const res = await h.post(activity);
  assert.equal(res.status, 200);
  return h.connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id);
}

describe('several people on one line', () => {
  it('invites both through the bulk preview, never with an address as a name', async () => {
    const reply = await say(USERS.alexOwner, '/invite sam@fabrikam.com tom@fabrikam.com');
    const text = cardText(cardOf(reply));
    assert.match(text, /Invite 2 people to this team\?/);
    assert.match(text, /sam@fabrikam\.com/);
    assert.match(text, /tom@fabrikam\.com/);
    assert.equal(invitationsTo('sam@fabrikam.com').length, 0, 'nothing is sent before Confirm');
  });

  it('reads commas and semicolons as separators too', async () => {
    const reply = await say(USERS.alexOwner, '/invite sam@fabrikam.com, tom@fabrikam.com; uma@fabrikam.com');
    assert.match(cardText(cardOf(reply)), /Invite 3 people to this team\?/);
  });

  it('turns an address typed as the display name on the card into a field error', async () => {
    const form = await say(USERS.alexOwner, 'invite');
    const res = await h.post(cardAction(where, USERS.alexOwner, 'invite', { email: 'sam@fabrikam.com', displayName: 'tom@fabrikam.com' }, form.id));
    assert.match(cardText(valueOf(res)), /A display name cannot be an email address/);
    assert.equal(invitationsTo('sam@fabrikam.com').length, 0);
  });
});

describe('line breaks as Teams sends them', () => {
  it('reads a list typed with Shift+Enter from the HTML attachment, though the text joined it', async () => {
    const reply = await sayHtml(
      USERS.alexOwner,
      '/invitehenry@fabrikam.comivy@fabrikam.com',
      '<p><at>Guest Pass</at>&nbsp;/invite<br>henry@fabrikam.com<br>ivy@fabrikam.com</p>',
    );
    assert.match(cardText(cardOf(reply)), /Invite 2 people to this team\?/);
  });

  it('answers an unknown command with the closest one and an example', async () => {
    const reply = await say(USERS.alexOwner, '/stauts alice@fabrikam.com');
    assert.match(String(reply.activity.text), /Did you mean `\/status`\?/);
    assert.match(String(reply.activity.text), /\/status alice@fabrikam\.com/);
  });
});

describe('a bulk invitation that reads well', () => {
  it('lists each person on the preview, the first 30 by name and address, then how many more', async () => {
    const list = Array.from({ length: 33 }, (_, i) => `Person ${i + 1} <p${i + 1}@fabrikam.com>`).join('\n');
    const reply = await say(USERS.alexOwner, `/invite\n${list}`);
    const text = cardText(cardOf(reply));
    assert.match(text, /Person 1\n/);
    assert.match(text, /p30@fabrikam\.com/);
    assert.doesNotMatch(text, /p31@fabrikam\.com/);
    assert.match(text, /…and 3 more/);
  });

  it('cancelled: the card says who cancelled it, when, and has no buttons left', async () => {
    const preview = await say(USERS.alexOwner, '/invite sam@fabrikam.com tom@fabrikam.com');
    const jobId = JSON.stringify(cardOf(preview)).match(/"jobId":"([^"]+)"/)![1]!;
    await h.post(cardAction(where, USERS.meganOwner, 'cancelBulk', { jobId }, preview.id));
    const shared = h.connector.sharedCard(preview.id);
    assert.match(cardText(shared), /Cancelled by Megan Bowen on \{\{DATE\(/);
    assert.deepEqual(actionTitles(shared), []);
  });
});

describe('words that follow the facts', () => {
  it('an invitation: "Invited by", the link to copy first, and the headline turns to Accepted', async () => {
    const reply = await say(USERS.alexOwner, '/invite kim@fabrikam.com Kim');
    const shared = cardText(cardOf(reply));
    assert.match(shared, /^Invited$/m);
    assert.match(shared, /Invited by/);
    assert.doesNotMatch(shared, /is a member of this team\. They join once/);
    const own = (await h.connector.viewOf(reply.id, USERS.alexOwner)).card;
    assert.match(cardText(own), /Copy link/);
    assert.ok(JSON.stringify(own).includes('"type":"CodeBlock"'), 'the link is in a block Teams lets you copy');
    assert.ok(actionTitles(own).includes('Open invitation link'));
    h.sandbox.redeem('kim@fabrikam.com');
    await h.app.background.runOnce();
    const update = h.connector.sent.find((s) => s.method === 'PUT' && s.targetId === reply.id);
    assert.match(cardText(cardOf(update)), /^Accepted$/m);
  });

  it('an add: "Added by", never "Invited by", and a pending guest "still has to accept"', async () => {
    const reply = await say(USERS.alexOwner, '/invite lynner@northwind.com');
    const text = cardText(cardOf(reply));
    assert.match(text, /Added: still has to accept/);
    assert.match(text, /Added by/);
    assert.doesNotMatch(text, /Invited by/);
    assert.doesNotMatch(text, /is now a member/, 'no sentence says more than the Pending acceptance beside it');
  });

  it('Resend asks once before another email goes out', async () => {
    const reply = await say(USERS.alexOwner, '/invite lee@fabrikam.com Lee');
    const before = invitationsTo('lee@fabrikam.com').length;
    const ask = await h.post(cardAction(where, USERS.alexOwner, 'confirmResend', { email: 'lee@fabrikam.com' }, reply.id));
    assert.match(cardText(valueOf(ask)), /Send Lee another invitation email at lee@fabrikam\.com\?/);
    assert.equal(invitationsTo('lee@fabrikam.com').length, before, 'asking sends nothing');
    const yes = JSON.stringify(valueOf(ask)).includes('"verb":"resendInvitation"');
    assert.ok(yes, 'the confirmation carries the resend');
    await h.post(cardAction(where, USERS.alexOwner, 'resendInvitation', { email: 'lee@fabrikam.com' }, reply.id));
    assert.equal(invitationsTo('lee@fabrikam.com').length, before + 1);
  });
});

describe('owners decide where they see the request', () => {
  const requestIdOf = (card: unknown) => JSON.stringify(card).match(/"requestId":"([^"]+)"/)![1]!;

  it("a member's form says plainly that it sends a request; an owner's form invites", async () => {
    const memberForm = await say(USERS.adeleMember, 'invite');
    assert.deepEqual(actionTitles(cardOf(memberForm)), ['Ask an owner']);
    assert.match(cardText(cardOf(memberForm)), /this form sends them a request/);
    const ownerForm = await say(USERS.alexOwner, 'invite');
    assert.deepEqual(actionTitles(cardOf(ownerForm)), ['Invite']);
    // With an error the request form stays a request form.
    const res = await h.post(cardAction(where, USERS.adeleMember, 'invite', { email: 'nope', asks: true }, memberForm.id));
    assert.deepEqual(actionTitles(valueOf(res)), ['Ask an owner']);
  });

  it('the request card @mentions the owners with their Teams ids', async () => {
    const reply = await say(USERS.adeleMember, '/invite mo@fabrikam.com Mo');
    const card = cardOf(reply)!;
    const entities = (card.msteams as { entities: { type: string; text: string; mentioned: { id: string; name: string } }[] }).entities;
    assert.deepEqual(
      entities.map((e) => [e.type, e.text, e.mentioned.id, e.mentioned.name]).sort(),
      [
        ['mention', '<at>Alex Wilber</at>', USERS.alexOwner.id, 'Alex Wilber'],
        ['mention', '<at>Megan Bowen</at>', USERS.meganOwner.id, 'Megan Bowen'],
      ].sort(),
    );
    const text = cardText(card);
    for (const e of entities) assert.ok(text.includes(e.text), `the card text holds ${e.text}`);
    assert.match(text, /Requested \{\{DATE\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, SHORT\)\}\} \{\{TIME\(/, 'the date as each reader sees it');
  });

  it('/requests: Approve and Decline on each request, on the owners\' own view only; decided once, on the server', async () => {
    const request = await say(USERS.adeleMember, '/invite nia@fabrikam.com Nia');
    const requestId = requestIdOf(cardOf(request));
    const list = await say(USERS.meganOwner, '/requests');
    assert.ok(!JSON.stringify(cardOf(list)).includes(requestId), 'the shared copy names no request and has no buttons');
    const seen = await viewTexts(h.connector, list.id, { owner: USERS.meganOwner, member: USERS.adeleMember });
    assert.match(seen.owner, /nia@fabrikam\.com/);
    assert.doesNotMatch(seen.member, /nia@fabrikam\.com/);
    const ownersCopy = (await h.connector.viewOf(list.id, USERS.meganOwner)).card;
    assert.ok(actionTitlesDeep(ownersCopy).includes('Approve') && actionTitlesDeep(ownersCopy).includes('Decline'));

    const forged = await h.post(cardAction(where, USERS.adeleMember, 'approveRequest', { requestId, via: 'requests' }, list.id));
    assert.match(String(valueOf(forged)), /Only this team's owners can approve/);
    assert.equal(invitationsTo('nia@fabrikam.com').length, 0);

    const approved = await h.post(cardAction(where, USERS.meganOwner, 'approveRequest', { requestId, via: 'requests' }, list.id));
    const answer = cardText(valueOf(approved));
    assert.match(answer, /Megan Bowen approved the request to invite Nia/);
    assert.doesNotMatch(answer, /nia@fabrikam\.com \)?, requested/, 'no longer listed as open');
    assert.equal(invitationsTo('nia@fabrikam.com').length, 1);
    const original = h.connector.sent.filter((s) => s.method === 'PUT' && s.targetId === request.id).at(-1);
    assert.match(cardText(cardOf(original)), /Approved: Invited/, "the request's own card shows the decision");
    const again = await h.post(cardAction(where, USERS.alexOwner, 'approveRequest', { requestId }, request.id));
    assert.ok(valueOf(again));
    assert.equal(invitationsTo('nia@fabrikam.com').length, 1, 'decided once');
  });
});

/** Every action title on a card, including those in ActionSets of its body. */
function actionTitlesDeep(card: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string') out.push(o.title);
    Object.entries(o).forEach(([k, x]) => k !== 'data' && walk(x));
  };
  walk(card);
  return out;
}

describe('help and the welcome', () => {
  it('help is a card that says which invite policy is in force and who the owners are', async () => {
    const reply = await say(USERS.adeleMember, 'help');
    const text = cardText(cardOf(reply));
    assert.match(text, /a member's invitation is a request that an owner approves/);
    assert.match(text, /This team's owners: (Alex Wilber, Megan Bowen|Megan Bowen, Alex Wilber)\./);
    assert.match(text, /\/invite alice@fabrikam\.com Alice Smith/);
  });

  it('welcomes the team when Guest Pass is added to it, with what it does and the policy', async () => {
    const base = mentionMessage({ serviceUrl: h.where.serviceUrl }, USERS.alexOwner, '');
    const activity = { ...base, type: 'conversationUpdate', text: undefined, entities: undefined, membersAdded: [{ id: '28:guest-pass-bot', name: 'Guest Pass' }] };
    assert.equal((await h.post(activity)).status, 200);
    const welcome = await h.connector.waitFor((a) => a.method === 'POST' && /Guest Pass is ready in this team/.test(cardText(cardOf(a))));
    assert.match(cardText(cardOf(welcome)), /Who may invite here: team owners invite/);
    h.connector.clear();
    await h.post({ ...activity, id: `${activity.id}-2`, membersAdded: [{ id: USERS.isaiahNotInTeam.id, name: 'Isaiah' }] });
    assert.equal(h.connector.sent.length, 0, 'someone else joining gets no welcome');
  });
});

describe('two languages', () => {
  it('answers in German when Teams says the locale is German, in English otherwise', async () => {
    const activity = { ...mentionMessage({ serviceUrl: h.where.serviceUrl }, USERS.adeleMember, 'invite'), locale: 'de-AT' };
    await h.post(activity);
    const form = await h.connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id);
    assert.deepEqual(actionTitles(cardOf(form)), ['Einen Besitzer fragen']);
    assert.match(cardText(cardOf(form)), /Anzeigename, bis zu 256 Zeichen/);
    const english = await say(USERS.adeleMember, 'invite');
    assert.deepEqual(actionTitles(cardOf(english)), ['Ask an owner']);
  });

  it('keeps the language of the turn on cards updated later in the background', async () => {
    const activity = { ...mentionMessage({ serviceUrl: h.where.serviceUrl }, USERS.alexOwner, '/invite greta@fabrikam.com Greta'), locale: 'de-DE' };
    await h.post(activity);
    const reply = await h.connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id);
    h.sandbox.redeem('greta@fabrikam.com');
    await h.app.background.runOnce();
    const update = h.connector.sent.find((a) => a.method === 'PUT' && a.targetId === reply.id);
    assert.ok(update, 'the card was updated when Greta accepted');
    assert.match(cardText(cardOf(update)), /Angenommen/, 'in German, as the turn that posted it');
  });
});
