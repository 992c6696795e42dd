// Operations: structured logs without secrets or redeem links, readiness, and a clean stop.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cardAction, mentionMessage, USERS, MARKETING_GROUP, MARKETING_TEAM } from '../support/activities';
import { ConnectorStandIn } from '../support/connector';
import { sandboxEnv, startHarness, type Harness } from '../support/harness';
import { startBotProcess } from '../support/botProcess';

const lines: string[] = [];
let h: Harness;

before(async () => {
  h = await startHarness({ logs: { level: 'debug', stream: { write: (line: string) => void lines.push(line) } } });
});
after(async () => h.close());

describe('logs', () => {
  it('are JSON lines, one correlation id per turn, with Graph request-ids and no secrets, tokens or redeem links', async () => {
    const where = { serviceUrl: h.connector.url };
    const activity = mentionMessage(where, USERS.alexOwner, '/invite log@fabrikam.com');
    await h.post(activity);
    await h.post(cardAction(where, USERS.alexOwner, 'invite', { email: 'card@fabrikam.com' }));
    await h.post(cardAction(where, USERS.alexOwner, 'showRedeemLink', { email: 'log@fabrikam.com' }));
    h.sandbox.settings({ suspiciousActivityBlock: true });
    await h.post(mentionMessage(where, USERS.alexOwner, '/invite fail@fabrikam.com'));
    h.sandbox.settings({ suspiciousActivityBlock: false });

    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const turn = entries.filter((e) => e.activityId === activity.id);
    assert.ok(turn.some((e) => e.msg === 'command') && turn.some((e) => e.msg === 'invitation'), 'the turn is followed by its activity id');
    assert.ok(entries.some((e) => e.msg === 'invitation' && e.outcome === 'failed' && typeof e.requestId === 'string'), "a failure carries Graph's request-id");

    const all = lines.join('\n');
    for (const invitation of h.sandbox.snapshot().invitations) {
      assert.ok(!all.includes(invitation.inviteRedeemUrl), 'no redeem link');
      assert.ok(!all.includes(invitation.inviteRedeemUrl.split('ticket=')[1]!), 'no redeem ticket');
    }
    assert.ok(!all.includes(h.sandbox.clientSecret), 'no client secret');
    assert.doesNotMatch(all, /Bearer |eyJ[A-Za-z0-9_-]{10,}\./, 'no tokens');
  });
});

describe('health', () => {
  it('reports ready when the store and the Graph token are reachable', async () => {
    const res = await fetch(`${h.botUrl}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { checks: unknown }).checks, { store: true, graphToken: true });
  });

  it('reports not ready, without crashing, when the Graph credential is wrong', async () => {
    const wrong = await startHarness({ sandbox: h.sandbox, env: { AZURE_CLIENT_SECRET: 'not-the-secret' } });
    try {
      const res = await fetch(`${wrong.botUrl}/readyz`);
      assert.equal(res.status, 503);
      assert.deepEqual(((await res.json()) as { checks: unknown }).checks, { store: true, graphToken: false });
      assert.equal((await fetch(`${wrong.botUrl}/healthz`)).status, 200, 'alive all the same');
    } finally {
      await wrong.close();
    }
  });
});

describe('stopping', () => {
  it('finishes an in-flight turn on SIGTERM, then exits 0', async () => {
    const connector = await new ConnectorStandIn().start();
    connector.teams.set(MARKETING_TEAM, { id: MARKETING_TEAM, name: 'Contoso Marketing', aadGroupId: MARKETING_GROUP });
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const bot = await startBotProcess({ ...sandboxEnv(h.sandbox), BOT_ALLOW_ANONYMOUS: 'true', LOG_LEVEL: 'info', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gp-stop-')) }, port);
    h.sandbox.settings({ latencyMs: 400 });
    try {
      const activity = mentionMessage({ serviceUrl: connector.url }, USERS.alexOwner, '/invite slow@fabrikam.com');
      const pending = fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      await new Promise((r) => setTimeout(r, 300));
      bot.child.kill('SIGTERM');
      const res = await pending;
      assert.equal(res.status, 200);
      assert.ok(connector.sent.some((a) => a.targetId === activity.id), 'the reply was sent before the stop');
      assert.equal(await bot.exited, 0);
      assert.match(bot.output(), /stopped/);
    } finally {
      h.sandbox.settings({ latencyMs: 0 });
      await bot.kill();
      await connector.stop();
    }
  });
});
