// Where guests stand (/status, /guests), resending an invitation, and the audit export.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, USERS, LEGAL_TEAM, MARKETING_GROUP, NO_GUESTS_GROUP, type TestUser, type Where } from '../support/activities';
import { cardOf, cardText } from '../support/connector';
import { useHarness } from '../support/harness';

const h = useHarness();
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };

const say = (from: TestUser, text: string, at?: Where) => h.say(from, text, at);
const textOf = async (from: TestUser, text: string, at?: Where) => (await say(from, text, at)).activity.text ?? '';
/** What `viewer` reads on the card the bot answered `text` with (their own view, where Teams fetches one). */
const viewOf = async (from: TestUser, text: string, viewer: TestUser = from) => cardText((await h.connector.viewOf((await say(from, text)).id, viewer)).card);

describe('/status', () => {
  it('says who invited a guest, when, where they stand and whether they are in the team', async () => {
    await say(USERS.alexOwner, '/invite amy@fabrikam.com Amy Adams');
    const pending = await textOf(USERS.adeleMember, '/status amy@fabrikam.com');
    assert.match(pending, /\*\*Amy Adams\*\* \(amy@fabrikam\.com\)/);
    assert.match(pending, /Invited through Guest Pass on \d{4}-\d\d-\d\d \d\d:\d\d UTC by Alex Wilber/);
    assert.match(pending, /Status: Pending acceptance/);
    assert.match(pending, /Member of this team: yes/);

    h.sandbox.redeem('amy@fabrikam.com');
    assert.match(await textOf(USERS.alexOwner, '/status AMY@fabrikam.com'), /Status: Accepted/);
  });

  it('reads the directory for people Guest Pass did not invite', async () => {
    const text = await textOf(USERS.alexOwner, '/status lynner@northwind.com');
    assert.match(text, /Not invited through Guest Pass/);
    assert.match(text, /Member of this team: no/);
    assert.match(await textOf(USERS.alexOwner, '/status nobody@nowhere.com'), /not in your directory/);
  });

  it('refuses guests, and explains a bad or missing address', async () => {
    assert.match(await textOf(USERS.pattiGuest, '/status amy@fabrikam.com'), /Only members of this team/);
    assert.match(await textOf(USERS.alexOwner, '/status'), /Tell me whose status/);
    assert.match(await textOf(USERS.alexOwner, '/status not-an-address'), /Enter a valid email address/);
  });
});

describe('/guests', () => {
  it("lists this team's guests for owners, with their state, in pages", async () => {
    await say(USERS.alexOwner, '/invite isaiahl@contoso.com');
    await say(USERS.alexOwner, '/invite pattif@fabrikam.com');
    for (let i = 1; i <= 22; i++) await say(USERS.alexOwner, `/invite g${i}@fabrikam.com Guest ${i}`);
    h.sandbox.redeem('g22@fabrikam.com');
    const first = await viewOf(USERS.alexOwner, '/guests');
    assert.match(first, /2\d guests invited through Guest Pass\*\* \(page 1 of 2\)/, "22 here plus those of earlier tests");
    assert.match(first, /Guest 22 \(g22@fabrikam\.com\): Accepted/);
    assert.match(first, /Guest 3 \(g3@fabrikam\.com\): Pending acceptance/);
    assert.match(first, /More: `\/guests 2`/);
    assert.equal(first.split('\n').filter((l) => l.startsWith('- ')).length, 20);
    const second = await viewOf(USERS.alexOwner, '/guests 2');
    for (const text of [first, second]) {
      assert.doesNotMatch(text, /isaiahl@contoso\.com/, 'a tenant member is not a guest');
      assert.doesNotMatch(text, /pattif@fabrikam\.com/, 'someone already in the team was not brought in by Guest Pass');
    }
    assert.match(second, /page 2 of 2/);
    assert.match(second, /g1@fabrikam\.com/);
    const reads = h.sandbox.requests().filter((r) => r.method === 'GET' && r.query.$filter?.startsWith('id in'));
    assert.ok(reads.length <= 4, `states read in batches (${reads.length} reads for two pages)`);
  });

  it('refuses members', async () => {
    assert.match(await textOf(USERS.adeleMember, '/guests'), /Only this team's owners/);
  });
});

describe('resending an invitation', () => {
  it('creates a new invitation and redeem link for a pending guest from the card', async () => {
    const reply = await say(USERS.alexOwner, '/invite ian@fabrikam.com');
    const first = h.sandbox.snapshot().invitations[0]!;
    const res = await h.post(cardAction(where, USERS.meganOwner, 'resendInvitation', { email: 'ian@fabrikam.com' }, reply.id));
    const text = cardText((res.body as { value: unknown }).value);
    assert.match(text, /Re-invited/);
    const invitations = h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === 'ian@fabrikam.com');
    assert.equal(invitations.length, 2);
    assert.equal(invitations[1]!.userId, first.userId, 'same guest');
    assert.notEqual(invitations[1]!.inviteRedeemUrl, first.inviteRedeemUrl);
    assert.ok(text.includes(invitations[1]!.inviteRedeemUrl), 'the new link is on the card');
  });

  it('resends by command and refuses once the guest has accepted', async () => {
    await say(USERS.alexOwner, '/invite jay@fabrikam.com');
    assert.match(cardText(cardOf(await say(USERS.alexOwner, '/invite --resend jay@fabrikam.com'))), /Re-invited/);
    h.sandbox.redeem('jay@fabrikam.com');
    const refused = cardText(cardOf(await say(USERS.alexOwner, '/invite --resend jay@fabrikam.com')));
    assert.match(refused, /already accepted/);
    assert.equal(h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === 'jay@fabrikam.com').length, 2);
  });

  it('does not let a member resend under the approval policy', async () => {
    const reply = await say(USERS.alexOwner, '/invite kim@fabrikam.com');
    h.connector.clear();
    const res = await h.post(cardAction(where, USERS.adeleMember, 'resendInvitation', { email: 'kim@fabrikam.com' }, reply.id));
    const answer = res.body as { type: string; value: unknown };
    assert.equal(answer.type, 'application/vnd.microsoft.activity.message', 'a private answer to the clicker');
    assert.match(String(answer.value), /Only team owners can invite/);
    assert.equal(h.connector.sent.filter((a) => a.method === 'PUT').length, 0, 'the shared card is left as it was');
    assert.equal(h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === 'kim@fabrikam.com').length, 1);
  });
});

