// Telemetry (src/telemetry.ts, Application Insights through OpenTelemetry): off, it costs nothing, because
// neither the module nor OpenTelemetry is ever loaded; on, the distro is loaded before restify, botbuilder
// and the Azure SDK (so it can instrument them), and each turn's log lines carry the request's trace id.
// The bot runs as its own process, started as `npm start` starts it, with a preload that records what it
// loaded (test/support/loaded-modules.cjs).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { personalMessage, USERS } from '../support/activities';

const root = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guest-pass-telemetry-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A stand-in connector that accepts the bot's replies. */
async function connector(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'reply-1' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Run {
  /** Files the process loaded, in load order. */
  loaded: string[];
  /** Parsed JSON log lines. */
  logs: Record<string, unknown>[];
}

/** Starts the bot (anonymous, loopback), sends one personal `help` message, stops it with SIGTERM. */
async function runBot(extraEnv: Record<string, string>): Promise<Run> {
  const port = await freePort();
  const conn = await connector();
  const out = path.join(tmp, `loaded-${port}.json`);
  // Only this test's settings: nothing from the shell's Microsoft*/AZURE_*/APPLICATIONINSIGHTS_* variables.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(Microsoft|BOT_|AZURE_|APPLICATIONINSIGHTS_|PORT$|HOST$|LOG_LEVEL$|DATA_DIR$)/.test(k)),
  );
  const child = spawn(process.execPath, ['--require', path.join(root, 'test/support/loaded-modules.cjs'), '--import', 'tsx', 'src/index.ts'], {
    cwd: root,
    env: {
      ...clean,
      BOT_ALLOW_ANONYMOUS: 'true',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: path.join(tmp, `data-${port}`),
      LOG_LEVEL: 'info',
      LOADED_MODULES_OUT: out,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      assert.equal(child.exitCode, null, `bot exited early: ${output}`);
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      assert.ok(Date.now() < deadline, `bot did not answer /healthz within 30 s: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const activity = personalMessage({ serviceUrl: conn.url }, USERS.alexOwner, 'help');
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    assert.ok(res.status < 300, `the turn answered ${res.status}: ${output}`);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, `clean stop: ${output}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await conn.close();
  }
  const logs = output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { loaded: JSON.parse(fs.readFileSync(out, 'utf8')) as string[], logs };
}

const isTelemetryModule = (f: string) => f === path.join(root, 'src', 'telemetry.ts') || f === path.join(root, 'src', 'telemetry.js');
const isOpenTelemetry = (f: string) => f.includes(`${path.sep}@opentelemetry${path.sep}`) || f.includes(`${path.sep}@azure${path.sep}monitor-opentelemetry`);
const firstIndex = (files: string[], part: string) => files.findIndex((f) => f.includes(part));

describe('telemetry', () => {
  it('is off without APPLICATIONINSIGHTS_CONNECTION_STRING: neither src/telemetry.ts nor OpenTelemetry is loaded', async () => {
    const { loaded, logs } = await runBot({});
    assert.ok(firstIndex(loaded, `${path.sep}restify${path.sep}`) >= 0, 'the bot itself was loaded (restify)');
    assert.ok(firstIndex(loaded, `${path.sep}botbuilder${path.sep}`) >= 0, 'the bot itself was loaded (botbuilder)');
    assert.deepEqual(loaded.filter(isTelemetryModule), []);
    assert.deepEqual(loaded.filter(isOpenTelemetry), []);
    const turn = logs.find((l) => l['msg'] === 'command');
    assert.ok(turn, 'the turn logged its command');
    assert.equal(turn['trace_id'], undefined);
  });

  it('is on with a connection string: the distro loads before restify, botbuilder and the Azure SDK, and turn logs carry the trace id', async () => {
    const { loaded, logs } = await runBot({
      // A well-formed connection string whose ingestion endpoint refuses connections: nothing leaves this machine.
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL: 'true',
    });
    assert.ok(loaded.some(isTelemetryModule), 'src/telemetry.ts was loaded');
    const distro = firstIndex(loaded, `${path.sep}@azure${path.sep}monitor-opentelemetry${path.sep}`);
    const httpInstrumentation = firstIndex(loaded, `${path.sep}@opentelemetry${path.sep}instrumentation-http${path.sep}`);
    assert.ok(distro >= 0, '@azure/monitor-opentelemetry was loaded');
    assert.ok(httpInstrumentation >= 0, 'the http instrumentation was loaded');
    for (const later of ['restify', 'botbuilder', 'botframework-connector', `@azure${path.sep}identity`, `@azure${path.sep}data-tables`, 'pino']) {
      const at = firstIndex(loaded, `${path.sep}node_modules${path.sep}${later}${path.sep}`);
      if (later === `@azure${path.sep}data-tables` && at < 0) continue; // only with Azure Storage
      assert.ok(at > distro, `${later} loads after the distro (${at} > ${distro})`);
    }
    const turn = logs.find((l) => l['msg'] === 'command');
    assert.ok(turn, 'the turn logged its command');
    assert.match(String(turn['trace_id']), /^[0-9a-f]{32}$/);
    assert.match(String(turn['span_id']), /^[0-9a-f]{16}$/);
    assert.ok(!JSON.stringify(logs).includes('InstrumentationKey'), 'the connection string is not logged');
  });
});
