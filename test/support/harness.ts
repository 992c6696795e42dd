// Starts what an integration test needs, all real HTTP: the sandbox tenant (Entra + Graph over
// HTTPS), the connector stand-in, and the bot's own server with its production configuration path.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach } from 'node:test';
import { createApp, type App, type AppOverrides } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { sandboxRunContract, startSandboxTenant, type SandboxTenant } from '../../src/sandbox';
import { LEGAL_TEAM, MARKETING_GROUP, MARKETING_TEAM, NO_GUESTS_GROUP, USERS, type TestUser, type Where, mentionMessage } from './activities';
import { ConnectorStandIn, type SentActivity } from './connector';

export interface Harness {
  sandbox: SandboxTenant;
  connector: ConnectorStandIn;
  app: App;
  botUrl: string;
  dataDir: string;
  /** Posts an activity to /api/messages like the channel does (with `headers`, e.g. Authorization); returns the HTTP answer. */
  post(activity: object, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  /** @mentions the bot with `text` as `from` in a channel (default: the Marketing team) and returns its reply. */
  say(from: TestUser, text: string, where?: Partial<Where>): Promise<SentActivity>;
  /** A fresh bot on the same sandbox, connector and data directory (a restart). */
  restart(env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Test-only timings passed to createApp (see AppOverrides). */
  overrides?: AppOverrides;
  /** Where the bot's JSON logs go (default: nowhere unless TEST_LOG_LEVEL is set). */
  logs?: { level: string; stream: { write(line: string): void } };
  /** false: the bot runs without BOT_ALLOW_ANONYMOUS, so `env` must give it an identity. Default true. */
  anonymous?: boolean;
  sandbox?: SandboxTenant;
}

export const sandboxEnv = sandboxRunContract;

/**
 * One harness for a test file: started before its tests, closed after them, and before each test
 * the sandbox back to its seed (directory, settings, faults), its request log and the connector's
 * record emptied. The returned object reads through to the live harness (restarts included).
 */
export function useHarness(options: HarnessOptions = {}): Harness & { readonly where: Where } {
  let current: Harness | undefined;
  before(async () => {
    current = await startHarness(options);
  });
  after(async () => current?.close());
  beforeEach(() => {
    current!.sandbox.reset();
    current!.sandbox.clearRequests();
    current!.connector.clear();
  });
  return new Proxy({} as Harness & { where: Where }, {
    get: (_target, property) => {
      if (!current) throw new Error('the harness starts in before(): use it inside tests');
      return property === 'where' ? { serviceUrl: current.connector.url } : Reflect.get(current, property);
    },
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!process.env.NODE_EXTRA_CA_CERTS) throw new Error('run the tests with `npm test` (it sets NODE_EXTRA_CA_CERTS for the sandbox certificate)');
  const sandbox = options.sandbox ?? (await startSandboxTenant());
  const connector = await new ConnectorStandIn().start();
  connector.teams.set(MARKETING_TEAM, { id: MARKETING_TEAM, name: 'Contoso Marketing', aadGroupId: MARKETING_GROUP });
  connector.teams.set(LEGAL_TEAM, { id: LEGAL_TEAM, name: 'Contoso Legal', aadGroupId: NO_GUESTS_GROUP });
  // The rosters Teams keeps for these teams (the sandbox's group members).
  connector.rosters.set(MARKETING_TEAM, [USERS.alexOwner, USERS.meganOwner, USERS.adeleMember, { ...USERS.pattiGuest, userRole: 'guest' }]);
  connector.rosters.set(LEGAL_TEAM, [USERS.alexOwner]);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guest-pass-'));
  const logger = options.logs ? createLogger(options.logs.level, options.logs.stream) : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

  const build = async (env: Record<string, string> = {}) => {
    const anonymous: Record<string, string> = options.anonymous === false ? {} : { BOT_ALLOW_ANONYMOUS: 'true' };
    const config = loadConfig({ ...anonymous, DATA_DIR: dataDir, ...sandboxEnv(sandbox), ...options.env, ...env });
    const app = createApp(config, logger, { memberAddBackoffMs: [100, 200, 300], pendingAddFirstRetryMs: 0, pendingAddBackoffMs: [0], ...options.overrides });
    const port = await app.listen(0, config.host);
    connector.botUrl = `http://127.0.0.1:${port}`;
    return { app, botUrl: `http://127.0.0.1:${port}` };
  };

  let current = await build();
  const harness: Harness = {
    sandbox,
    connector,
    app: current.app,
    botUrl: current.botUrl,
    dataDir,
    async post(activity, headers = {}) {
      const res = await fetch(`${harness.botUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
        // A turn that hangs fails the test within a minute instead of undici's five.
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body };
    },
    async say(from, text, where) {
      const activity = mentionMessage({ serviceUrl: connector.url, ...where }, from, text);
      const res = await harness.post(activity);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
      return connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id);
    },
    async restart(env) {
      await current.app.close();
      current = await build(env);
      harness.app = current.app;
      harness.botUrl = current.botUrl;
    },
    async close() {
      await current.app.close();
      await connector.stop();
      if (!options.sandbox) await sandbox.close();
    },
  };
  return harness;
}
