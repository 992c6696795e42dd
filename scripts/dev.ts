// `npm run dev`: the whole product on one machine, no Microsoft 365 tenant needed.
//   1. the sandbox tenant (Entra + Graph stand-in, HTTPS, in this process),
//   2. the bot, pointed at it through the run contract (env vars only),
//   3. the Microsoft 365 Agents Playground (channel msteams), pointed at the bot.
// Ctrl-C (or SIGTERM) stops all three.
// Usage: node --import tsx scripts/dev.ts [--reset] [--as PERSON] [--bot-port N] [--sandbox-port N] [--playground-port N]
//   --as owner | owner2 | member | guest | outsider | lynne (or a first name): the Playground's current user.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULT_TLS_DIR, sandboxRunContract, startSandboxTenant, type SandboxTenant } from '../src/sandbox';

const ROOT = resolve(__dirname, '..');
const PLAYGROUND_CLI = join(ROOT, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');

export interface DevStackOptions {
  botPort?: number;
  sandboxPort?: number;
  playgroundPort?: number;
  /** The bot's DATA_DIR. */
  dataDir?: string;
  /** The sandbox's persisted directory; survives restarts unless reset. */
  directoryFile?: string;
  /** Restore the sandbox directory to its seed and empty the bot's DATA_DIR. */
  resetDirectory?: boolean;
  /** Print the "open this URL" block once everything is up. */
  openBrowserHint?: boolean;
  tlsDir?: string;
  /** Variables for the bot, on top of which the sandbox's own values are set. */
  envFile?: string;
  /** Mock Teams data for the Playground. */
  playgroundConfig?: string;
  /** How the bot is started: node arguments, relative to the repository root. */
  botCommand?: string[];
  /** Where the stack's own lines and the prefixed child output go. */
  log?: (line: string) => void;
  /** How long each part may take to come up. */
  startTimeoutMs?: number;
}

export interface DevStack {
  playgroundUrl: string;
  botUrl: string;
  sandboxUrl: string;
  /** The in-process sandbox (snapshot, reset, faults), for tests. */
  sandbox: SandboxTenant;
  stop(): Promise<void>;
}

export class DevStackError extends Error {}

/** Parses a dotenv-style file: KEY=VALUE lines, `#` comments, optional quotes. */
export function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (!existsSync(path)) return env;
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    env[key] = value;
  }
  return env;
}

/** The seeded people `--as` accepts, by role (README, "Quick start"), and the Playground user id each one is. */
export const SEEDED_PEOPLE: Record<string, { userId: string; who: string }> = {
  owner: { userId: 'user-alexw', who: 'Alex Wilber, an owner of Contoso Marketing (the default)' },
  owner2: { userId: 'user-meganb', who: 'Megan Bowen, the other owner' },
  member: { userId: 'user-adelev', who: 'Adele Vance, a member (her invitations are requests under the approval policy)' },
  guest: { userId: 'user-pattif', who: 'Patti Fernandez, a guest in the team (always refused)' },
  outsider: { userId: 'user-isaiahl', who: 'Isaiah Langer, a member of the tenant but not of the team' },
  lynne: { userId: 'user-lynner', who: 'Lynne Robbins, a guest who is not in the team' },
};

/** The YAML entry of one user: `- id: …` and the lines indented under it, as lines without the list dash. */
function userBlocks(lines: string[]): { start: number; end: number; id: string }[] {
  const blocks: { start: number; end: number; id: string }[] = [];
  const usersAt = lines.findIndex((l) => l.startsWith('users:'));
  if (usersAt === -1) return blocks;
  for (let i = usersAt + 1; i < lines.length && (lines[i]!.startsWith(' ') || lines[i]!.trim() === ''); i++) {
    const m = /^ {2}- id: (\S+)/.exec(lines[i]!);
    if (m) blocks.push({ start: i, end: i + 1, id: m[1]! });
    else if (blocks.length && /^ {4}\S/.test(lines[i]!)) blocks[blocks.length - 1]!.end = i + 1;
  }
  return blocks;
}

/**
 * The Playground's mock data with another seeded person as `currentUser` (the Playground has no
 * user switch): that person's entry and the current user's change places, all else as it was.
 */
