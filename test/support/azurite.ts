// Azurite's table service for tests: in memory, on a free loopback port, from node_modules.
// Never outlives the test process: stop() ends it, an exit hook kills it, and the child exits by
// itself when its stdin (a pipe from this process) closes, which also covers a killed parent.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Azurite {
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

/** Azurite's well-known development account (public, documented; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const root = path.resolve(__dirname, '..', '..');
const MAIN = path.join(root, 'node_modules', 'azurite', 'dist', 'src', 'table', 'main.js');
/** Preloaded into the child: exit when the parent's end of stdin goes away. */
const WATCH_PARENT = `data:text/javascript,${encodeURIComponent('process.stdin.on("end", () => process.exit(0)).on("error", () => process.exit(0)).resume();')}`;

/** Live Azurite processes and their workspaces, for the exit hook. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [child, location] of running) {
      child.kill('SIGKILL');
      rmSync(location, { recursive: true, force: true });
    }
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startOn(port: number, location: string, timeoutMs: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      WATCH_PARENT,
      MAIN,
      '--inMemoryPersistence',
      '--silent',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
    ],
    // Azurite's workspace is its cwd (it refuses --location with --inMemoryPersistence).
    // NODE_OPTIONS could carry the parent's loaders (tsx) into Azurite; it needs none.
    { cwd: location, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  running.set(child, location);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Azurite exited (${child.exitCode ?? child.signalCode}) before answering on port ${port}:\n${output}`);
    }
    if (output.includes('successfully started') && (await answers(port))) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  await stopChild(child);
  throw new Error(`Azurite did not answer on port ${port} within ${timeoutMs} ms:\n${output}`);
}

export async function startAzurite(timeoutMs = 15_000): Promise<Azurite> {
  installExitHook();
  const location = mkdtempSync(path.join(tmpdir(), 'guestpass-azurite-'));
  let child: ChildProcess | undefined;
  let port = 0;
  let lastError: unknown;
  // The free port could be taken between probing and Azurite's listen: try a few.
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    try {
      child = await startOn(port, location, timeoutMs);
    } catch (e) {
      lastError = e;
    }
  }
  if (!child) {
    rmSync(location, { recursive: true, force: true });
    throw lastError;
  }
  const started = child;
  return {
    port,
    connectionString: [
      'DefaultEndpointsProtocol=http',
      `AccountName=${ACCOUNT}`,
      `AccountKey=${ACCOUNT_KEY}`,
      `TableEndpoint=http://127.0.0.1:${port}/${ACCOUNT}`,
    ].join(';'),
    async stop() {
      await stopChild(started);
      rmSync(location, { recursive: true, force: true });
    },
  };
}
