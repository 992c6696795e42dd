// Every Graph call bounded, against the sandbox tenant through the production SDK path
// (createGraphCredential + createGraphClient + GraphDirectory): a timeout per attempt, retries
// only where a second attempt cannot act twice, Retry-After honoured up to a cap, and each
// failure classified as the domain needs it (throttled, unavailable, ambiguous or not).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { loadConfig } from '../../src/config';
import { DirectoryError, type InvitationRequest } from '../../src/domain/directory';
import { BusyDirectoryError } from '../../src/domain/bulk/bulkDirectory';
import { DEFAULT_RETRY_LIMITS } from '../../src/graph/boundedRequests';
import { GraphBulkDirectory } from '../../src/graph/graphBulk';
import { createGraphClient, createGraphCredential } from '../../src/graph/graphClient';
import { GraphDirectory } from '../../src/graph/graphDirectory';
import { invitationEmailsTo, sandboxRunContract, startSandboxTenant, type SandboxTenant } from '../../src/sandbox';

const TIMEOUT_MS = 300;
/** Generous: proves a timeout fired, not how fast the machine is. */
const WELL_WITHIN_MS = 3000;
const ALEX = '00000000-0000-4000-8000-000000000020';
const MARKETING = '9b1c7d3e-5f2a-4c6b-8d9e-0a1b2c3d4e5f';
const ISAIAH = '00000000-0000-4000-8000-000000000023';
const TOKEN_PATH = /\/oauth2\/v2\.0\/token$/;

const request = (email: string): InvitationRequest => ({ email, displayName: email, redirectUrl: 'https://teams.microsoft.com', sendEmail: true, sponsorId: ALEX });

async function failure(p: Promise<unknown>): Promise<DirectoryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DirectoryError, `a DirectoryError, got ${String(e)}`);
    return e;
  }
  assert.fail('the call was expected to fail');
}

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const value = await p;
  return [value, Date.now() - started];
}

