// kill -9 just after the invitation was sent: the bot runs as its own process (test/support/
// botWithFaults.ts), each invitation takes effect in the sandbox and then never answers, and the
// test kills the process while it waits. The restarted bot's background work finishes the
// invitation from its stored phase, by looking up, never by sending it again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { mentionMessage, MARKETING_GROUP, MARKETING_TEAM, USERS } from '../support/activities';
import { ConnectorStandIn } from '../support/connector';
import { sandboxEnv, useHarness } from '../support/harness';
import { startBotProcess, type BotProcess } from '../support/botProcess';

const h = useHarness();
const ENTRY = 'test/support/botWithFaults.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls (bounded) until `check` holds. */
async function eventually(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the bot killed just after the invitation was sent', () => {
  it('adds the guest after a restart with exactly one invitation e-mail, and never re-sends a resend killed mid-way', async () => {
    const connector = await new ConnectorStandIn().start();
    connector.teams.set(MARKETING_TEAM, { id: MARKETING_TEAM, name: 'Contoso Marketing', aadGroupId: MARKETING_GROUP });
    const env = {
      ...sandboxEnv(h.sandbox),
      BOT_ALLOW_ANONYMOUS: 'true',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gp-kill-invite-')),
      REDEMPTION_CHECK_SECONDS: '1',
      GP_TEST_CLAIM_LEASE_MS: '1000',
    };
    const email = 'kim@fabrikam.com';
    const invitations = () => h.sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress === email);
    const emails = () => invitations().filter((i) => i.sendInvitationMessage).length;
    const inTeam = () => {
      const id = h.sandbox.snapshot().users.find((u) => u.mail === email)?.id;
      return !!id && h.sandbox.snapshot().groups.find((g) => g.id === MARKETING_GROUP)!.members.includes(id);
    };
    const send = (bot: BotProcess, text: string) =>
      void fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(mentionMessage({ serviceUrl: connector.url }, USERS.alexOwner, text)) }).catch(() => undefined);
    const running: BotProcess[] = [];
    const start = async (hang: boolean) => {
      const bot = await startBotProcess({ ...env, GP_TEST_HANG_AFTER_INVITE: hang ? '1' : '0' }, await freePort(), ENTRY);
      running.push(bot);
      return bot;
    };
    try {
      // 1. The invitation: Graph creates the guest (and sends the e-mail); the bot dies before the answer.
      const first = await start(true);
      send(first, `/invite ${email} Kim`);
      await eventually(() => invitations().length === 1, 'the invitation reached Graph');
      await first.kill('SIGKILL');
      assert.equal(inTeam(), false, 'killed before the group add');

      const second = await start(false);
      await eventually(inTeam, 'the restarted bot added the guest');
      assert.equal(emails(), 1, 'exactly one invitation e-mail');
      await second.kill('SIGTERM');

      // 2. A resend: its e-mail goes out, the bot dies before the answer; recovery must not send it again.
      // (Recovery of step 1 may already have asked for a new link without an e-mail: count from here.)
      const before = invitations().length;
      const third = await start(true);
      send(third, `/invite --resend ${email}`);
      await eventually(() => emails() === 2, 'the resend reached Graph');
      await third.kill('SIGKILL');

      const fourth = await start(false);
      // Recovery asks for a new redeem link without an e-mail, then records the re-invitation.
      await eventually(() => invitations().length === before + 2, 'recovery asked for a new link');
      await new Promise((r) => setTimeout(r, 2500)); // two more background cycles
      assert.equal(emails(), 2, 'the resend was not sent again');
      assert.equal(invitations().at(-1)?.sendInvitationMessage, false, 'the new link came without an e-mail');
      await fourth.kill('SIGTERM');
    } finally {
      for (const bot of running) await bot.kill();
      await connector.stop();
    }
  });
});
