// Integration tests of the sandbox tenant (src/sandbox). Most tests talk HTTPS to an in-process
// sandbox with the certificate passed explicitly as `ca`. The production-path test spawns a child
// process (src/sandbox/probe.ts) with NODE_EXTRA_CA_CERTS, because Node reads that variable only at
// start-up: that child uses the unmodified @azure/identity + Graph SDK path, as the bot does.
// Run: node --import tsx --test test/integration/sandbox-tenant.test.ts   (from the repo root)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sandboxRunContract, startSandboxTenant, type SandboxTenant } from '../../src/sandbox';

const TLS_DIR = '.sandbox/tls';
const MARKETING = '9b1c7d3e-5f2a-4c6b-8d9e-0a1b2c3d4e5f';
const LEGAL_NO_GUESTS = '4e6f8a0b-2c4d-4e6f-8a0b-2c4d6e8f0a1b';
const ADELE = '00000000-0000-4000-8000-000000000022';
const ISAIAH = '00000000-0000-4000-8000-000000000023';
const PATTI_GUEST = '00000000-0000-4000-8000-000000000024';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions on JSON
  text: string;
}

function call(
  sb: SandboxTenant,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  let payload: string | undefined;
  if (opts.form) {
    payload = new URLSearchParams(opts.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const ca = readFileSync(sb.caCertPath);
  return new Promise((ok, fail) => {
    const req = request(`${sb.url}${path}`, { method, headers, ca, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        ok({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', fail);
    req.end(payload);
  });
}

async function getToken(sb: SandboxTenant, secret = sb.clientSecret): Promise<Reply> {
  return call(sb, 'POST', `/${sb.tenantId}/oauth2/v2.0/token`, {
    form: { grant_type: 'client_credentials', client_id: sb.clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' },
  });
}

const invite = (sb: SandboxTenant, token: string, email: string, extra: Record<string, unknown> = {}): Promise<Reply> =>
  call(sb, 'POST', '/v1.0/invitations', {
    token,
    body: { invitedUserEmailAddress: email, inviteRedirectUrl: 'https://teams.microsoft.com', sendInvitationMessage: false, ...extra },
  });

const teamMember = (userId: string): Record<string, unknown> => ({
  '@odata.type': '#microsoft.graph.aadUserConversationMember',
  roles: [],
  'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${userId}')`,
});

/** The Teams membership API's single add (a team's id is its group's id). */
const addMember = (sb: SandboxTenant, token: string, groupId: string, userId: string): Promise<Reply> =>
  call(sb, 'POST', `/v1.0/teams/${groupId}/members`, { token, body: teamMember(userId) });

const teamMembership = (sb: SandboxTenant, token: string, groupId: string, userId: string): Promise<Reply> =>
  call(sb, 'GET', `/v1.0/teams/${groupId}/members?$filter=${encodeURIComponent(`(microsoft.graph.aadUserConversationMember/userId eq '${userId}')`)}`, { token });

void describe('sandbox tenant', () => {
  let sb: SandboxTenant;
  let token: string;

  before(async () => {
    sb = await startSandboxTenant({ tlsDir: TLS_DIR });
    const r = await getToken(sb);
    assert.equal(r.status, 200);
    token = r.body.access_token as string;
  });
  after(() => sb.close());
  beforeEach(() => {
    sb.reset();
    sb.clearRequests();
  });

  void test('the production path works: @azure/identity gets a token over https and a Graph SDK call succeeds (child process with NODE_EXTRA_CA_CERTS)', async () => {
    // Also shows the SDK's RetryHandler honouring the sandbox's 429 + Retry-After.
    sb.addFault({ method: 'GET', path: '/organization', status: 429, retryAfterSeconds: 1 });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/probe.ts', 'meganb@contoso.com'], {
      env: {
        ...process.env,
        ...sandboxRunContract(sb),
        PROBE_GROUP_ID: MARKETING,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    assert.equal(code, 0, `probe failed: ${out} ${err}`);
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      tokenClaims: { aud: string; roles: string[] };
      users: Array<{ id: string }>;
      memberIds: string[];
    };
    assert.equal(result.memberIds.length, 4, 'the SDK follows the sandbox nextLinks');
    assert.equal(result.tokenClaims.aud, 'https://graph.microsoft.com');
    assert.ok(result.tokenClaims.roles.includes('User.Invite.All'));
    assert.deepEqual(result.users.map((u) => u.id), ['00000000-0000-4000-8000-000000000021']);
    const log = sb.requests().map((e) => `${e.method} ${e.path} ${e.status}`);
    assert.ok(log.includes(`GET /${sb.tenantId}/v2.0/.well-known/openid-configuration 200`), log.join('\n'));
    assert.ok(log.includes(`POST /${sb.tenantId}/oauth2/v2.0/token 200`));
    assert.ok(log.includes('GET /v1.0/users 200'));
    assert.deepEqual(log.filter((l) => l.startsWith('GET /v1.0/organization')), ['GET /v1.0/organization 429', 'GET /v1.0/organization 200']);
    const tokenEntry = sb.requests().find((e) => e.path.endsWith('/token'));
    assert.equal((tokenEntry?.body as Record<string, string>).client_secret, '***', 'secrets are not logged');
  });

  void test('token endpoint refuses a wrong client secret with invalid_client AADSTS7000215', async () => {
    const r = await getToken(sb, 'wrong');
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
    assert.match(r.body.error_description, /^AADSTS7000215: Invalid client secret provided/);
  });

  void test('a Graph call without a token answers 401 InvalidAuthenticationToken with request ids', async () => {
    const r = await call(sb, 'GET', '/v1.0/users', { headers: { 'client-request-id': 'abc-123' } });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'InvalidAuthenticationToken');
    assert.equal(r.headers['client-request-id'], 'abc-123');
    assert.ok(r.headers['request-id']);
    assert.equal(r.body.error.innerError['request-id'], r.headers['request-id']);
    const forged = await call(sb, 'GET', '/v1.0/users', { token: `${token.slice(0, -4)}AAAA` });
    assert.equal(forged.status, 401);
  });

  void test('an invitation creates a pending guest; inviting again returns the same user with a new redeem URL', async () => {
    const first = await invite(sb, token, 'alice@fabrikam.com', {
      invitedUserDisplayName: 'Alice Smith',
      sendInvitationMessage: true,
      invitedUserMessageInfo: { customizedMessageBody: 'Welcome!' },
      invitedUserSponsors: [{ id: '00000000-0000-4000-8000-000000000020' }],
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.status, 'PendingAcceptance');
    assert.equal(first.body.invitedUserType, 'Guest');
    assert.equal(first.body.resetRedemption, false);
    assert.equal(first.body.invitedUserMessageInfo.customizedMessageBody, 'Welcome!');
    assert.match(first.body.inviteRedeemUrl, new RegExp(`^${sb.url}/redeem\\?ticket=`));
    const userId = first.body.invitedUser.id as string;
    assert.notEqual(first.body.id, userId, 'the invitation id is not the user id');

    const user = await call(sb, 'GET', `/v1.0/users/${userId}?$select=id,userPrincipalName,userType,externalUserState,creationType,mail`, { token });
    assert.equal(user.status, 200);
    assert.equal(user.body.userPrincipalName, 'alice_fabrikam.com#EXT#@contoso.onmicrosoft.com');
    assert.equal(user.body.externalUserState, 'PendingAcceptance');
    assert.equal(user.body.creationType, 'Invitation');
    const byUpn = await call(sb, 'GET', `/v1.0/users/${encodeURIComponent('alice_fabrikam.com#EXT#@contoso.onmicrosoft.com')}`, { token });
    assert.equal(byUpn.body.id, userId);
    assert.equal(byUpn.body.externalUserState, undefined, 'externalUserState only with $select, as in Graph');

    const second = await invite(sb, token, 'Alice@Fabrikam.com');
    assert.equal(second.status, 201);
    assert.equal(second.body.invitedUser.id, userId);
    assert.notEqual(second.body.inviteRedeemUrl, first.body.inviteRedeemUrl);

    const snap = sb.snapshot();
    assert.equal(snap.users.filter((u) => u.mail?.toLowerCase() === 'alice@fabrikam.com').length, 1);
    assert.equal(snap.invitations.length, 2);
    assert.deepEqual(
      snap.invitations.map((i) => [i.sendInvitationMessage, i.resend, i.sponsors.length, i.customizedMessageBody]),
      [
        [true, false, 1, 'Welcome!'],
        [false, true, 0, null],
      ],
    );
  });

  void test('invitation input validation: bad address, missing redirect URL, too many sponsors', async () => {
    assert.equal((await invite(sb, token, 'not-an-address')).body.error.code, 'BadRequest');
    assert.equal((await invite(sb, token, '.alice@fabrikam.com')).status, 400);
    const noRedirect = await call(sb, 'POST', '/v1.0/invitations', { token, body: { invitedUserEmailAddress: 'a@fabrikam.com' } });
    assert.equal(noRedirect.status, 400);
    assert.equal((await invite(sb, token, 'newhire@contoso.com')).status, 400, "the tenant's own verified domain is not a guest domain");
    const sponsors = Array.from({ length: 6 }, () => ({ id: ADELE }));
    assert.equal((await invite(sb, token, 'a@fabrikam.com', { invitedUserSponsors: sponsors })).status, 400);
    assert.equal(sb.snapshot().invitations.length, 0);
  });

  void test('policy refusals use Graph wording: blocked domain, cross-tenant, suspicious activity, invitations disabled', async () => {
    sb.settings({ blockedDomains: ['blocked.example'], crossTenantBlockedDomains: ['xt.example'] });
    const blocked = await invite(sb, token, 'bob@blocked.example');
    assert.equal(blocked.status, 400);
    assert.match(blocked.body.error.message, /does not allow collaboration.*blocked\.example/);
    const xt = await invite(sb, token, 'bob@xt.example');
    assert.equal(xt.status, 403);
    assert.match(xt.body.error.message, /blocked by cross-tenant access settings/);
    sb.settings({ guestInvitationsDisabled: true });
    assert.match((await invite(sb, token, 'bob@fabrikam.com')).body.error.message, /^Guest invitations not allowed for your company/);
    sb.settings({ suspiciousActivityBlock: true });
    const sus = await invite(sb, token, 'bob@fabrikam.com');
    assert.equal(sus.status, 403);
    assert.equal(sus.body.error.message, 'Invitations are blocked for this directory due to suspicious activity. Please contact support.');
    assert.equal(sb.snapshot().users.length, 6, 'no user created by refused invitations');
  });

  void test("$filter finds an address with an apostrophe ('' escaping) in mail or otherMails, and rejects bad syntax", async () => {
    const inv = await invite(sb, token, "o'brien@fabrikam.com");
    assert.equal(inv.status, 201);
    const q = (f: string): Promise<Reply> => call(sb, 'GET', `/v1.0/users?$filter=${encodeURIComponent(f)}&$select=id,mail,userType`, { token });
    const byMail = await q("mail eq 'O''Brien@fabrikam.com'");
    assert.deepEqual(byMail.body.value.map((u: { id: string }) => u.id), [inv.body.invitedUser.id]);
    const combined = await q(
      "(mail eq 'o''brien@fabrikam.com' or otherMails/any(x:x eq 'o''brien@fabrikam.com') or userPrincipalName eq 'o''brien_fabrikam.com#EXT#@contoso.onmicrosoft.com') and userType eq 'Guest'",
    );
    assert.equal(combined.body.value.length, 1);
    assert.equal((await q("startswith(displayName,'Me')")).body.value.length, 1);
    assert.equal((await q(`id in ('${ADELE}','${ISAIAH}')`)).body.value.length, 2);
    assert.equal((await q("externalUserState eq 'PendingAcceptance'")).body.value.length, 2);
    const bad = await q("mail eq 'unterminated");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^Invalid filter clause/);
    assert.equal((await q("mail gt 'a'")).status, 400);
  });

  void test('team member add: 201 with the membership, 201 again for an existing member, guest into a no-guest team 403, unknown team 404', async () => {
    const ok = await addMember(sb, token, MARKETING, ISAIAH);
    assert.equal(ok.status, 201);
    assert.equal(ok.body['@odata.type'], '#microsoft.graph.aadUserConversationMember');
    assert.equal(ok.body.userId, ISAIAH);
    assert.deepEqual(ok.body.roles, []);
    const again = await addMember(sb, token, MARKETING, ISAIAH);
    assert.equal(again.status, 201, 'Graph answers an existing member with the membership again, no conflict');
    assert.equal(again.body.id, ok.body.id);
    const guest = await addMember(sb, token, LEGAL_NO_GUESTS, PATTI_GUEST);
    assert.equal(guest.status, 403);
    assert.match(guest.body.error.message, /^Guests users are not allowed to join this Unified Group/);
    const noTeam = await addMember(sb, token, '00000000-0000-0000-0000-00000000dead', ISAIAH);
    assert.equal(noTeam.status, 404);
    const owner = await call(sb, 'POST', `/v1.0/teams/${MARKETING}/members`, { token, body: { ...teamMember(ADELE), roles: ['owner'] } });
    assert.equal(owner.status, 403, 'TeamMember.ReadWriteNonOwnerRole.All cannot make owners');
    const members = sb.snapshot().groups.find((g) => g.id === MARKETING)?.members ?? [];
    assert.equal(members.filter((m) => m === ISAIAH).length, 1, 'the team membership is the group membership');
  });

  void test('team members: $filter by userId finds the membership; DELETE by membership id removes it, then 404', async () => {
    const found = await teamMembership(sb, token, MARKETING, PATTI_GUEST);
    assert.equal(found.status, 200);
    assert.equal(found.body.value.length, 1);
    assert.deepEqual(found.body.value[0].roles, ['guest']);
    const membershipId = found.body.value[0].id as string;
    assert.equal((await call(sb, 'DELETE', `/v1.0/teams/${MARKETING}/members/${encodeURIComponent(membershipId)}`, { token })).status, 204);
    assert.ok(!sb.snapshot().groups.find((g) => g.id === MARKETING)?.members.includes(PATTI_GUEST));
    assert.equal((await teamMembership(sb, token, MARKETING, PATTI_GUEST)).body.value.length, 0);
    assert.equal((await call(sb, 'DELETE', `/v1.0/teams/${MARKETING}/members/${encodeURIComponent(membershipId)}`, { token })).status, 404);
    const ownerId = (await teamMembership(sb, token, MARKETING, '00000000-0000-4000-8000-000000000020')).body.value[0].id as string;
    assert.equal((await call(sb, 'DELETE', `/v1.0/teams/${MARKETING}/members/${encodeURIComponent(ownerId)}`, { token })).status, 403, 'owners are out of reach');
    assert.equal((await call(sb, 'GET', `/v1.0/teams/${MARKETING}/members?$filter=${encodeURIComponent("displayName eq 'x'")}`, { token })).status, 400);
  });

  void test('the sandbox refuses Teams membership calls whose permission the app lacks, and the group API without GroupMember.ReadWrite.All', async () => {
    sb.settings({ revokedRoles: ['TeamMember.ReadWriteNonOwnerRole.All'] });
    const add = await addMember(sb, token, MARKETING, ISAIAH);
    assert.equal(add.status, 403);
    assert.equal(add.body.error.code, 'Authorization_RequestDenied');
    assert.equal((await call(sb, 'POST', `/v1.0/teams/${MARKETING}/members/add`, { token, body: { values: [teamMember(ISAIAH)] } })).status, 403);
    assert.equal((await teamMembership(sb, token, MARKETING, PATTI_GUEST)).status, 200, 'listing needs TeamMember.Read.All, not the write permission');
    sb.settings({ revokedRoles: ['TeamMember.Read.All'] });
    assert.equal((await teamMembership(sb, token, MARKETING, PATTI_GUEST)).status, 403);
    const groupApi = await call(sb, 'POST', `/v1.0/groups/${MARKETING}/members/$ref`, { token, body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${ISAIAH}` } });
    assert.equal(groupApi.status, 403, 'the app no longer holds GroupMember.ReadWrite.All');
    assert.ok(!sb.snapshot().groups.find((g) => g.id === MARKETING)?.members.includes(ISAIAH));
  });

  void test('replication lag: a just-invited user is 404 to member adds, then succeeds (attempts and time based)', async () => {
    sb.settings({ replicationLagAttempts: 2 });
    const a = (await invite(sb, token, 'lag1@fabrikam.com')).body.invitedUser.id as string;
    const r1 = await addMember(sb, token, MARKETING, a);
    assert.equal(r1.status, 404);
    assert.equal(r1.body.error.code, 'NotFound');
    assert.equal((await addMember(sb, token, MARKETING, a)).status, 404);
    assert.equal((await addMember(sb, token, MARKETING, a)).status, 201);

    sb.settings({ replicationLagAttempts: 0, replicationLagMs: 300 });
    const b = (await invite(sb, token, 'lag2@fabrikam.com')).body.invitedUser.id as string;
    assert.equal((await addMember(sb, token, MARKETING, b)).status, 404);
    await new Promise((r) => setTimeout(r, 350));
    assert.equal((await addMember(sb, token, MARKETING, b)).status, 201);
    assert.equal((await addMember(sb, token, MARKETING, ISAIAH)).status, 201, 'seeded users are not lagged');
  });

  void test('a fault rule answers 429 with Retry-After the given number of times, then normal behaviour', async () => {
    sb.addFault({ method: 'POST', path: '/invitations', status: 429, retryAfterSeconds: 2, times: 2 });
    const r1 = await invite(sb, token, 'f@fabrikam.com');
    assert.equal(r1.status, 429);
    assert.equal(r1.headers['retry-after'], '2');
    assert.equal(r1.body.error.code, 'TooManyRequests');
    assert.equal((await invite(sb, token, 'f@fabrikam.com')).status, 429);
    assert.equal((await invite(sb, token, 'f@fabrikam.com')).status, 201);
    sb.addFault({ path: /^\/teams\/[^/]+\/members$/, status: 503 });
    assert.equal((await addMember(sb, token, MARKETING, ISAIAH)).status, 503);
    assert.equal((await addMember(sb, token, MARKETING, ISAIAH)).status, 201);
  });

  void test('$batch validates item URLs (relative, version-less) and the 20-item limit', async () => {
    const r = await call(sb, 'POST', '/v1.0/$batch', {
      token,
      body: {
        requests: [
          { id: '1', method: 'GET', url: "/users?$filter=mail eq 'alexw@contoso.com'&$select=id" },
          { id: '2', method: 'GET', url: '/v1.0/users' },
          { id: '3', method: 'GET', url: 'https://graph.microsoft.com/v1.0/users' },
          { id: '4', method: 'POST', url: `/teams/${MARKETING}/members`, body: teamMember(ISAIAH) },
          { id: '5', method: 'GET', url: `/users/${encodeURIComponent('lynner_northwind.com#EXT#@contoso.onmicrosoft.com')}?$select=id,externalUserState` },
        ],
      },
    });
    assert.equal(r.status, 200);
    const byId = Object.fromEntries((r.body.responses as Array<{ id: string; status: number; body: any }>).map((x) => [x.id, x])); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(byId['1']?.status, 200);
    assert.equal(byId['1']?.body.value[0].id, '00000000-0000-4000-8000-000000000020');
    assert.equal(byId['2']?.status, 400);
    assert.equal(byId['2']?.body.error.message, 'Invalid request');
    assert.equal(byId['3']?.status, 400);
    assert.equal(byId['4']?.status, 201);
    assert.equal(byId['5']?.body.externalUserState, 'PendingAcceptance');
    const tooMany = await call(sb, 'POST', '/v1.0/$batch', {
      token,
      body: { requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/organization' })) },
    });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error.code, 'BadRequest');
  });

  void test('members/add answers per user (207 when some fail: a just-invited guest is NotFound) and takes at most 200', async () => {
    sb.settings({ replicationLagAttempts: 1 });
    const lagging = (await invite(sb, token, 'lag@fabrikam.com')).body.invitedUser.id as string;
    const r = await call(sb, 'POST', `/v1.0/teams/${MARKETING}/members/add`, { token, body: { values: [teamMember(ISAIAH), teamMember(lagging), teamMember(PATTI_GUEST)] } });
    assert.equal(r.status, 207);
    const byUser = Object.fromEntries((r.body.value as Array<{ userId: string; error: { code: string } | null }>).map((x) => [x.userId, x]));
    assert.equal(byUser[ISAIAH]?.error, null);
    assert.equal(byUser[lagging]?.error?.code, 'NotFound');
    assert.equal(byUser[PATTI_GUEST]?.error, null, 'an existing member is a success item');
    assert.equal(r.body.value[0]['@odata.type'], '#microsoft.graph.aadUserConversationMemberResult');
    const members = sb.snapshot().groups.find((g) => g.id === MARKETING)?.members ?? [];
    assert.ok(members.includes(ISAIAH) && !members.includes(lagging));
    const all = await call(sb, 'POST', `/v1.0/teams/${MARKETING}/members/add`, { token, body: { values: [teamMember(lagging)] } });
    assert.equal(all.status, 200);
    assert.equal((await call(sb, 'POST', `/v1.0/teams/${MARKETING}/members/add`, { token, body: { values: Array.from({ length: 201 }, () => teamMember(ADELE)) } })).status, 400);
    const guests = await call(sb, 'POST', `/v1.0/teams/${LEGAL_NO_GUESTS}/members/add`, { token, body: { values: [teamMember(PATTI_GUEST), teamMember(ISAIAH)] } });
    assert.equal(guests.status, 207);
    assert.match(guests.body.value[0].error.message, /not allowed to join this Unified Group/);
    const check = await call(sb, 'POST', `/v1.0/directoryObjects/${ISAIAH}/checkMemberGroups`, { token, body: { groupIds: [MARKETING, LEGAL_NO_GUESTS] } });
    assert.deepEqual(check.body.value.sort(), [MARKETING, LEGAL_NO_GUESTS].sort());
  });

  void test('group members page with $top and @odata.nextLink; owners are typed users', async () => {
    const first = await call(sb, 'GET', `/v1.0/groups/${MARKETING}/members?$top=3&$select=id,displayName,userType`, { token });
    assert.equal(first.status, 200);
    assert.equal(first.body.value.length, 3);
    assert.equal(first.body.value[0]['@odata.type'], '#microsoft.graph.user');
    const next = new URL(first.body['@odata.nextLink'] as string);
    const second = await call(sb, 'GET', `${next.pathname}${next.search}`, { token });
    assert.deepEqual(second.body.value.map((u: { id: string }) => u.id), [PATTI_GUEST]);
    assert.equal(second.body['@odata.nextLink'], undefined);
    const owners = await call(sb, 'GET', `/v1.0/groups/${MARKETING}/owners?$select=id`, { token });
    assert.equal(owners.body.value.length, 2);
  });

  void test('redeeming flips the guest to Accepted, through the redeem page and through the API', async () => {
    const inv = await invite(sb, token, 'carol@fabrikam.com');
    const page = await call(sb, 'GET', new URL(inv.body.inviteRedeemUrl as string).pathname + new URL(inv.body.inviteRedeemUrl as string).search);
    assert.equal(page.status, 200);
    assert.match(page.text, /Accept invitation/);
    const ticket = new URL(inv.body.inviteRedeemUrl as string).searchParams.get('ticket') ?? '';
    const accepted = await call(sb, 'POST', '/redeem', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, form: { ticket } });
    assert.equal(accepted.status, 200);
    const u = sb.snapshot().users.find((x) => x.id === inv.body.invitedUser.id);
    assert.equal(u?.externalUserState, 'Accepted');
    assert.ok(Date.now() - Date.parse(u?.externalUserStateChangeDateTime ?? '') < 5000);
    sb.redeem('lynner@northwind.com');
    assert.equal(sb.snapshot().users.find((x) => x.mail === 'lynner@northwind.com')?.externalUserState, 'Accepted');
    const overview = await call(sb, 'GET', '/');
    assert.match(overview.text, /carol@fabrikam\.com/);
  });

  void test('a revoked permission gives 403 Authorization_RequestDenied and new tokens lack the role', async () => {
    sb.settings({ revokedRoles: ['User.Invite.All'] });
    const r = await invite(sb, token, 'dave@fabrikam.com');
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'Authorization_RequestDenied');
    assert.equal(r.body.error.message, 'Insufficient privileges to complete the operation.');
    assert.equal((await call(sb, 'GET', '/v1.0/users?$top=1', { token })).status, 200, 'other permissions still work');
    const fresh = await getToken(sb);
    const claims = JSON.parse(Buffer.from((fresh.body.access_token as string).split('.')[1] ?? '', 'base64url').toString()) as { roles: string[] };
    assert.ok(!claims.roles.includes('User.Invite.All'));
  });

  void test('latencyMs delays Graph calls; $count needs ConsistencyLevel: eventual', async () => {
    sb.settings({ latencyMs: 150 });
    const t0 = Date.now();
    assert.equal((await call(sb, 'GET', '/v1.0/organization', { token })).status, 200);
    assert.ok(Date.now() - t0 >= 140);
    sb.settings({ latencyMs: 0 });
    assert.equal((await call(sb, 'GET', '/v1.0/users?$count=true', { token })).status, 400);
    const counted = await call(sb, 'GET', '/v1.0/users?$count=true&$top=2', { token, headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(counted.body['@odata.count'], 6);
    assert.equal(counted.body.value.length, 2);
  });

  void test('unknown routes answer Graph-shaped 400/404/405, never a 500', async () => {
    const seg = await call(sb, 'GET', '/v1.0/nope', { token });
    assert.equal(seg.status, 400);
    assert.equal(seg.body.error.message, "Resource not found for the segment 'nope'.");
    assert.equal((await call(sb, 'DELETE', '/v1.0/users', { token })).status, 405);
    assert.equal((await call(sb, 'GET', '/v1.0/users/nobody@contoso.com', { token })).body.error.code, 'Request_ResourceNotFound');
    assert.equal((await call(sb, 'GET', '/elsewhere')).status, 404);
    assert.ok(sb.requests().every((e) => e.status < 500));
  });

  void test('control plane over HTTP: settings, regex faults, redeem, state, requests', async () => {
    assert.equal((await call(sb, 'POST', '/_sandbox/settings', { body: { blockedDomains: ['x.example'] } })).status, 200);
    assert.equal((await call(sb, 'POST', '/_sandbox/settings', { body: { bogus: 1 } })).status, 400);
    assert.equal((await call(sb, 'POST', '/_sandbox/faults', { body: { path: { regex: '^/users' }, status: 503, times: 1 } })).status, 201);
    assert.equal((await call(sb, 'GET', '/v1.0/users', { token })).status, 503);
    assert.equal((await call(sb, 'GET', '/v1.0/users', { token })).status, 200);
    assert.equal((await invite(sb, token, 'y@x.example')).status, 400);
    assert.equal((await call(sb, 'POST', '/_sandbox/redeem', { body: { email: 'lynner@northwind.com' } })).status, 200);
    const state = await call(sb, 'GET', '/_sandbox/state');
    assert.equal(state.body.users.find((u: { mail: string }) => u.mail === 'lynner@northwind.com').externalUserState, 'Accepted');
    const reqs = await call(sb, 'GET', '/_sandbox/requests');
    assert.deepEqual(reqs.body.map((e: { status: number }) => e.status), [503, 200, 400]);
    assert.equal((await call(sb, 'DELETE', '/_sandbox/requests')).status, 204);
    assert.equal((await call(sb, 'POST', '/_sandbox/reset')).status, 204);
    assert.equal((await invite(sb, token, 'y@x.example')).status, 201, 'reset restores the starting settings');
  });
});

void describe('sandbox tenant throttling', () => {
  let sb: SandboxTenant;
  let token: string;
  before(async () => {
    sb = await startSandboxTenant({ tlsDir: TLS_DIR, enforceThrottling: true, throttle: { invitationsPerWindow: 3, windowMs: 1500 } });
    token = (await getToken(sb)).body.access_token as string;
  });
  after(() => sb.close());

  void test('invitations beyond the window limit get 429 TooManyRequests with Retry-After, including items inside $batch', async () => {
    const items = Array.from({ length: 4 }, (_, i) => ({
      id: String(i + 1),
      method: 'POST',
      url: '/invitations',
      headers: { 'Content-Type': 'application/json' },
      body: { invitedUserEmailAddress: `t${i}@fabrikam.com`, inviteRedirectUrl: 'https://teams.microsoft.com' },
    }));
    const r = await call(sb, 'POST', '/v1.0/$batch', { token, body: { requests: items } });
    assert.equal(r.status, 200);
    const statuses = (r.body.responses as Array<{ status: number }>).map((x) => x.status);
    assert.deepEqual(statuses, [201, 201, 201, 429]);
    const throttled = r.body.responses[3] as { headers: Record<string, string>; body: { error: { code: string } } };
    assert.equal(throttled.body.error.code, 'TooManyRequests');
    assert.ok(Number(throttled.headers['Retry-After']) >= 1);
    const direct = await invite(sb, token, 'd@fabrikam.com');
    assert.equal(direct.status, 429, 'throttled requests count too: the window is still full');
    assert.ok(Number(direct.headers['retry-after']) >= 1);
    assert.equal((await call(sb, 'GET', '/v1.0/users?$top=1', { token })).status, 200, 'only invitations are limited');
    await new Promise((res) => setTimeout(res, 1600));
    assert.equal((await invite(sb, token, 'd@fabrikam.com')).status, 201);
  });
});

void describe('sandbox tenant persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-tenant-'));
  const dataFile = join(dir, 'directory.json');
  after(() => rmSync(dir, { recursive: true, force: true }));

  void test('with dataFile, the directory survives a restart; reset() rewrites it from the seed', async () => {
    const first = await startSandboxTenant({ tlsDir: TLS_DIR, dataFile });
    const token = (await getToken(first)).body.access_token as string;
    const inv = await invite(first, token, 'persist@fabrikam.com');
    assert.equal((await addMember(first, token, MARKETING, inv.body.invitedUser.id as string)).status, 201);
    await first.close();
    assert.ok(existsSync(dataFile));

    const second = await startSandboxTenant({ tlsDir: TLS_DIR, dataFile });
    try {
      const snap = second.snapshot();
      assert.ok(snap.users.some((u) => u.mail === 'persist@fabrikam.com'));
      assert.ok(snap.groups.find((g) => g.id === MARKETING)?.members.includes(inv.body.invitedUser.id as string));
      assert.equal(snap.invitations.length, 1);
      // The signing key is kept in tlsDir, so a token from before the restart still works.
      assert.equal((await call(second, 'GET', '/v1.0/organization', { token })).status, 200);
      const ticket = new URL(inv.body.inviteRedeemUrl as string).searchParams.get('ticket') ?? '';
      assert.equal((await call(second, 'GET', `/redeem?ticket=${ticket}`)).status, 200, 'redeem links survive restarts');
      second.reset();
      const onDisk = JSON.parse(readFileSync(dataFile, 'utf8')) as { users: Array<{ mail: string }> };
      assert.ok(!onDisk.users.some((u) => u.mail === 'persist@fabrikam.com'));
    } finally {
      await second.close();
    }
  });
});