void describe('Graph calls are bounded', () => {
  let sandbox: SandboxTenant;
  let directory: GraphDirectory;
  let bulk: GraphBulkDirectory;

  /** A directory with its own credential (no token cached yet): short timeout, short backoff. */
  function freshDirectory(env: Record<string, string> = {}): { directory: GraphDirectory; bulk: GraphBulkDirectory } {
    const config = loadConfig({ BOT_ALLOW_ANONYMOUS: 'true', ...sandboxRunContract(sandbox), GRAPH_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), ...env });
    const client = createGraphClient(config.graph, createGraphCredential(config.graph).credential, { ...DEFAULT_RETRY_LIMITS, backoffMs: 50 });
    const graph = new GraphDirectory(client);
    return { directory: graph, bulk: new GraphBulkDirectory(client, graph) };
  }

  const invitationPosts = () => sandbox.requests().filter((r) => r.method === 'POST' && r.path === '/v1.0/invitations');
  const lookups = () => sandbox.requests().filter((r) => r.method === 'GET' && r.path === '/v1.0/users');

  before(async () => {
    sandbox = await startSandboxTenant();
    ({ directory, bulk } = freshDirectory());
    await directory.verifiedDomains(); // the token is cached from here on
  });
  after(() => sandbox.close());
  beforeEach(() => {
    sandbox.reset();
    sandbox.clearRequests();
  });

  void test('a hung look-up fails as unavailable, not ambiguous, within about the timeout', async () => {
    sandbox.addFault({ method: 'GET', path: '/users', kind: 'hang' });
    const [error, ms] = await timed(failure(directory.findUserByEmail('isaiahl@contoso.com')));
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.ambiguous, false);
    assert.ok(ms >= TIMEOUT_MS - 50 && ms < WELL_WITHIN_MS, `failed after ${ms} ms`);
    assert.equal(lookups().length, 1, 'a timeout is not retried: the call stays within one timeout');
  });

  void test('a hung invitation fails within about the timeout as ambiguous, and is not sent again', async () => {
    sandbox.addFault({ method: 'POST', path: '/invitations', kind: 'hang', when: 'after' });
    const [error, ms] = await timed(failure(directory.invite(request('hung@fabrikam.com'))));
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.ambiguous, true);
    assert.ok(ms < WELL_WITHIN_MS, `failed after ${ms} ms`);
    assert.equal(invitationPosts().length, 1);
    assert.equal(invitationEmailsTo(sandbox.snapshot(), 'hung@fabrikam.com'), 1);
  });

  void test('a 504 after the invitation took effect is ambiguous and not retried', async () => {
    sandbox.addFault({ method: 'POST', path: '/invitations', status: 504, when: 'after' });
    const error = await failure(directory.invite(request('gateway@fabrikam.com')));
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.ambiguous, true);
    assert.equal(error.trace.status, 504);
    assert.deepEqual(invitationPosts().map((r) => r.status), [504], 'the sandbox saw exactly one POST');
    assert.equal(invitationEmailsTo(sandbox.snapshot(), 'gateway@fabrikam.com'), 1, 'one e-mail, not two');
  });

  void test('a dropped connection after the invitation took effect is ambiguous and not retried', async () => {
    sandbox.addFault({ method: 'POST', path: '/invitations', kind: 'reset', when: 'after' });
    const error = await failure(directory.invite(request('dropped@fabrikam.com')));
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.ambiguous, true);
    assert.equal(invitationPosts().length, 1);
    assert.equal(invitationEmailsTo(sandbox.snapshot(), 'dropped@fabrikam.com'), 1);
  });

  void test('a 500, and a 503 without Retry-After, on an invitation are ambiguous and not retried', async () => {
    sandbox.addFault({ method: 'POST', path: '/invitations', status: 500 });
    assert.equal((await failure(directory.invite(request('five@fabrikam.com')))).ambiguous, true);
    sandbox.addFault({ method: 'POST', path: '/invitations', status: 503 });
    assert.equal((await failure(directory.invite(request('five@fabrikam.com')))).ambiguous, true);
    assert.deepEqual(invitationPosts().map((r) => r.status), [500, 503]);
  });

  void test('a 503 with Retry-After on an invitation is waited and retried: Graph turned it away unserved', async () => {
    sandbox.addFault({ method: 'POST', path: '/invitations', status: 503, retryAfterSeconds: 1 });
    const created = await directory.invite(request('busy@fabrikam.com'));
    assert.ok(created.userId);
    assert.deepEqual(invitationPosts().map((r) => r.status), [503, 201]);
  });

  void test('a 429 with Retry-After: 1 is waited and retried', async () => {
    sandbox.addFault({ method: 'POST', path: '/invitations', status: 429, retryAfterSeconds: 1 });
    const [created, ms] = await timed(directory.invite(request('wait@fabrikam.com')));
    assert.ok(created.redeemUrl);
    assert.ok(ms >= 900, `retried after ${ms} ms, Retry-After said 1 s`);
    assert.deepEqual(invitationPosts().map((r) => r.status), [429, 201]);
  });

  void test('a 429 with Retry-After: 120 fails at once as throttled, carrying the 120 s', async () => {
    sandbox.addFault({ method: 'POST', path: '/invitations', status: 429, retryAfterSeconds: 120 });
    const [error, ms] = await timed(failure(directory.invite(request('later@fabrikam.com'))));
    assert.equal(error.kind, 'throttled');
    assert.equal(error.ambiguous, false);
    assert.equal(error.trace.retryAfterSeconds, 120);
    assert.ok(ms < WELL_WITHIN_MS, `failed after ${ms} ms`);
    assert.equal(invitationPosts().length, 1);
  });

  void test('a reset on a look-up is retried', async () => {
    sandbox.addFault({ method: 'GET', path: '/users', kind: 'reset' });
    const found = await directory.findUserByEmail('isaiahl@contoso.com');
    assert.equal(found?.id, ISAIAH);
    assert.deepEqual(lookups().map((r) => r.status), [0, 200]);
  });

  void test('a look-up whose connection drops every time is unavailable, not ambiguous, after a bounded number of attempts', async () => {
    sandbox.addFault({ method: 'GET', path: '/users', kind: 'reset', times: 20 });
    const error = await failure(directory.findUserByEmail('isaiahl@contoso.com'));
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.ambiguous, false);
    assert.equal(lookups().length, 1 + DEFAULT_RETRY_LIMITS.maxRetries);
  });

  void test('a 500 on a read is unavailable and not ambiguous', async () => {
    sandbox.addFault({ method: 'GET', path: '/users', status: 500 });
    const error = await failure(directory.findUserByEmail('isaiahl@contoso.com'));
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.ambiguous, false);
  });

  void test('a 504 after a member add took effect is ambiguous and not retried', async () => {
    sandbox.addFault({ method: 'POST', path: `/teams/${MARKETING}/members`, status: 504, when: 'after' });
    const error = await failure(directory.addGroupMember(MARKETING, ISAIAH));
    assert.equal(error.ambiguous, true);
    assert.equal(sandbox.requests().filter((r) => r.method === 'POST' && r.path === `/v1.0/teams/${MARKETING}/members`).length, 1);
    assert.ok(sandbox.snapshot().groups.find((g) => g.id === MARKETING)?.members.includes(ISAIAH));
  });

  void test('removeTeamMember removes the guest through the Teams membership API, and says notMember the second time', async () => {
    const PATTI = '00000000-0000-4000-8000-000000000024';
    assert.equal(await directory.removeTeamMember(MARKETING, PATTI), 'removed');
    assert.ok(!sandbox.snapshot().groups.find((g) => g.id === MARKETING)?.members.includes(PATTI));
    assert.ok(sandbox.snapshot().users.some((u) => u.id === PATTI), 'the account stays in the directory');
    assert.equal(await directory.removeTeamMember(MARKETING, PATTI), 'notMember');
    const calls = sandbox.requests().filter((r) => r.path.startsWith(`/v1.0/teams/${MARKETING}/members`)).map((r) => `${r.method} ${r.status}`);
    assert.deepEqual(calls, ['GET 200', 'DELETE 204', 'GET 200']);
    const lookup = sandbox.requests().find((r) => r.method === 'GET');
    assert.equal(lookup?.query.$filter, `(microsoft.graph.aadUserConversationMember/userId eq '${PATTI}')`);
  });

  void test('removeTeamMember names TeamMember.Read.All when the app may not list team members', async () => {
    sandbox.settings({ revokedRoles: ['TeamMember.Read.All'] });
    const error = await failure(directory.removeTeamMember(MARKETING, '00000000-0000-4000-8000-000000000024'));
    assert.equal(error.kind, 'missingPermission');
    assert.equal(error.permission, 'TeamMember.Read.All');
  });

  void test('bulk: an invitation without an answer is busy and ambiguous, sent once', async () => {
    sandbox.addFault({ method: 'POST', path: '/invitations', kind: 'reset', when: 'after' });
    const error = await failure(bulk.invite(request('bulk@fabrikam.com')));
    assert.ok(error instanceof BusyDirectoryError);
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.ambiguous, true);
    assert.equal(invitationPosts().length, 1);
  });

  void test('bulk: a 429 on an invitation is not retried in-call (the pacer decides) and keeps its Retry-After', async () => {
    sandbox.addFault({ method: 'POST', path: '/invitations', status: 429, retryAfterSeconds: 1 });
    const error = await failure(bulk.invite(request('paced@fabrikam.com')));
    assert.ok(error instanceof BusyDirectoryError);
    assert.equal(error.kind, 'throttled');
    assert.equal(error.retryAfterMs, 1000);
    assert.equal(invitationPosts().length, 1);
  });

  void test('a token endpoint answering 503 makes the call unavailable, not a sign-in failure', async () => {
    sandbox.addFault({ method: 'POST', path: TOKEN_PATH, status: 503, times: 10 });
    const error = await failure(freshDirectory().directory.findUserByEmail('isaiahl@contoso.com'));
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.permission, undefined);
    assert.equal(error.ambiguous, false);
    assert.equal(lookups().length, 0, 'no Graph request without a token');
  });

  void test('a token endpoint that drops the connection or never answers makes the call unavailable', async () => {
    sandbox.addFault({ method: 'POST', path: TOKEN_PATH, kind: 'reset', times: 10 });
    assert.equal((await failure(freshDirectory().directory.verifiedDomains())).kind, 'unavailable');
    sandbox.clearFaults();
    sandbox.addFault({ method: 'POST', path: TOKEN_PATH, kind: 'hang', times: 10 });
    const [error, ms] = await timed(failure(freshDirectory().directory.verifiedDomains()));
    assert.equal(error.kind, 'unavailable');
    assert.ok(ms < WELL_WITHIN_MS, `failed after ${ms} ms`);
  });

  void test('a throttled token endpoint asking for 120 s is given up within the token deadline, as unavailable', async () => {
    sandbox.addFault({ method: 'POST', path: TOKEN_PATH, status: 429, retryAfterSeconds: 120, times: 10 });
    const [error, ms] = await timed(failure(freshDirectory().directory.verifiedDomains()));
    assert.equal(error.kind, 'unavailable');
    assert.ok(ms < 3 * TIMEOUT_MS + 3000 + 1000, `failed after ${ms} ms`);
  });

  void test('a refused client secret stays a sign-in failure', async () => {
    const error = await failure(freshDirectory({ AZURE_CLIENT_SECRET: 'wrong-secret' }).directory.verifiedDomains());
    assert.equal(error.kind, 'missingPermission');
    assert.equal(error.permission, 'sign-in');
    assert.match(error.message, /AADSTS7000215/);
  });
});