describe('the audit log', () => {
  const local = (url: string) => url.replace(/^http:\/\/localhost:\d+/, h.botUrl);
  async function auditLink(): Promise<{ text: string; url: string }> {
    const text = await viewOf(USERS.alexOwner, '/audit');
    const url = /(http\S+\.csv)/.exec(text)?.[1];
    assert.ok(url, text);
    return { text, url: local(url) };
  }

  it("gives owners a short-lived CSV link with this team's actions only", async () => {
    await say(USERS.alexOwner, '/invite lou@fabrikam.com');
    h.sandbox.settings({ suspiciousActivityBlock: true });
    await say(USERS.alexOwner, '/invite max@fabrikam.com');
    h.sandbox.settings({ suspiciousActivityBlock: false });
    await say(USERS.adeleMember, '/invite ned@fabrikam.com');
    await say(USERS.alexOwner, '/invite other@fabrikam.com', { ...where, teamId: LEGAL_TEAM });

    const { text, url } = await auditLink();
    assert.match(text, /works once, for the next 5 minutes, and only for this team/);
    assert.match(text, /for you, the owner who asked/);
    assert.ok(new URL(url).pathname.startsWith(`/exports/${MARKETING_GROUP}/`), 'the link names the team');
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment;/);
    const csv = await res.text();
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'time,action,actor,actor id,subject,outcome,reason,user id,invitation id,graph code,graph request id');
    assert.ok(lines.some((l) => /,invite,Alex Wilber,.*,lou@fabrikam\.com,invited,/.test(l)));
    assert.ok(lines.some((l) => /,invite,Alex Wilber,.*,max@fabrikam\.com,failed,suspiciousActivity,.*,Forbidden,[0-9a-f-]{36}$/.test(l)), 'failures carry the request-id');
    assert.ok(lines.some((l) => /,request,Adele Vance,.*,ned@fabrikam\.com,requested,/.test(l)));
    assert.ok(!csv.includes('other@fabrikam.com'), "no other team's data");
  });

  it('downloads once: the same link then answers 404 with a plain message', async () => {
    const { url } = await auditLink();
    assert.equal((await fetch(url)).status, 200);
    const again = await fetch(url);
    assert.equal(again.status, 404);
    assert.match(((await again.json()) as { message: string }).message, /expired, has already been used, or does not exist/);
  });

  it('lets only one of several simultaneous downloads of a link succeed', async () => {
    const { url } = await auditLink();
    const statuses = (await Promise.all([fetch(url), fetch(url), fetch(url)])).map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 404, 404]);
  });

  it("refuses a token presented with another team's group id, and the link still works for its own team", async () => {
    const { url } = await auditLink();
    const foreign = url.replace(`/exports/${MARKETING_GROUP}/`, `/exports/${NO_GUESTS_GROUP}/`);
    assert.notEqual(foreign, url);
    assert.equal((await fetch(foreign)).status, 404);
    assert.equal((await fetch(url)).status, 200, 'the refused attempt did not use the link up');
  });

  it('answers 404 to an unknown or malformed token and refuses members', async () => {
    assert.equal((await fetch(`${h.botUrl}/exports/${MARKETING_GROUP}/${'A'.repeat(43)}.csv`)).status, 404);
    assert.equal((await fetch(`${h.botUrl}/exports/${MARKETING_GROUP}/..%2F..%2Fetc.csv`)).status, 404);
    assert.equal((await fetch(`${h.botUrl}/exports/..%2F..%2Fetc/${'A'.repeat(43)}.csv`)).status, 404);
    assert.equal((await fetch(`${h.botUrl}/exports/${'A'.repeat(43)}.csv`)).status, 404);
    assert.match(await textOf(USERS.adeleMember, '/audit'), /Only this team's owners/);
  });
});
