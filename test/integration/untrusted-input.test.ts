// What people type, through the real /api/messages endpoint: markdown in a name is shown as text on
// the cards and in replies, and pathological or oversized input gets a clear answer at once while the
// server keeps answering /healthz.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cardAction, USERS, type Where } from '../support/activities';
import { cardOf, cardText } from '../support/connector';
import { useHarness } from '../support/harness';

const h = useHarness();
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };

const MARKDOWN_NAME = '**Boss** [click](https://evil.example)';
const ESCAPED_NAME = '\\*\\*Boss\\*\\* \\[click\\](https://evil.example)';
const PATHOLOGICAL = `x <${'@'.repeat(100_000)}`; // froze the old invite-line parser for over 10 s

const facts = (card: unknown) => ((card as { body: { type: string; facts?: { title: string; value: string }[] }[] }).body.find((b) => b.type === 'FactSet')?.facts ?? []);
const invokeCard = (body: unknown) => (body as { value: Record<string, unknown> }).value;
const invokeText = (body: unknown) => (body as { type: string; value: unknown }).value as string;

/** Runs `work` while asking /healthz every 50 ms; returns its result and the slowest /healthz answer. */
async function whileHealthChecked<T>(work: () => Promise<T>): Promise<{ result: T; slowestHealthMs: number; healthAnswers: number }> {
  let done = false;
  let slowest = 0;
  let answers = 0;
  const probe = (async () => {
    do {
      const start = performance.now();
      const res = await fetch(`${h.botUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(res.status, 200);
      await res.text();
      slowest = Math.max(slowest, performance.now() - start);
      answers++;
      await new Promise((r) => setTimeout(r, 50));
    } while (!done);
  })();
  try {
    return { result: await work(), slowestHealthMs: slowest, healthAnswers: answers };
  } finally {
    done = true;
    await probe;
  }
}

describe('typed text is shown as text', () => {
  it('shows a markdown-laden display name escaped on the result card, and invites with the name as typed', async () => {
    const reply = await h.say(USERS.alexOwner, `/invite alice@fabrikam.com ${MARKDOWN_NAME}`);
    const card = cardOf(reply);
    assert.ok(card, 'a result card');
    assert.match(cardText(card), /Invited/);
    assert.deepEqual(facts(card).find((f) => f.title === 'Name')?.value, ESCAPED_NAME);
    assert.ok(cardText(card).includes(`Guest Pass invited ${ESCAPED_NAME} as a guest`), 'the summary');
    assert.ok(!cardText(card).includes('**Boss**'), 'nowhere unescaped');
    const alice = h.sandbox.snapshot().users.find((u) => u.mail === 'alice@fabrikam.com');
    assert.equal(alice?.displayName, MARKDOWN_NAME, 'Graph gets the name exactly as typed');

    h.connector.clear();
    const status = await h.say(USERS.alexOwner, '/status alice@fabrikam.com');
    assert.ok(status.activity.text?.startsWith(`**${ESCAPED_NAME}** (alice@fabrikam.com)`), status.activity.text);
  });
});

describe('pathological and oversized input', () => {
  it('answers a 100 kB pathological card field with a field error at once, while /healthz keeps answering', async () => {
    const { result, slowestHealthMs, healthAnswers } = await whileHealthChecked(async () => {
      const start = performance.now();
      const res = await h.post(cardAction(where, USERS.alexOwner, 'invite', { email: 'bob@fabrikam.com', displayName: PATHOLOGICAL }));
      return { res, ms: performance.now() - start };
    });
    assert.equal(result.res.status, 200);
    const card = invokeCard(result.res.body);
    assert.match(cardText(card), /The display name can be at most 256 characters/);
    assert.ok(!cardText(card).includes('@'.repeat(1_000)), 'the oversized value is not sent back');
    assert.ok(result.ms < 5_000, `${result.ms.toFixed(0)} ms`);
    assert.ok(healthAnswers >= 1 && slowestHealthMs < 2_000, `slowest /healthz: ${slowestHealthMs.toFixed(0)} ms`);
    assert.equal(h.sandbox.requests().filter((r) => r.path.startsWith('/v1.0/invitations')).length, 0, 'nothing invited');
  });

  it('reads a pathological list just under the list cap quickly, answering with the preview card', async () => {
    const list = `x <${'@'.repeat(99_000)}\ncarol@fabrikam.com`;
    const { result, slowestHealthMs } = await whileHealthChecked(() => h.post(cardAction(where, USERS.alexOwner, 'invite', { bulk: list })));
    assert.equal(result.status, 200);
    const text = cardText(invokeCard(result.body));
    assert.match(text, /Invite 1 person to this team\?/);
    assert.match(text, /Enter a valid email address: this one is too long/);
    assert.ok(slowestHealthMs < 2_000, `slowest /healthz: ${slowestHealthMs.toFixed(0)} ms`);
  });

  it('answers a list over the cap with a field error on the card', async () => {
    const res = await h.post(cardAction(where, USERS.alexOwner, 'invite', { bulk: 'a@fabrikam.com\n'.repeat(8_000) }));
    assert.match(cardText(invokeCard(res.body)), /This list is too long to read/);
  });

  it('answers a 100 kB pathological message text, parsed in linear time, with the form and its field error', async () => {
    const { result, slowestHealthMs } = await whileHealthChecked(() => h.say(USERS.alexOwner, `/invite ${PATHOLOGICAL}`));
    assert.match(cardText(cardOf(result)), /Enter a valid email address: this one is too long/);
    assert.ok(slowestHealthMs < 2_000, `slowest /healthz: ${slowestHealthMs.toFixed(0)} ms`);
  });

  it('answers a message text over the cap in plain words, without parsing it', async () => {
    const reply = await h.say(USERS.alexOwner, `/invite ${'x <'.repeat(70_000)}`);
    assert.match(reply.activity.text ?? '', /That message is too long for me to read \(210,\d{3} characters; I read at most 200,000\)/);
  });

  it('refuses a bulk invitation from the card whose personal message is over 1,000 characters, sending nothing', async () => {
    const res = await h.post(cardAction(where, USERS.alexOwner, 'invite', { bulk: 'dan@fabrikam.com\nerin@fabrikam.com', message: 'm'.repeat(1_001) }));
    assert.equal(res.status, 200);
    assert.match(invokeText(res.body), /The personal message can be at most 1,000 characters\. Nothing has been sent/);
    assert.equal(h.sandbox.requests().filter((r) => r.path.startsWith('/v1.0/invitations')).length, 0);
  });
});