export function playgroundConfigAs(yaml: string, person: string): string {
  const key = person.toLowerCase();
  const lines = yaml.split('\n');
  const blocks = userBlocks(lines);
  const target =
    SEEDED_PEOPLE[key]?.userId ?? blocks.find((b) => b.id === `user-${key}` || lines.slice(b.start, b.end).some((l) => new RegExp(`^\\s+givenName: ${key}$`, 'i').test(l)))?.id;
  const current = lines.findIndex((l) => l.startsWith('currentUser:'));
  let currentEnd = current + 1;
  while (currentEnd < lines.length && /^ {2}\S/.test(lines[currentEnd]!)) currentEnd++;
  const currentBody = lines.slice(current + 1, currentEnd).filter((l) => !l.trim().startsWith('#')).map((l) => l.slice(2));
  if (current === -1) throw new DevStackError('no currentUser in the Playground configuration');
  if (currentBody[0] === `id: ${target}`) return yaml;
  const block = blocks.find((b) => b.id === target);
  if (!block) throw new DevStackError(`--as ${person}: not a seeded person; choose one of ${Object.keys(SEEDED_PEOPLE).join(', ')}`);
  const targetBody = lines.slice(block.start, block.end).map((l) => l.slice(4));
  const out = [...lines];
  // The later range first, so the earlier indexes stay right.
  out.splice(block.start, block.end - block.start, ...currentBody.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)));
  out.splice(current + 1, currentEnd - current - 1, ...targetBody.map((l) => `  ${l}`));
  return out.join('\n');
}

function fromRoot(path: string): string {
  return isAbsolute(path) ? path : resolve(ROOT, path);
}

