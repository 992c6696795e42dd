// The run contract (PRODUCT.md section 7), read and validated in one place.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_DOCS_BASE_URL, loadConfig } from '../../src/config';

const graph = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' };
const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
};

describe('configuration', () => {
  it('refuses to start without MicrosoftAppId unless BOT_ALLOW_ANONYMOUS=true', () => {
    assert.match(problemsOf({ ...graph }).join('\n'), /MicrosoftAppId is not set/);
    assert.equal(loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true' }).bot.anonymous, true);
  });

  it('never runs anonymously when an app id is set', () => {
    const c = loadConfig({ ...graph, MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw' });
    assert.equal(c.bot.anonymous, false);
    assert.match(problemsOf({ ...graph, MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', BOT_ALLOW_ANONYMOUS: 'true' }).join(), /choose one/);
  });

  it('reads the lifecycle settings with their defaults (90, 14, false, 7 days) and decimal days', () => {
    const d = loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true' }).lifecycle;
    assert.deepEqual(d, { reviewDays: 90, reviewGraceDays: 14, expireUnreviewed: false, pendingReminderDays: 7 });
    const t = loadConfig({
      ...graph,
      BOT_ALLOW_ANONYMOUS: 'true',
      GUEST_REVIEW_DAYS: '0.00002',
      GUEST_REVIEW_GRACE_DAYS: '0',
      GUEST_EXPIRE_UNREVIEWED: 'true',
      PENDING_REMINDER_DAYS: '1.5',
    }).lifecycle;
    assert.deepEqual(t, { reviewDays: 0.00002, reviewGraceDays: 0, expireUnreviewed: true, pendingReminderDays: 1.5 });
    const problems = problemsOf({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', GUEST_REVIEW_DAYS: 'ninety', PENDING_REMINDER_DAYS: '0', GUEST_EXPIRE_UNREVIEWED: 'maybe' }).join('\n');
    assert.match(problems, /GUEST_REVIEW_DAYS: must be a number of days/);
    assert.match(problems, /PENDING_REMINDER_DAYS/);
    assert.match(problems, /GUEST_EXPIRE_UNREVIEWED: must be true or false/);
  });

  it('applies the documented defaults', () => {
    const c = loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true' });
    assert.equal(c.port, 3978);
    assert.equal(c.policy.invitePolicy, 'approval');
    assert.equal(c.policy.sendInvitationEmail, true);
    assert.equal(c.redemptionCheckSeconds, 300);
    assert.equal(c.dataDir, './.data');
    assert.equal(c.graph.authorityHost, 'https://login.microsoftonline.com');
    assert.equal(c.graph.baseUrl, 'https://graph.microsoft.com');
    assert.equal(c.graph.instanceDiscovery, true);
    assert.deepEqual(c.allowedTenants, ['t']);
    assert.deepEqual(c.bulk, { invitationsPer5s: 145, inviteConcurrency: 150 });
    assert.equal(c.approvalReminderHours, 24);
    assert.equal(c.policy.redeemLinkAudience, 'owners');
  });

  it('bounds every Graph request at 8 s unless GRAPH_REQUEST_TIMEOUT_MS says otherwise, within 100 ms to 2 minutes', () => {
    assert.equal(loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true' }).graph.requestTimeoutMs, 8000);
    assert.equal(loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', GRAPH_REQUEST_TIMEOUT_MS: '300' }).graph.requestTimeoutMs, 300);
    for (const bad of ['0', '99', '120001', '8s', '-5']) {
      assert.match(problemsOf({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', GRAPH_REQUEST_TIMEOUT_MS: bad }).join(), /GRAPH_REQUEST_TIMEOUT_MS/, bad);
    }
  });

  it('refuses bulk pacing above what Graph allows', () => {
    assert.match(problemsOf({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', BULK_INVITATIONS_PER_5S: '151' }).join(), /BULK_INVITATIONS_PER_5S/);
  });

  it('turns instance discovery off for any authority that is not a Microsoft cloud', () => {
    const c = loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', AZURE_AUTHORITY_HOST: 'https://127.0.0.1:3979' });
    assert.equal(c.graph.instanceDiscovery, false);
  });

  it('refuses an http authority, a bad policy, a bad port and a bad domain pattern with clear messages', () => {
    const problems = problemsOf({
      ...graph,
      BOT_ALLOW_ANONYMOUS: 'true',
      AZURE_AUTHORITY_HOST: 'http://127.0.0.1:3979',
      INVITE_POLICY: 'everyone',
      PORT: 'eighty',
      ALLOWED_DOMAINS: 'fabrikam.com, not a domain',
    }).join('\n');
    assert.match(problems, /AZURE_AUTHORITY_HOST: must be an https/);
    assert.match(problems, /INVITE_POLICY/);
    assert.match(problems, /PORT: must be a whole number/);
    assert.match(problems, /"not a domain" is not a domain/);
  });

  it('takes the channel-authentication settings all seven or none', () => {
    assert.match(problemsOf({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', OAuthUrl: 'https://x' }).join(), /all seven or none/);
  });

  it('reads domain lists and patterns in lower case', () => {
    const c = loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', ALLOWED_DOMAINS: 'Fabrikam.com, *.Contoso.com', BLOCKED_DOMAINS: '' });
    assert.deepEqual(c.policy.allowedDomains, ['fabrikam.com', '*.contoso.com']);
    assert.deepEqual(c.policy.blockedDomains, []);
  });

  it('listens on loopback when anonymous and on all interfaces otherwise, unless HOST says where', () => {
    assert.equal(loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true' }).host, '127.0.0.1');
    assert.equal(loadConfig({ ...graph, MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw' }).host, undefined);
    assert.equal(loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.equal(loadConfig({ ...graph, MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', HOST: ' ::1 ' }).host, '::1');
    assert.equal(loadConfig({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', HOST: '' }).host, '127.0.0.1', 'empty is unset');
  });

  it('refuses a HOST that is not an IP address', () => {
    assert.match(problemsOf({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', HOST: 'my laptop' }).join(), /HOST: must be an IP address/);
    assert.match(problemsOf({ ...graph, BOT_ALLOW_ANONYMOUS: 'true', HOST: '127.0.0.1:3978' }).join(), /HOST: must be an IP address/);
  });
  it('turns telemetry on only with an Application Insights connection string, and checks its shape', () => {
    const anon = { ...graph, BOT_ALLOW_ANONYMOUS: 'true' };
    assert.equal(loadConfig(anon).telemetry, undefined);
    assert.equal(loadConfig({ ...anon, APPLICATIONINSIGHTS_CONNECTION_STRING: '  ' }).telemetry, undefined, 'empty is unset');
    const cs = 'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';
    assert.deepEqual(loadConfig({ ...anon, APPLICATIONINSIGHTS_CONNECTION_STRING: cs }).telemetry, { connectionString: cs });
    assert.match(problemsOf({ ...anon, APPLICATIONINSIGHTS_CONNECTION_STRING: 'not-a-connection-string' }).join(), /APPLICATIONINSIGHTS_CONNECTION_STRING: must be an Application Insights connection string/);
    assert.match(
      problemsOf({ ...anon, APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=http://x/' }).join(),
      /IngestionEndpoint must be https/,
    );
  });

  it('links refusal cards to DOCS_BASE_URL, an https URL, by default the project docs', () => {
    const anon = { ...graph, BOT_ALLOW_ANONYMOUS: 'true' };
    assert.equal(loadConfig(anon).docsBaseUrl, DEFAULT_DOCS_BASE_URL);
    assert.equal(loadConfig({ ...anon, DOCS_BASE_URL: 'https://wiki.contoso.com/guest-pass/' }).docsBaseUrl, 'https://wiki.contoso.com/guest-pass');
    assert.match(problemsOf({ ...anon, DOCS_BASE_URL: 'http://wiki.contoso.com' }).join(), /DOCS_BASE_URL: must be an https/);
  });
});
