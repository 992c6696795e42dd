// Following every guest to the finish: redemption tracking, pending adds finished later (also
// across a killed process), approved requests finished after a crash, reminders, one worker at a time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { cardAction, mentionMessage, USERS, MARKETING_GROUP, MARKETING_TEAM, type TestUser, type Where } from '../support/activities';
import { actionTitles, cardOf, cardText, ConnectorStandIn } from '../support/connector';
import { sandboxEnv, startHarness, useHarness } from '../support/harness';
import { startBotProcess, runBotToExit } from '../support/botProcess';
import { BackgroundWork, type BackgroundDeps } from '../../src/domain/backgroundWork';

const h = useHarness({ overrides: { reminderAfterMs: 0 } });
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };

const say = (from: TestUser, text: string) => h.say(from, text);
const members = () => h.sandbox.snapshot().groups.find((g) => g.id === MARKETING_GROUP)!.members;
const userId = (mail: string) => h.sandbox.snapshot().users.find((u) => u.mail === mail)?.id;

describe('redemption tracking', () => {
  it('turns the original result card to Accepted when the guest redeems', async () => {
    const reply = await say(USERS.alexOwner, '/invite rose@fabrikam.com Rose');
    assert.match(cardText(cardOf(reply)), /Pending acceptance/);
    h.sandbox.redeem('rose@fabrikam.com');

    const report = await h.app.background.runOnce();
    assert.equal(report.redeemed, 1);
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === reply.id);
    const text = cardText(cardOf(update));
    assert.match(text, /Accepted/);
    assert.match(text, /Rose accepted the invitation and is a member of this team/);
    assert.doesNotMatch(text, /Pending acceptance/);
    assert.doesNotMatch(text, /Show invitation link|Resend/, 'nothing left to redeem or resend');
  });

  it('reads pending guests in batches of ids, not one call per guest', async () => {
    for (const name of ['a1', 'a2', 'a3', 'a4']) await say(USERS.alexOwner, `/invite ${name}@fabrikam.com`);
    h.sandbox.clearRequests();
    await h.app.background.runOnce();
    const userReads = h.sandbox.requests().filter((r) => r.method === 'GET' && r.path.startsWith('/v1.0/users'));
    assert.equal(userReads.length, 1, 'one filtered read covers all of them');
    assert.match(userReads[0]!.query.$filter ?? '', /^id in \(/);
  });

  it('updates the card by itself on the configured schedule, without anyone asking', async () => {
    const quick = await startHarness({ sandbox: h.sandbox, env: { REDEMPTION_CHECK_SECONDS: '1' } });
    try {
      const activity = mentionMessage({ serviceUrl: quick.connector.url }, USERS.alexOwner, '/invite sky@fabrikam.com');
      await quick.post(activity);
      const reply = await quick.connector.waitFor((a) => a.targetId === activity.id);
      h.sandbox.redeem('sky@fabrikam.com');
      const update = await quick.connector.waitFor((a) => a.method === 'PUT' && a.targetId === reply.id, 15_000);
      assert.match(cardText(cardOf(update)), /Accepted/);
    } finally {
      await quick.close();
    }
  });
});