/** Resolves when nothing listens on the port (IPv4 or IPv6), rejects with a clear message otherwise. */
async function assertPortFree(port: number, what: string): Promise<void> {
  const busy = () => new DevStackError(`Port ${port} (${what}) is already in use. Stop whatever listens there, or choose another port.`);
  const answers = await new Promise<boolean>((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
  if (answers) throw busy();
  await new Promise<void>((ok, fail) => {
    const probe = createServer();
    probe.once('error', () => fail(busy()));
    probe.listen({ port, exclusive: true }, () => probe.close(() => ok()));
  });
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, abort?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = abort?.();
    if (reason) throw new DevStackError(`${what} did not start: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new DevStackError(`${what} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function answersOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.ok;
}

interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<void>;
  exitReason(): string | undefined;
}

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Child {
  // Own process group (detached), so stopping it also stops whatever it started (tsx, esbuild).
  const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let reason: string | undefined;
  const exited = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      reason = signal ? `killed by ${signal}` : `exited with code ${String(code)}`;
      done();
    });
    child.once('error', (err) => {
      reason = err.message;
      done();
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => log(`[${name}] ${line}`));
  }
  return { name, process: child, exited, exitReason: () => reason };
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  if (child.exitReason() || child.process.pid === undefined) return;
  try {
    process.kill(-child.process.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function stopChild(child: Child, graceMs = 12_000): Promise<void> {
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
  // Grandchildren that ignored SIGTERM go too.
  if (child.process.pid !== undefined) {
    try {
      process.kill(-child.process.pid, 'SIGKILL');
    } catch {
      // Nothing left in the group.
    }
  }
}

export async function startDevStack(opts: DevStackOptions = {}): Promise<DevStack> {
  const botPort = opts.botPort ?? 3978;
  const sandboxPort = opts.sandboxPort ?? 3979;
  const playgroundPort = opts.playgroundPort ?? 56150;
  const dataDir = fromRoot(opts.dataDir ?? '.data/playground');
  const directoryFile = fromRoot(opts.directoryFile ?? '.sandbox/directory.json');
  const playgroundConfig = fromRoot(opts.playgroundConfig ?? '.m365agentsplayground.yml');
  const log = opts.log ?? ((line: string) => console.log(line));
  const timeoutMs = opts.startTimeoutMs ?? 60_000;

  await assertPortFree(sandboxPort, 'sandbox tenant');
  await assertPortFree(botPort, 'bot');
  await assertPortFree(playgroundPort, 'Agents Playground');
  if (!existsSync(PLAYGROUND_CLI)) throw new DevStackError(`Agents Playground not installed (${PLAYGROUND_CLI}); run npm install`);
  if (!existsSync(playgroundConfig)) throw new DevStackError(`Playground mock data not found: ${playgroundConfig}`);

  if (opts.resetDirectory) {
    // Only ever a directory inside the repository (default .data/playground) or an explicit temp dir.
    const rel = relative(ROOT, dataDir);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) rmSync(dataDir, { recursive: true, force: true });
  }

  const sandbox = await startSandboxTenant({ port: sandboxPort, dataFile: directoryFile, tlsDir: fromRoot(opts.tlsDir ?? DEFAULT_TLS_DIR) });
  if (opts.resetDirectory) sandbox.reset();
  log(`[sandbox] listening on ${sandbox.url} (directory ${relative(ROOT, directoryFile) || directoryFile}${opts.resetDirectory ? ', reset to seed' : ''})`);

  const children: Child[] = [];
  let stopped: Promise<void> | undefined;
  const killAll = () => children.forEach((c) => signalGroup(c, 'SIGKILL'));
  // Last resort if this process dies without stop(): never leave the children running.
  process.once('exit', killAll);
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const child of [...children].reverse()) await stopChild(child);
      await sandbox.close();
      process.off('exit', killAll);
    })();
    return stopped;
  };

  try {
    // Inherited shell variables win over the env file (dotenv semantics); what the sandbox decides
    // (URLs, identity, certificate) and the ports always win. The Playground is anonymous, so any
    // Bot Framework identity from the shell would make the bot reject it: drop those.
    const fileEnv = { ...readEnvFile(fromRoot(opts.envFile ?? 'env/.env.playground')), ...readEnvFile(fromRoot(`${opts.envFile ?? 'env/.env.playground'}.user`)) };
    const inherited = { ...process.env };
    for (const key of Object.keys(inherited)) {
      if (/^(MicrosoftApp|ToBotFrom|ToChannelFrom|OAuthUrl$|CallerId$)/.test(key)) delete inherited[key];
    }
    const botEnv: NodeJS.ProcessEnv = {
      ...fileEnv,
      ...inherited,
      PORT: String(botPort),
      BOT_ALLOW_ANONYMOUS: 'true',
      ...sandboxRunContract(sandbox),
      DATA_DIR: dataDir,
    };
    const bot = startChild('bot', opts.botCommand ?? ['--import', 'tsx', 'src/index.ts'], botEnv, log);
    children.push(bot);
    // The anonymous bot listens on 127.0.0.1 only; naming it (not localhost, which may resolve
    // to ::1 first) points the Playground straight at it.
    const botUrl = `http://127.0.0.1:${botPort}`;
    await waitFor('The bot', timeoutMs, () => answersOk(`${botUrl}/healthz`), bot.exitReason);

    const playgroundEnv: NodeJS.ProcessEnv = { ...process.env, M365_AGENTS_PLAYGROUND_CONFIG_PATH: playgroundConfig };
    delete playgroundEnv.NODE_EXTRA_CA_CERTS;
    const playground = startChild(
      'playground',
      [PLAYGROUND_CLI, 'start', '-e', `${botUrl}/api/messages`, '-c', 'msteams', '--disable-telemetry', '-p', String(playgroundPort)],
      playgroundEnv,
      log,
    );
    children.push(playground);
    const playgroundUrl = `http://127.0.0.1:${playgroundPort}`;
    await waitFor('The Agents Playground', timeoutMs, () => answersOk(`${playgroundUrl}/`), playground.exitReason);

    if (opts.openBrowserHint ?? true) {
      const rule = '='.repeat(72);
      log(
        [
          '',
          rule,
          '  Guest Pass is running against the sandbox tenant.',
          '',
          `  Open the Agents Playground:     ${playgroundUrl}`,
          `  Sandbox directory (read-only):  ${sandbox.url}/   (self-signed certificate)`,
          `  Bot endpoint:                   ${botUrl}/api/messages`,
          '',
          '  In the Playground: open "General / Contoso Marketing", type @, pick Guest Pass,',
          '  then e.g. "/invite alice@fabrikam.com Alice Smith" or "invite" for the card.',
          '',
          '  Ctrl-C stops all three.',
          rule,
          '',
        ].join('\n'),
      );
    }
    return { playgroundUrl, botUrl, sandboxUrl: sandbox.url, sandbox, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Writes the Playground's mock data with `person` as the current user to a temporary file (under .data/, ignored by git). */
function configAs(person: string, base: string | undefined): string {
  const source = fromRoot(base ?? '.m365agentsplayground.yml');
  const dir = fromRoot('.data/playground-as');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${person.toLowerCase().replace(/[^a-z0-9-]/g, '')}.m365agentsplayground.yml`);
  writeFileSync(target, playgroundConfigAs(readFileSync(source, 'utf8'), person));
  return target;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reset: { type: 'boolean', default: false },
      'bot-port': { type: 'string' },
      'sandbox-port': { type: 'string' },
      'playground-port': { type: 'string' },
      as: { type: 'string' },
    },
  });
  // Ports: flags, else env/.env.playground (so the Toolkit's flow and this script agree), else defaults.
  const file = readEnvFile(fromRoot('env/.env.playground'));
  const port = (flag: string | undefined, value: string | undefined, fallback: number) => {
    const text = flag ?? value;
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new DevStackError(`"${text}" is not a port`);
    return Number(text);
  };
  const stack = await startDevStack({
    resetDirectory: values.reset,
    botPort: port(values['bot-port'], file.PORT, 3978),
    sandboxPort: port(values['sandbox-port'], file.SANDBOX_PORT, 3979),
    playgroundPort: port(values['playground-port'], file.PLAYGROUND_PORT, 56150),
    dataDir: file.DATA_DIR,
    playgroundConfig: values.as ? configAs(values.as, file.M365_AGENTS_PLAYGROUND_CONFIG_PATH) : file.M365_AGENTS_PLAYGROUND_CONFIG_PATH,
  });
  if (values.as) console.log(`Playground current user: ${SEEDED_PEOPLE[values.as.toLowerCase()]?.who ?? values.as}`);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`${signal} again: killing now`);
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the Playground, the bot and the sandbox tenant...`);
    stack.stop().then(
      () => {
        console.log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof DevStackError ? `npm run dev: ${err.message}` : err);
    process.exit(1);
  });
}
