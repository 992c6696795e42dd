// One invitation budget per tenant: two bot instances on one Azure Storage account (Azurite) run
// bulk jobs at the same time, and Graph (the sandbox, enforcing a shortened window of the same
// shape, throttled requests counting) never sees more than L invitations in any window.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxTenant, type SandboxTenant } from '../../src/sandbox';
import { cardAction, MARKETING_GROUP, mentionMessage, USERS } from '../support/activities';
import { cardOf, cardText } from '../support/connector';
import { startAzurite, type Azurite } from '../support/azurite';
import { startHarness, type Harness } from '../support/harness';

const L = 6;
const WINDOW_MS = 1000;

let azurite: Azurite;
let sandbox: SandboxTenant;
let one: Harness;
let two: Harness;

before(async () => {
  azurite = await startAzurite();
  sandbox = await startSandboxTenant({ latencyMs: 20, enforceThrottling: true, throttle: { invitationsPerWindow: L, windowMs: WINDOW_MS } });
  const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, BULK_INVITATIONS_PER_5S: String(L) };
  const overrides = { invitationWindowMs: WINDOW_MS };
  one = await startHarness({ sandbox, env, overrides });
  two = await startHarness({ sandbox, env, overrides });
});
after(async () => {
  await one?.close();
  await two?.close();
  await sandbox?.close();
  await azurite?.stop();
});

/** Pastes a list on `h`, confirms it, and waits for the final card. */
async function bulk(h: Harness, emails: string[]): Promise<string> {
  const where = { serviceUrl: h.connector.url };
  const activity = mentionMessage(where, USERS.alexOwner, ['/invite', ...emails].join('\n'));
  assert.equal((await h.post(activity)).status, 200);
  const preview = await h.connector.waitFor((a) => a.targetId === activity.id);
  const jobId = JSON.stringify(cardOf(preview)).match(/"jobId":"([^"]+)"/)?.[1];
  assert.ok(jobId, 'a preview card');
  assert.equal((await h.post(cardAction(where, USERS.alexOwner, 'confirmBulk', { jobId }, preview.id))).status, 200);
  const final = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === preview.id && /finished/.test(cardText(cardOf(a))), 120_000);
  return cardText(cardOf(final));
}

/** The largest number of arrivals in any half-open window (t − windowMs, t]. */
function busiestWindow(arrivals: number[], windowMs: number): number {
  const a = [...arrivals].sort((x, y) => x - y);
  let most = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    while ((a[j] as number) <= (a[i] as number) - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('two instances on one Azure Storage account share the invitation budget', () => {
  it('never let more than L invitations reach Graph in any window, with no 429, and both lists get through', async () => {
    const first = Array.from({ length: 15 }, (_, i) => `shareda${i + 1}@fabrikam.com`);
    const second = Array.from({ length: 15 }, (_, i) => `sharedb${i + 1}@fabrikam.com`);
    await Promise.all([bulk(one, first), bulk(two, second)]);

    const invitations = sandbox.requests().filter((r) => r.method === 'POST' && r.path === '/v1.0/invitations');
    assert.equal(invitations.filter((r) => r.status === 429).length, 0, 'no 429');
    assert.equal(invitations.length, 30, 'one POST per guest');
    const arrivals = invitations.map((r) => Date.parse(r.at));
    assert.ok(busiestWindow(arrivals, WINDOW_MS) <= L, `busiest window: ${busiestWindow(arrivals, WINDOW_MS)} > ${L}`);

    const snapshot = sandbox.snapshot();
    const members = snapshot.groups.find((g) => g.id === MARKETING_GROUP)!.members;
    for (const email of [...first, ...second]) {
      assert.equal(snapshot.invitations.filter((i) => i.invitedUserEmailAddress === email).length, 1, `${email} invited once`);
      const user = snapshot.users.find((u) => u.mail === email);
      assert.ok(user && members.includes(user.id), `${email} is in the team`);
    }
  });
});
