// Several bot instances sharing state in Azure Storage (Azurite): requests made through one are
// decided through another, and the background work is done once, not once per instance.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, USERS } from '../support/activities';
import { cardOf, cardText } from '../support/connector';
import { startHarness, type Harness } from '../support/harness';
import { startAzurite, type Azurite } from '../support/azurite';
import { startSandboxTenant, type SandboxTenant } from '../../src/sandbox';

let azurite: Azurite;
let sandbox: SandboxTenant;
let one: Harness;
let two: Harness;

before(async () => {
  azurite = await startAzurite();
  sandbox = await startSandboxTenant();
  const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
  one = await startHarness({ sandbox, env });
  two = await startHarness({ sandbox, env });
});
after(async () => {
  await one?.close();
  await two?.close();
  await sandbox?.close();
  await azurite?.stop();
});

const say = (h: Harness, text: string, from = USERS.alexOwner) => h.say(from, text);

describe('two instances on one Azure Storage account', () => {
  it('decides on one instance a request made on the other, once', async () => {
    const reply = await say(one, '/invite pam@fabrikam.com', USERS.adeleMember);
    const requestId = (cardOf(reply)!.actions as { data: { requestId: string } }[])[0]!.data.requestId;
    const where = { serviceUrl: one.connector.url };
    const [a, b] = await Promise.all([
      one.post(cardAction(where, USERS.alexOwner, 'approveRequest', { requestId }, reply.id)),
      two.post(cardAction(where, USERS.meganOwner, 'approveRequest', { requestId }, reply.id)),
    ]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === 'pam@fabrikam.com').length, 1);
  });

  it('tracks redemptions on one instance only and updates each card once', async () => {
    const replies = [];
    for (const name of ['quin', 'rhea', 'sol']) replies.push(await say(one, `/invite ${name}@fabrikam.com`));
    for (const name of ['quin', 'rhea', 'sol']) sandbox.redeem(`${name}@fabrikam.com`);
    one.connector.clear();

    const [r1, r2] = await Promise.all([one.app.background.runOnce(), two.app.background.runOnce()]);
    assert.equal(Number(r1.ran) + Number(r2.ran), 1, 'one instance holds the lease');
    assert.equal(r1.redeemed + r2.redeemed, 3);
    for (const reply of replies) {
      const updates = one.connector.sent.filter((s) => s.method === 'PUT' && s.targetId === reply.id);
      assert.equal(updates.length, 1);
      assert.match(cardText(cardOf(updates[0])), /Accepted/);
    }
    // The other instance's next cycle finds nothing left to do.
    const again = await Promise.all([one.app.background.runOnce(), two.app.background.runOnce()]);
    assert.equal(again[0].redeemed + again[1].redeemed, 0);
  });
});