describe('pending group adds', () => {
  it('finishes a pending add later and updates the card', async () => {
    h.sandbox.settings({ replicationLagAttempts: 100 });
    const reply = await say(USERS.alexOwner, '/invite tom@fabrikam.com');
    assert.match(cardText(cardOf(reply)), /Pending add/);
    assert.ok(!members().includes(userId('tom@fabrikam.com')!));

    h.sandbox.settings({ replicationLagAttempts: 0 });
    const report = await h.app.background.runOnce();
    assert.equal(report.addsCompleted, 1);
    assert.ok(members().includes(userId('tom@fabrikam.com')!));
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === reply.id);
    assert.match(cardText(cardOf(update)), /Invited/);
    assert.equal((await h.app.store.list('pendingAdds')).length, 0);
  });

  it('keeps retrying while the guest is still replicating', async () => {
    h.sandbox.settings({ replicationLagAttempts: 100 });
    await say(USERS.alexOwner, '/invite ugo@fabrikam.com');
    const report = await h.app.background.runOnce();
    assert.equal(report.addsCompleted, 0);
    assert.equal((await h.app.store.list('pendingAdds')).length, 1, 'still stored');
    h.sandbox.settings({ replicationLagAttempts: 0 });
    await h.app.background.runOnce();
    assert.ok(members().includes(userId('ugo@fabrikam.com')!));
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('the bot process killed and restarted', () => {
  it('finishes the group add of a guest invited just before the process was killed', async () => {
    const connector = await new ConnectorStandIn().start();
    connector.teams.set(MARKETING_TEAM, { id: MARKETING_TEAM, name: 'Contoso Marketing', aadGroupId: MARKETING_GROUP });
    const env = { ...sandboxEnv(h.sandbox), BOT_ALLOW_ANONYMOUS: 'true', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gp-kill-')), REDEMPTION_CHECK_SECONDS: '1' };
    h.sandbox.settings({ replicationLagAttempts: 1000 });
    const first = await startBotProcess(env, await freePort());
    try {
      const activity = mentionMessage({ serviceUrl: connector.url }, USERS.alexOwner, '/invite val@fabrikam.com');
      await fetch(`${first.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const reply = await connector.waitFor((a) => a.targetId === activity.id);
      assert.match(cardText(cardOf(reply)), /Pending add/);
      await first.kill('SIGKILL');

      h.sandbox.settings({ replicationLagAttempts: 0 });
      const second = await startBotProcess(env, await freePort());
      try {
        const update = await connector.waitFor((a) => a.method === 'PUT' && a.targetId === reply.id, 20_000);
        assert.match(cardText(cardOf(update)), /Invited/);
        assert.ok(members().includes(userId('val@fabrikam.com')!));
      } finally {
        await second.kill('SIGTERM');
      }
    } finally {
      await first.kill();
      await connector.stop();
    }
  });

  it('refuses to start without an app id unless BOT_ALLOW_ANONYMOUS=true, with a clear message', async () => {
    const { code, output } = await runBotToExit({ ...sandboxEnv(h.sandbox) });
    assert.equal(code, 2);
    assert.match(output, /MicrosoftAppId is not set/);
  });
});

describe('invitations interrupted by a crash', () => {
  const intent = (email: string) => ({
    team: { groupId: MARKETING_GROUP, teamId: MARKETING_TEAM, deepLink: 'https://teams.microsoft.com/l/team/x' },
    caller: { id: USERS.alexOwner.aadObjectId, name: 'Alex Wilber' },
    request: { email, displayName: email.split('@')[0], sendEmail: true },
    startedAt: new Date(Date.now() - 120_000).toISOString(),
  });

  it('leaves no intent behind after a normal invitation', async () => {
    await say(USERS.alexOwner, '/invite calm@fabrikam.com');
    assert.equal((await h.app.store.list('inviteIntents')).length, 0);
  });

  it('adds and records a guest Graph created just before the process died, without inviting again', async () => {
    // Lynne exists as a guest: as if the invitation had gone through and the process died before the add.
    await h.app.store.put('inviteIntents', `${MARKETING_GROUP}|lynner@northwind.com`, intent('lynner@northwind.com'));
    const report = await h.app.background.runOnce();
    assert.equal(report.invitationsFinished, 1);
    assert.ok(members().includes(USERS.lynneGuestNotInTeam.aadObjectId));
    assert.equal(h.sandbox.snapshot().invitations.length, 0, 'not invited a second time');
    assert.equal((await h.app.store.list('inviteIntents')).length, 0);
    const status = await say(USERS.alexOwner, '/status lynner@northwind.com');
    assert.match(status.activity.text ?? '', /Invited through Guest Pass .* by Alex Wilber/);
  });

  it('finishes an invitation that never reached Graph', async () => {
    await h.app.store.put('inviteIntents', `${MARKETING_GROUP}|lost@fabrikam.com`, intent('lost@fabrikam.com'));
    await h.app.background.runOnce();
    assert.equal(h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === 'lost@fabrikam.com').length, 1);
    assert.ok(members().includes(userId('lost@fabrikam.com')!));
  });
});

describe('approved requests and reminders', () => {
  it('finishes an approved request whose invitation never ran (a crash after the claim)', async () => {
    const reply = await say(USERS.adeleMember, '/invite wyn@fabrikam.com');
    const requestId = ((cardOf(reply)!.actions as { data: { requestId: string } }[])[0]!).data.requestId;
    // The claim was written, then the process died before inviting:
    const key = `${MARKETING_GROUP}|${requestId}`;
    const doc = (await h.app.store.get<Record<string, unknown>>('requests', key))!;
    await h.app.store.put('requests', key, { ...doc.value, status: 'approved', decidedBy: { id: USERS.alexOwner.aadObjectId, name: 'Alex Wilber' }, decidedAt: new Date(Date.now() - 120_000).toISOString() });

    const report = await h.app.background.runOnce();
    assert.equal(report.requestsFinished, 1);
    assert.equal(h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === 'wyn@fabrikam.com').length, 1);
    const update = await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === reply.id);
    assert.match(cardText(cardOf(update)), /Approved: Invited/);
    await h.app.background.runOnce();
    assert.equal(h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === 'wyn@fabrikam.com').length, 1, 'never twice');
  });

  it('reminds the owners once about a request left open', async () => {
    const reply = await say(USERS.adeleMember, '/invite xan@fabrikam.com');
    h.connector.clear();
    await h.app.background.runOnce();
    await h.app.background.runOnce();
    const reminders = h.connector.sent.filter((a) => /Reminder/.test(cardText(cardOf(a))) && /xan@fabrikam\.com/.test(cardText(cardOf(a))));
    assert.equal(reminders.length, 1);
    assert.equal(reminders[0]!.conversationId, reply.conversationId);
    assert.deepEqual(actionTitles(cardOf(reminders[0])), ['Approve', 'Decline'], 'the reminder carries the same buttons');
    // Decided requests get no reminder.
    const requestId = ((cardOf(reply)!.actions as { data: { requestId: string } }[])[0]!).data.requestId;
    await h.post(cardAction(where, USERS.alexOwner, 'declineRequest', { requestId }, reply.id));
  });
});

describe('one worker at a time', () => {
  it('lets only one instance hold the background lease', async () => {
    const deps = { ...(h.app.background as unknown as { deps: BackgroundDeps }).deps, leaseMs: 60_000 };
    const a = new BackgroundWork({ ...deps, instanceId: 'instance-a' });
    const b = new BackgroundWork({ ...deps, instanceId: 'instance-b' });
    await h.app.store.delete('leases', 'background');
    const [ra, rb] = await Promise.all([a.acquireLease(), b.acquireLease()]);
    assert.equal(Number(ra) + Number(rb), 1, 'exactly one wins');
    assert.equal(await (ra ? a : b).acquireLease(), true, 'the holder renews');
    assert.equal(await (ra ? b : a).acquireLease(), false, 'the other waits');
    await h.app.store.delete('leases', 'background');
  });
});
