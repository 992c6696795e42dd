// A directory that answers less than Microsoft Graph does (a stand-in without the combined $filter,
// without `in`, without $batch, without /organization) still gets the same outcomes, one simpler
// request at a time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, MARKETING_GROUP, USERS } from '../support/activities';
import { cardOf, cardText } from '../support/connector';
import { useHarness } from '../support/harness';

const h = useHarness();

const members = () => h.sandbox.snapshot().groups.find((g) => g.id === MARKETING_GROUP)!.members;

describe('a directory that answers less than Graph', () => {
  it('finds an existing guest with one simple filter at a time when the combined filter is refused', async () => {
    h.sandbox.addFault({ method: 'GET', path: '/users', status: 400, code: 'Request_UnsupportedQuery', message: 'Unsupported query.', times: 1 });
    const reply = await h.say(USERS.alexOwner, '/invite lynner@northwind.com');
    assert.match(cardText(cardOf(reply)), /Added/);
    assert.equal(h.sandbox.snapshot().invitations.length, 0, 'not invited again');
    const filters = h.sandbox.requests().filter((r) => r.path === '/v1.0/users').map((r) => r.query.$filter ?? '');
    assert.ok(filters.some((f) => f.startsWith('mail eq ') && !f.includes(' or ')), 'asked by mail alone');
  });

  it('invites when the verified-domains read is not available', async () => {
    h.sandbox.addFault({ method: 'GET', path: '/organization', status: 404, code: 'Request_ResourceNotFound', message: 'not here', times: 5 });
    const reply = await h.say(USERS.alexOwner, '/invite org@fabrikam.com');
    assert.match(cardText(cardOf(reply)), /Invited/);
  });

  it("still never invites the tenant's own addresses: the inviter's domain stands in for the verified domains", async () => {
    h.sandbox.addFault({ method: 'GET', path: '/organization', status: 404, code: 'Request_ResourceNotFound', message: 'not here', times: 5 });
    const reply = await h.say(USERS.alexOwner, '/invite nobody@contoso.com');
    assert.match(cardText(cardOf(reply)), /contoso\.com belongs to your organization/);
    assert.equal(h.sandbox.snapshot().invitations.length, 0);
  });

  it('tracks redemptions one user at a time when `id in (...)` is refused', async () => {
    const reply = await h.say(USERS.alexOwner, '/invite inless@fabrikam.com');
    h.sandbox.redeem('inless@fabrikam.com');
    h.sandbox.addFault({ method: 'GET', path: '/users', status: 400, code: 'Request_UnsupportedQuery', message: 'Unsupported query.', times: 1 });
    const report = await h.app.background.runOnce();
    assert.equal(report.redeemed, 1);
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === reply.id);
    assert.match(cardText(cardOf(update)), /Accepted/);
  });

  it('runs a bulk invitation without $batch, one look-up at a time', async () => {
    h.sandbox.addFault({ method: 'POST', path: '/$batch', status: 404, code: 'NotFound', message: 'No route', times: 100 });
    const preview = await h.say(USERS.alexOwner, '/invite\nnb1@fabrikam.com\nnb2@fabrikam.com\nlynner@northwind.com');
    const jobId = (cardOf(preview)!.actions as { verb?: string; data: { jobId: string } }[]).find((a) => a.verb === 'confirmBulk')!.data.jobId;
    await h.post(cardAction({ serviceUrl: h.connector.url }, USERS.alexOwner, 'confirmBulk', { jobId }, preview.id));
    await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === preview.id && /finished/.test(cardText(cardOf(a))), 30_000);
    const snapshot = h.sandbox.snapshot();
    for (const email of ['nb1@fabrikam.com', 'nb2@fabrikam.com', 'lynner@northwind.com']) {
      assert.ok(members().includes(snapshot.users.find((u) => u.mail === email)!.id), `${email} in the team`);
    }
    assert.equal(snapshot.invitations.length, 2);
  });
});
