// Bot authentication end to end, through the production configuration path: the bot has an app id
// and the seven channel-auth settings point at a local channel stand-in (OpenID metadata, signing
// keys, and the authority the bot gets its own outgoing token from). Only tokens the channel really
// signed for this bot and this service URL start a turn; everything else is a 401 before any turn.
import { after, before, beforeEach, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import { startSandboxTenant, type SandboxTenant } from '../../src/sandbox';
import { cardAction, mentionMessage, personalMessage, USERS, type Where } from '../support/activities';
import { BAD_CHANNEL_TOKENS, ChannelStandIn, decodeJwt, type ChannelTokenVariant } from '../support/channelStandIn';
import { cardOf, cardText } from '../support/connector';
import { startHarness, type Harness } from '../support/harness';

const BOT_APP_ID = randomUUID();
const BOT_APP_PASSWORD = `stand-in-secret-${randomUUID()}`;
const OTHER_TENANT = '9f1c2d3e-0000-4000-8000-0000000000aa';

let sandbox: SandboxTenant;
let channel: ChannelStandIn;
let h: Harness;
let where: Where;

before(async () => {
  sandbox = await startSandboxTenant();
  channel = await new ChannelStandIn({ botAppId: BOT_APP_ID, botAppPassword: BOT_APP_PASSWORD, tenant: sandbox.tenantId }).start();
  h = await startHarness({
    sandbox,
    anonymous: false,
    env: {
      MicrosoftAppId: BOT_APP_ID,
      MicrosoftAppPassword: BOT_APP_PASSWORD,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: sandbox.tenantId,
      ...channel.env(),
    },
  });
  where = { serviceUrl: h.connector.url };
});
after(async () => {
  await h?.close();
  await channel?.stop();
  await sandbox?.close();
});
beforeEach(() => {
  sandbox.reset();
  sandbox.clearRequests();
  h.connector.clear();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const signed = (variant: ChannelTokenVariant = 'genuine', serviceUrl = where.serviceUrl) => bearer(channel.channelToken(serviceUrl, variant));
const graphCalls = () => sandbox.requests().filter((r) => r.path.startsWith('/v1.0'));
/** A request that, were it let in, would reach Graph and post to the connector. */
const inviteMessage = (at: Where = where) => mentionMessage(at, USERS.alexOwner, `/invite mallory-${randomUUID().slice(0, 8)}@fabrikam.com`);

/** botbuilder prints refused tokens (and their keys) with console.error; keep the test output readable. */
const quietBotbuilder = (t: TestContext) => t.mock.method(console, 'error', () => undefined);

async function assertRefused(res: { status: number; body: unknown }, what: string): Promise<void> {
  assert.equal(res.status, 401, `${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  assert.deepEqual(res.body, { error: 'Unauthorized' }, `${what}: the answer says nothing about why`);
  // The HTTP answer is written after the whole turn, so anything a turn did has happened by now.
  assert.deepEqual(h.connector.calls, [], `${what}: no turn ran (nothing reached the connector)`);
  assert.deepEqual(graphCalls(), [], `${what}: no turn ran (no Graph call)`);
}

describe('a request the channel signed for this bot', () => {
  it('is answered, and the reply carries the bot token issued by the login authority', async () => {
    const activity = personalMessage(where, USERS.adeleMember, 'help');
    const res = await h.post(activity, signed());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const reply = await h.connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id);
    assert.match(JSON.stringify(reply.activity.attachments ?? []), /invite/i, 'the help card');

    const check = channel.verifyBotToken(reply.authorization);
    assert.ok(check.ok, `the reply's token is the stand-in's, for this bot and the channel scope: ${check.reason}`);
    assert.ok(channel.issuedBotTokens.includes(reply.authorization!.slice('Bearer '.length)), 'the very token the token endpoint issued');
    assert.ok(channel.tokenRequests.some((r) => r.status === 200 && r.clientId === BOT_APP_ID), 'the bot asked for it with its own client id and secret');
    assert.ok(
      channel.requests.some((r) => r.path === '/v1/.well-known/openidconfiguration') && channel.requests.some((r) => r.path === '/v1/.well-known/keys'),
      "the bot read the channel's OpenID metadata and keys",
    );
  });

  it('runs a whole /invite in a team channel, every connector call authenticated', async () => {
    const activity = mentionMessage(where, USERS.alexOwner, '/invite alice@fabrikam.com Alice Smith');
    const res = await h.post(activity, signed());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const reply = await h.connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id);
    assert.match(cardText(cardOf(reply)), /Invited/);
    assert.ok(sandbox.snapshot().users.some((u) => u.mail === 'alice@fabrikam.com'), 'Alice was invited through Graph');

    assert.ok(h.connector.calls.some((c) => c.method === 'GET' && c.path.startsWith('/v3/teams/')), 'team details were read from the connector');
    for (const call of h.connector.calls) {
      const check = channel.verifyBotToken(call.authorization);
      assert.ok(check.ok, `${call.method} ${call.path} carries the bot token: ${check.reason}`);
    }
  });
});

describe('a request without a valid channel token gets 401 and no turn', () => {
  it('without an Authorization header', async () => {
    await assertRefused(await h.post(inviteMessage()), 'no header');
  });

  it('with an Authorization header that is not a bearer token', async () => {
    await assertRefused(await h.post(inviteMessage(), { authorization: `Basic ${Buffer.from(`${BOT_APP_ID}:${BOT_APP_PASSWORD}`).toString('base64')}` }), 'Basic');
  });

  for (const [variant, description] of Object.entries(BAD_CHANNEL_TOKENS) as [keyof typeof BAD_CHANNEL_TOKENS, string][]) {
    it(`with a token ${description}`, async (t) => {
      quietBotbuilder(t);
      await assertRefused(await h.post(inviteMessage(), signed(variant)), variant);
    });
  }

  it("with a genuine token replayed on an activity that names another service URL", async (t) => {
    quietBotbuilder(t);
    const elsewhere = { serviceUrl: 'https://smba.trafficmanager.net/evil/' };
    await assertRefused(await h.post(inviteMessage(elsewhere), signed('genuine', where.serviceUrl)), 'replayed');
  });

  // botbuilder skips the serviceurl check when the activity has no serviceUrl, and the endorsement
  // check when its channelId is empty; the adapter refuses such activities itself.
  it('with a genuine token on an activity that has no service URL', async (t) => {
    quietBotbuilder(t);
    const { serviceUrl: _dropped, ...activity } = inviteMessage();
    await assertRefused(await h.post(activity, signed()), 'no serviceUrl');
  });

  it('with a token from a key endorsed for another channel on an activity with an empty channelId', async (t) => {
    quietBotbuilder(t);
    await assertRefused(await h.post({ ...inviteMessage(), channelId: '' }, signed('otherChannelKey')), 'empty channelId');
  });
});

describe('forged tokens built only from what the channel publishes get 401 (independent probe)', () => {
  // These tokens are made here, not by the stand-in: an attacker knows the metadata and public
  // keys, and may hold a genuine token for another bot.
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claimsFor = () => {
    const now = Math.floor(Date.now() / 1000);
    return { serviceurl: where.serviceUrl, iss: channel.channelIssuer, aud: BOT_APP_ID, nbf: now - 60, exp: now + 3600 };
  };
  async function channelKey(): Promise<{ kid: string; jwk: JsonWebKey }> {
    const metadata = (await (await fetch(channel.env().ToBotFromChannelOpenIdMetadataUrl!)).json()) as { jwks_uri: string };
    const { keys } = (await (await fetch(metadata.jwks_uri)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    return { kid: keys[0]!.kid, jwk: keys[0]! };
  }

  it("a genuine token for another bot with its audience rewritten to this bot's", async (t) => {
    quietBotbuilder(t);
    const theirs = channel.channelToken(where.serviceUrl, 'wrongAudience');
    const [header, , signature] = theirs.split('.');
    const tampered = `${header}.${b64({ ...decodeJwt(theirs).claims, aud: BOT_APP_ID })}.${signature}`;
    await assertRefused(await h.post(inviteMessage(), bearer(tampered)), 'tampered');
  });

  it('an unsigned token (alg none) naming the channel key', async (t) => {
    quietBotbuilder(t);
    const { kid } = await channelKey();
    await assertRefused(await h.post(inviteMessage(), bearer(`${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claimsFor())}.`)), 'alg none');
  });

  it("an HS256 token keyed with the channel's public key (algorithm confusion)", async (t) => {
    quietBotbuilder(t);
    const { kid, jwk } = await channelKey();
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(claimsFor())}`;
    const token = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    await assertRefused(await h.post(inviteMessage(), bearer(token)), 'HS256');
  });
});

