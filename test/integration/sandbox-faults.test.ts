// The sandbox tenant's fault kinds, driven with plain `fetch` (the test runner sets
// NODE_EXTRA_CA_CERTS for the sandbox certificate): an error instead of the effect or after it, a
// connection reset, a request that never answers, on every step of an invitation (token, look-up,
// invitation, member add, bulk add), and a sandbox that closes with requests still held.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { invitationEmailsTo, startSandboxTenant, type SandboxTenant } from '../../src/sandbox';

const MARKETING = '9b1c7d3e-5f2a-4c6b-8d9e-0a1b2c3d4e5f';
const ISAIAH = '00000000-0000-4000-8000-000000000023';
const LYNNE_GUEST = '00000000-0000-4000-8000-000000000025';

/** A generous client-side limit: long enough for any real answer of the local sandbox. */
const CLIENT_GIVES_UP_MS = 1500;

async function tokenOf(sb: SandboxTenant): Promise<string> {
  const r = await fetch(`${sb.url}/${sb.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.clientId, client_secret: sb.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
  });
  assert.equal(r.status, 200);
  return ((await r.json()) as { access_token: string }).access_token;
}

function graph(sb: SandboxTenant, token: string, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${sb.url}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: signal ?? AbortSignal.timeout(CLIENT_GIVES_UP_MS),
  });
}

const invitation = (email: string, sendInvitationMessage = true) => ({ invitedUserEmailAddress: email, inviteRedirectUrl: 'https://teams.microsoft.com', sendInvitationMessage });

/** What a failed fetch says: the error's name and its cause's code (ECONNRESET, UND_ERR_SOCKET, ...). */
async function failureOf(p: Promise<Response>): Promise<{ name: string; cause?: string }> {
  try {
    const r = await p;
    await r.text();
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { name: err.name, cause: err.cause?.code };
  }
  assert.fail('the request was expected to fail without an answer');
}

const userByMail = (sb: SandboxTenant, mail: string) => sb.snapshot().users.find((u) => u.mail === mail);

void describe('sandbox tenant fault kinds', () => {
  let sb: SandboxTenant;
  let token: string;

  before(async () => {
    sb = await startSandboxTenant();
    token = await tokenOf(sb);
  });
  after(() => sb.close());
  beforeEach(() => {
    sb.reset();
    sb.clearRequests();
  });

  void test('an error before the effect (the default) answers the status and creates nothing', async () => {
    sb.addFault({ method: 'POST', path: '/invitations', status: 500 });
    const r = await graph(sb, token, 'POST', '/invitations', invitation('before@fabrikam.com'));
    assert.equal(r.status, 500);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'InternalServerError');
    assert.equal(userByMail(sb, 'before@fabrikam.com'), undefined);
    assert.equal(invitationEmailsTo(sb.snapshot(), 'before@fabrikam.com'), 0);
  });

  void test('an error after the effect creates the guest and counts the e-mail, then answers 500', async () => {
    sb.addFault({ method: 'POST', path: '/invitations', status: 500, when: 'after' });
    const r = await graph(sb, token, 'POST', '/invitations', invitation('after@fabrikam.com'));
    assert.equal(r.status, 500);
    const body = (await r.json()) as { error: { code: string }; inviteRedeemUrl?: string };
    assert.equal(body.error.code, 'InternalServerError');
    assert.equal(body.inviteRedeemUrl, undefined, 'the success body is not sent');
    assert.equal(userByMail(sb, 'after@fabrikam.com')?.externalUserState, 'PendingAcceptance');
    assert.equal(invitationEmailsTo(sb.snapshot(), 'after@fabrikam.com'), 1);
    const logged = sb.requests().filter((e) => e.method === 'POST' && e.path === '/v1.0/invitations');
    assert.deepEqual(logged.map((e) => [e.status, e.fault]), [[500, 'error after']]);
  });

  void test('counts invitation e-mails per address: sendInvitationMessage false sends none, a resend sends another', async () => {
    assert.equal((await graph(sb, token, 'POST', '/invitations', invitation('count@fabrikam.com', false))).status, 201);
    assert.equal(invitationEmailsTo(sb.snapshot(), 'count@fabrikam.com'), 0);
    assert.equal((await graph(sb, token, 'POST', '/invitations', invitation('Count@Fabrikam.com'))).status, 201);
    assert.equal((await graph(sb, token, 'POST', '/invitations', invitation('count@fabrikam.com'))).status, 201);
    assert.equal(invitationEmailsTo(sb.snapshot(), 'count@fabrikam.com'), 2);
  });

  void test('a reset before the effect drops the connection without an answer and creates nothing', async () => {
    sb.addFault({ method: 'POST', path: '/invitations', kind: 'reset' });
    const failure = await failureOf(graph(sb, token, 'POST', '/invitations', invitation('reset@fabrikam.com')));
    assert.equal(failure.name, 'TypeError', 'fetch failed: a socket error, not an HTTP status');
    assert.ok(failure.cause, 'the cause names the socket error');
    assert.equal(userByMail(sb, 'reset@fabrikam.com'), undefined);
    assert.deepEqual(sb.requests().map((e) => [e.status, e.fault]), [[0, 'reset before']]);
  });

  void test('a reset after the effect: Graph created the invitation, then the connection dropped', async () => {
    sb.addFault({ method: 'POST', path: '/invitations', kind: 'reset', when: 'after' });
    const failure = await failureOf(graph(sb, token, 'POST', '/invitations', invitation('dropped@fabrikam.com')));
    assert.equal(failure.name, 'TypeError');
    assert.ok(userByMail(sb, 'dropped@fabrikam.com'));
    assert.equal(invitationEmailsTo(sb.snapshot(), 'dropped@fabrikam.com'), 1);
  });

  void test('a hang never answers: the client times out, and a hang before the effect creates nothing', async () => {
    sb.addFault({ method: 'POST', path: '/invitations', kind: 'hang' });
    const failure = await failureOf(graph(sb, token, 'POST', '/invitations', invitation('hang@fabrikam.com'), AbortSignal.timeout(300)));
    assert.equal(failure.name, 'TimeoutError');
    assert.equal(userByMail(sb, 'hang@fabrikam.com'), undefined);
    assert.deepEqual(sb.requests().map((e) => [e.status, e.fault]), [[0, 'hang before']]);
    assert.equal((await graph(sb, token, 'POST', '/invitations', invitation('hang@fabrikam.com'))).status, 201, 'the next request is served');
  });

  void test('a hang after the effect: the guest exists although the client saw no answer', async () => {
    sb.addFault({ method: 'POST', path: '/invitations', kind: 'hang', when: 'after' });
    const failure = await failureOf(graph(sb, token, 'POST', '/invitations', invitation('late@fabrikam.com'), AbortSignal.timeout(300)));
    assert.equal(failure.name, 'TimeoutError');
    assert.ok(userByMail(sb, 'late@fabrikam.com'));
  });

  void test('a hang with hangMs answers late: normally, or with the given status', async () => {
    sb.addFault({ method: 'GET', path: '/users', kind: 'hang', hangMs: 200 });
    const late = await graph(sb, token, 'GET', '/users?$top=1');
    assert.equal(late.status, 200);
    sb.addFault({ method: 'GET', path: '/users', kind: 'hang', hangMs: 200, status: 504 });
    assert.equal((await graph(sb, token, 'GET', '/users?$top=1')).status, 504);
  });

  void test('a hang with hangMs performs the request even after the client gave up (a late effect)', async () => {
    sb.addFault({ method: 'POST', path: '/invitations', kind: 'hang', hangMs: 400 });
    await failureOf(graph(sb, token, 'POST', '/invitations', invitation('later@fabrikam.com'), AbortSignal.timeout(100)));
    assert.equal(userByMail(sb, 'later@fabrikam.com'), undefined, 'not yet');
    await new Promise((ok) => setTimeout(ok, 600));
    assert.ok(userByMail(sb, 'later@fabrikam.com'), 'the invitation took effect after the client had given up');
  });

  void test('every step can be hit: the token endpoint, the look-up, the member add and the bulk add', async () => {
    sb.addFault({ method: 'POST', path: /\/oauth2\/v2\.0\/token$/, status: 503, retryAfterSeconds: 1 });
    const t = await fetch(`${sb.url}/${sb.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sb.clientId, client_secret: sb.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
    });
    assert.equal(t.status, 503);
    assert.equal(t.headers.get('retry-after'), '1');
    assert.equal(((await t.json()) as { error: string }).error, 'temporarily_unavailable');
    sb.addFault({ method: 'POST', path: /\/oauth2\/v2\.0\/token$/, kind: 'reset' });
    assert.equal((await failureOf(tokenOf(sb).then(() => new Response()))).name, 'TypeError');

    sb.addFault({ method: 'GET', path: '/users', kind: 'reset' });
    const filter = encodeURIComponent("mail eq 'isaiahl@contoso.com'");
    assert.equal((await failureOf(graph(sb, token, 'GET', `/users?$filter=${filter}`))).name, 'TypeError');
    assert.equal((await graph(sb, token, 'GET', `/users?$filter=${filter}`)).status, 200);

    const member = (id: string) => ({ '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: [], 'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${id}')` });
    sb.addFault({ method: 'POST', path: `/teams/${MARKETING}/members`, status: 504, when: 'after' });
    const add = await graph(sb, token, 'POST', `/teams/${MARKETING}/members`, member(ISAIAH));
    assert.equal(add.status, 504);
    assert.ok(sb.snapshot().groups.find((g) => g.id === MARKETING)?.members.includes(ISAIAH), 'the member was added before the 504');

    sb.addFault({ method: 'POST', path: `/teams/${MARKETING}/members/add`, kind: 'reset', when: 'after' });
    const bulkAdd = { values: [member(LYNNE_GUEST)] };
    assert.equal((await failureOf(graph(sb, token, 'POST', `/teams/${MARKETING}/members/add`, bulkAdd))).name, 'TypeError');
    assert.ok(sb.snapshot().groups.find((g) => g.id === MARKETING)?.members.includes(LYNNE_GUEST), 'the bulk add took effect before the reset');
  });

  void test('inside a $batch an error fault hits its item; a reset on /$batch drops the whole batch', async () => {
    sb.addFault({ method: 'GET', path: '/users', status: 500 });
    const batch = { requests: [{ id: '1', method: 'GET', url: '/users?$top=1' }] };
    const r = await graph(sb, token, 'POST', '/$batch', batch);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { responses: { status: number }[] }).responses[0]?.status, 500);
    sb.addFault({ method: 'POST', path: '/$batch', kind: 'reset' });
    assert.equal((await failureOf(graph(sb, token, 'POST', '/$batch', batch))).name, 'TypeError');
  });

  void test('rules are checked: kind error needs a status, reset needs none, hangMs only with hang; the control plane takes when and kind', async () => {
    assert.throws(() => sb.addFault({ path: '/invitations' }), /status/);
    assert.throws(() => sb.addFault({ path: '/invitations', kind: 'reset', hangMs: 10 }), /hangMs/);
    assert.throws(() => sb.addFault({ path: '/invitations', status: 500, when: 'later' as 'after' }), /when/);
    sb.addFault({ path: '/invitations', kind: 'reset' });
    sb.clearFaults();
    const control = (body: unknown) => fetch(`${sb.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await control({ method: 'POST', path: '/invitations', status: 504, when: 'after' })).status, 201);
    assert.equal((await control({ path: '/invitations', kind: 'explode' })).status, 400);
    assert.equal((await control({ path: '/invitations', kind: 'hang' })).status, 201);
    const listed = (await (await fetch(`${sb.url}/_sandbox/faults`)).json()) as { when?: string; kind?: string }[];
    assert.deepEqual(listed.map((f) => [f.when, f.kind]), [['after', undefined], [undefined, 'hang']]);
  });
});

void describe('sandbox tenant closing with requests held', () => {
  void test('close() ends hung requests instead of waiting for them', async () => {
    const sb = await startSandboxTenant();
    const token = await tokenOf(sb);
    sb.addFault({ method: 'GET', path: '/users', kind: 'hang', times: 2 });
    const held = [1, 2].map(() => failureOf(graph(sb, token, 'GET', '/users', undefined, AbortSignal.timeout(30_000))));
    while (sb.requests().length < 3) await new Promise((ok) => setTimeout(ok, 20));
    const started = Date.now();
    await sb.close();
    assert.ok(Date.now() - started < 5000, 'close() did not wait for the held requests');
    for (const failure of await Promise.all(held)) assert.equal(failure.name, 'TypeError', 'the client saw the connection end');
  });
});
