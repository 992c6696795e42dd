// Removing a guest from a team at the bot's HTTP boundary: `/remove` and the result card's
// "Remove from team", the confirmation card decided once by an owner, the sandbox's team
// membership, the record, the audit log and `/status`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, MARKETING_GROUP, USERS, type TestUser, type Where } from '../support/activities';
import { actionTitles, cardOf, cardText, type SentActivity } from '../support/connector';
import { useHarness } from '../support/harness';
import type { AuditEntry } from '../../src/domain/audit/audit';
import type { InvitationRecord } from '../../src/domain/invitation/records';

const h = useHarness();
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };
const say = (from: TestUser, text: string): Promise<SentActivity> => h.say(from, text);

const members = () => h.sandbox.snapshot().groups.find((g) => g.id === MARKETING_GROUP)!.members;
const userIdOf = (mail: string) => h.sandbox.snapshot().users.find((u) => u.mail?.toLowerCase() === mail)?.id;
const deletes = () => h.sandbox.requests().filter((r) => r.method === 'DELETE' && r.path.startsWith(`/v1.0/teams/${MARKETING_GROUP}/members/`));
const removalAudit = async (email: string) =>
  (await h.app.store.list<AuditEntry>('audit', `${MARKETING_GROUP}|`)).map((d) => d.value).filter((e) => e.action === 'remove' && e.subject === email);
const record = async (email: string) => (await h.app.store.get<InvitationRecord>('invitations', `${MARKETING_GROUP}|${email}`))?.value;

/** The removalId on a confirmation card's Confirm button. */
function removalIdOf(card: unknown): string {
  const actions = (card as { actions?: { verb?: string; data?: { removalId?: string } }[] }).actions ?? [];
  const id = actions.find((a) => a.verb === 'confirmRemoval')?.data?.removalId;
  assert.ok(id, 'a Confirm button with the removal id');
  return id;
}

async function click(from: TestUser, verb: string, data: Record<string, unknown>, replyToId: string) {
  const answer = await h.post(cardAction(where, from, verb, data, replyToId));
  assert.equal(answer.status, 200);
  const body = answer.body as { type?: string; value: unknown };
  return { card: body.type === 'application/vnd.microsoft.card.adaptive' ? body.value : undefined, text: typeof body.value === 'string' ? body.value : '' };
}