describe('ALLOWED_TENANTS (default: the Graph tenant)', () => {
  const elsewhere = () => ({ ...where, tenantId: OTHER_TENANT });

  it('ignores a genuinely signed /invite from another tenant: no reply, no invitation, no Graph call', async () => {
    const res = await h.post(inviteMessage(elsewhere()), signed());
    assert.equal(res.status, 200, 'authenticated, so not a 401; the bot just does not serve that tenant');
    assert.deepEqual(h.connector.sent, [], 'no reply');
    assert.deepEqual(graphCalls(), [], 'no Graph call');
    assert.deepEqual(sandbox.snapshot().invitations, []);
  });

  it('refuses a genuinely signed card action from another tenant with 403 and no Graph call', async () => {
    const res = await h.post(cardAction(elsewhere(), USERS.alexOwner, 'invite', { email: 'mallory@fabrikam.com', sendEmail: 'true' }), signed());
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.deepEqual(h.connector.sent, [], 'no reply');
    assert.deepEqual(graphCalls(), [], 'no Graph call');
  });
});

describe('with validation switched off (BOT_ALLOW_ANONYMOUS=true)', () => {
  it('the same forged and missing tokens start a turn, so the 401 assertions above really tell the modes apart', async (t) => {
    quietBotbuilder(t);
    const open = await startHarness({ sandbox });
    try {
      const at = { serviceUrl: open.connector.url };
      for (const headers of [bearer(channel.channelToken(at.serviceUrl, 'forgedSignature')), {}]) {
        open.connector.clear();
        const activity = personalMessage(at, USERS.adeleMember, 'help');
        const res = await open.post(activity, headers);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const reply = await open.connector.waitFor((a) => a.targetId === activity.id, 5_000);
        assert.equal(reply.authorization, undefined, 'and its replies carry no token');
      }
      // The identical forged request to the authenticated bot:
      const activity = personalMessage(where, USERS.adeleMember, 'help');
      await assertRefused(await h.post(activity, signed('forgedSignature')), 'forged, authenticated bot');
    } finally {
      await open.close();
    }
  });
});
