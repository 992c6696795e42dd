// Bulk invitations at the bot's HTTP boundary: a pasted list in a channel message, the preview
// card, Confirm answered at once, and the progress card updated in place to the results.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, mentionMessage, MARKETING_GROUP, USERS } from '../support/activities';
import { cardOf, cardText } from '../support/connector';
import { useHarness } from '../support/harness';

const h = useHarness();

describe('a bulk invitation pasted in a channel', () => {
  it('is previewed, confirmed and finished with every good line invited and in the team', async () => {
    const where = { serviceUrl: h.connector.url };
    const list = ['/invite', 'bulk1@fabrikam.com', 'bulk2@fabrikam.com, Bulk Two', 'Bulk Three <bulk3@fabrikam.com>', 'not-an-address', 'BULK1@fabrikam.com', 'lynner@northwind.com'].join('\n');
    const activity = mentionMessage(where, USERS.alexOwner, list);
    assert.equal((await h.post(activity)).status, 200);
    const preview = await h.connector.waitFor((a) => a.targetId === activity.id);
    const previewText = cardText(cardOf(preview));
    assert.match(previewText, /not-an-address/, 'the bad line is shown with why');
    assert.match(previewText, /Named twice/);
    assert.equal(h.sandbox.snapshot().invitations.length, 0, 'nothing is sent before Confirm');

    const confirm = (cardOf(preview)!.actions as { verb?: string; data: { jobId: string } }[]).find((a) => a.verb === 'confirmBulk')!;
    const started = Date.now();
    const res = await h.post(cardAction(where, USERS.alexOwner, 'confirmBulk', { jobId: confirm.data.jobId }, preview.id));
    assert.equal(res.status, 200);
    assert.match(cardText((res.body as { value: unknown }).value), /Inviting|finished/);
    assert.ok(Date.now() - started < 5000, 'the card action is answered at once');

    const final = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === preview.id && /finished/.test(cardText(cardOf(a))), 30_000);
    assert.doesNotMatch(cardText(cardOf(final)), /bulk3@fabrikam\.com/, "the channel's copy names no one");
    const text = cardText((await h.connector.viewOf(preview.id, USERS.alexOwner)).card);
    assert.match(text, /bulk3@fabrikam\.com/, "the owner's own copy has each result");
    assert.match(text, /Results as CSV/);
    assert.doesNotMatch(cardText((await h.connector.viewOf(preview.id, USERS.adeleMember)).card), /bulk3@fabrikam\.com/);

    const snapshot = h.sandbox.snapshot();
    const members = snapshot.groups.find((g) => g.id === MARKETING_GROUP)!.members;
    for (const email of ['bulk1@fabrikam.com', 'bulk2@fabrikam.com', 'bulk3@fabrikam.com', 'lynner@northwind.com']) {
      const user = snapshot.users.find((u) => u.mail === email);
      assert.ok(user && members.includes(user.id), `${email} is in the team`);
    }
    assert.equal(snapshot.invitations.length, 3, 'three new guests invited once each; the existing guest only added');
    assert.equal(snapshot.users.find((u) => u.mail === 'bulk2@fabrikam.com')?.displayName, 'Bulk Two');
  });

  it("starts from the invite card's list, the single address included", async () => {
    const where = { serviceUrl: h.connector.url };
    const res = await h.post(cardAction(where, USERS.alexOwner, 'invite', { email: 'card0@fabrikam.com', displayName: 'Card Zero', bulk: 'card1@fabrikam.com\r\nCard Two <card2@fabrikam.com>\r\n', sendEmail: 'false' }, 'form-bulk'));
    const card = (res.body as { value: { actions: { verb?: string }[] } }).value;
    const text = cardText(card);
    assert.match(text, /Invite 3 people to this team\?/);
    assert.ok(card.actions.some((a) => a.verb === 'confirmBulk'));
    assert.equal(h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress.startsWith('card')).length, 0);
  });

  it('asks for an address when the card is sent empty', async () => {
    const res = await h.post(cardAction({ serviceUrl: h.connector.url }, USERS.alexOwner, 'invite', { email: '', bulk: '' }));
    assert.match(cardText((res.body as { value: unknown }).value), /Enter a valid email address: this field is empty/);
  });

  it('is refused for a member under the approval policy', async () => {
    const activity = mentionMessage({ serviceUrl: h.connector.url }, USERS.adeleMember, '/invite\nm1@fabrikam.com\nm2@fabrikam.com');
    await h.post(activity);
    const reply = await h.connector.waitFor((a) => a.targetId === activity.id);
    assert.match(reply.activity.text ?? '', /Only people who may invite guests directly/);
  });
});