describe('removing a guest from the team', () => {
  it('an owner removes a guest with /remove and Confirm: the team no longer has them, the record, the audit log, the card and /status say so', async () => {
    await say(USERS.alexOwner, '/invite carol@fabrikam.com Carol');
    const carol = userIdOf('carol@fabrikam.com')!;
    assert.ok(members().includes(carol));

    const ask = await say(USERS.alexOwner, '/remove carol@fabrikam.com');
    const confirmCard = cardOf(ask);
    assert.match(cardText(confirmCard), /Remove Carol from this team\?/);
    assert.match(cardText(confirmCard), /guest account stays/);
    assert.deepEqual(actionTitles(confirmCard), ['Confirm', 'Cancel']);
    assert.ok(members().includes(carol), 'nothing happens before Confirm');

    const done = await click(USERS.meganOwner, 'confirmRemoval', { removalId: removalIdOf(confirmCard) }, ask.id);
    assert.match(cardText(done.card), /Removed from team/);
    assert.match(cardText(done.card), /removed from this team by Megan Bowen/);
    const shared = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === ask.id);
    assert.match(cardText(cardOf(shared)), /Removed from team/, 'the shared card says so too');

    assert.ok(!members().includes(carol), 'out of the team');
    assert.ok(h.sandbox.snapshot().users.some((u) => u.id === carol), 'the guest account stays in the directory');
    const r = await record('carol@fabrikam.com');
    assert.equal(r?.inGroup, false);
    assert.equal(r?.removedBy?.id, USERS.meganOwner.aadObjectId);
    assert.ok(r?.removedAt);
    const audit = await removalAudit('carol@fabrikam.com');
    assert.deepEqual(audit.map((e) => [e.outcome, e.actor.id, e.userId]), [['removed', USERS.meganOwner.aadObjectId, carol]]);

    const status = await say(USERS.alexOwner, '/status carol@fabrikam.com');
    assert.match(status.activity.text ?? '', /Removed from this team on \d{4}-\d\d-\d\d \d\d:\d\d UTC by Megan Bowen/);
    assert.match(status.activity.text ?? '', /Member of this team: no/);
  });

  it('refuses Confirm from a member and from a guest, checked at click time, and the guest stays', async () => {
    const ask = await say(USERS.alexOwner, '/remove pattif@fabrikam.com');
    const removalId = removalIdOf(cardOf(ask));
    for (const who of [USERS.adeleMember, USERS.pattiGuest]) {
      const refused = await click(who, 'confirmRemoval', { removalId }, ask.id);
      assert.equal(refused.card, undefined);
      assert.match(refused.text, /Only this team's owners can remove guests/);
    }
    assert.ok(members().includes(USERS.pattiGuest.aadObjectId));
    assert.equal(deletes().length, 0, 'no removal reached Graph');
    assert.equal((await removalAudit('pattif@fabrikam.com')).length, 0);

    const cancelled = await click(USERS.alexOwner, 'cancelRemoval', { removalId }, ask.id);
    assert.match(cardText(cancelled.card), /Removal cancelled/);
    const late = await click(USERS.meganOwner, 'confirmRemoval', { removalId }, ask.id);
    assert.match(cardText(late.card), /Removal cancelled/, 'a cancelled removal stays cancelled');
    assert.ok(members().includes(USERS.pattiGuest.aadObjectId));
  });

  it('a second Confirm does nothing twice: one removal in Graph, one audit entry', async () => {
    const ask = await say(USERS.alexOwner, '/remove pattif@fabrikam.com');
    const removalId = removalIdOf(cardOf(ask));
    const first = await click(USERS.alexOwner, 'confirmRemoval', { removalId }, ask.id);
    assert.match(cardText(first.card), /removed from this team by Alex Wilber/);
    const second = await click(USERS.meganOwner, 'confirmRemoval', { removalId }, ask.id);
    assert.match(cardText(second.card), /removed from this team by Alex Wilber/, 'the first decision stands');
    assert.equal(deletes().length, 1);
    assert.equal((await removalAudit('pattif@fabrikam.com')).length, 1);
    assert.ok(!members().includes(USERS.pattiGuest.aadObjectId));
  });

  it("offers Remove from team on a guest's result card, which asks for confirmation first", async () => {
    const invited = await say(USERS.alexOwner, '/invite dora@fabrikam.com Dora');
    assert.ok(actionTitles(cardOf(invited)).includes('Remove from team'));
    const ask = await click(USERS.alexOwner, 'askRemoval', { email: 'dora@fabrikam.com' }, invited.id);
    assert.deepEqual(actionTitles(ask.card), ['Confirm', 'Cancel']);
    assert.ok(members().includes(userIdOf('dora@fabrikam.com')!), 'still in the team until Confirm');
    const byMember = await click(USERS.adeleMember, 'askRemoval', { email: 'dora@fabrikam.com' }, invited.id);
    assert.match(byMember.text, /Only this team's owners/);
  });

  it('answers /remove plainly for a tenant member, someone not in the team, a non-owner and a missing address', async () => {
    assert.match((await say(USERS.alexOwner, '/remove adelev@contoso.com')).activity.text ?? '', /is not a guest/);
    assert.match((await say(USERS.alexOwner, '/remove lynner@northwind.com')).activity.text ?? '', /is not a member of this team/);
    assert.match((await say(USERS.adeleMember, '/remove pattif@fabrikam.com')).activity.text ?? '', /Only this team's owners/);
    assert.match((await say(USERS.alexOwner, '/remove')).activity.text ?? '', /`\/remove alice@fabrikam\.com`/);
    assert.equal(deletes().length, 0);
  });
});
