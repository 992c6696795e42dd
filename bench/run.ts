// `npm run bench`: how fast Guest Pass invites, against the sandbox tenant with a round-trip
// latency (default 100 ms) and Graph's real invitation limit enforced (150 per 5 s).
// The bot runs as a child process (`node --import tsx src/index.ts`) so that its peak memory can be
// read; a connector stand-in receives its replies; activities are posted to /api/messages as Teams
// would. Not part of the tests. Writes bench/results.md.
//
//   node --import tsx bench/run.ts [--latency 100] [--quick] [--sizes 100,1000] [--runs 5]
//
// --quick runs the one-by-one baseline for the smallest size only and extrapolates it linearly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../src/config';
import { createGraphClient, createGraphCredential } from '../src/graph/graphClient';
import { GraphDirectory } from '../src/graph/graphDirectory';
import { DEFAULT_TLS_DIR, ensureSandboxCertificate, startSandboxTenant, type SandboxTenant } from '../src/sandbox';
import { cardAction, MARKETING_GROUP, MARKETING_TEAM, mentionMessage, USERS, type Where } from '../test/support/activities';
import { cardOf, cardText, ConnectorStandIn } from '../test/support/connector';
import { sandboxEnv } from '../test/support/harness';

const root = path.resolve(__dirname, '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const latencyMs = Number(arg('latency', '100'));
const quick = process.argv.includes('--quick');
const sizes = arg('sizes', '100,1000').split(',').map(Number);
const singleRuns = Number(arg('runs', '5'));
const LIMIT = { perWindow: 150, windowMs: 5000 };

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

/** Peak resident memory of a process so far (Linux: VmHWM), in MB. */
function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface Bot {
  child: ChildProcess;
  url: string;
  post(activity: object): Promise<{ status: number; body: unknown; ms: number }>;
}

async function startBot(sandbox: SandboxTenant, dataDir: string): Promise<Bot> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...sandboxEnv(sandbox),
      PORT: String(port),
      BOT_ALLOW_ANONYMOUS: 'true',
      DATA_DIR: dataDir,
      NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 300) throw new Error('the bot did not start within 30 s');
    await delay(100);
  }
  return {
    child,
    url,
    async post(activity) {
      const t0 = performance.now();
      const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body, ms: performance.now() - t0 };
    },
  };
}

interface GraphCounts {
  http: number;
  batchItems: number;
  operations: number;
  throttled: number;
}

function graphCounts(sandbox: SandboxTenant): GraphCounts {
  const graph = sandbox.requests().filter((r) => r.path.startsWith('/v1.0'));
  const http = graph.filter((r) => !r.batchItemId);
  const items = graph.filter((r) => r.batchItemId);
  return {
    http: http.length,
    batchItems: items.length,
    // What Graph did: every direct call except the $batch envelopes, plus every batch item.
    operations: http.filter((r) => r.path !== '/v1.0/$batch').length + items.length,
    throttled: graph.filter((r) => r.status === 429).length,
  };
}

function checkEveryoneOnce(sandbox: SandboxTenant, emails: string[]): { lost: number; duplicated: number; notInTeam: number } {
  const snap = sandbox.snapshot();
  const members = new Set(snap.groups.find((g) => g.id === MARKETING_GROUP)?.members ?? []);
  const invitations = new Map<string, number>();
  for (const i of snap.invitations) invitations.set(i.invitedUserEmailAddress.toLowerCase(), (invitations.get(i.invitedUserEmailAddress.toLowerCase()) ?? 0) + 1);
  let lost = 0;
  let duplicated = 0;
  let notInTeam = 0;
  for (const e of emails) {
    const n = invitations.get(e) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicated++;
    const user = snap.users.find((u) => u.mail?.toLowerCase() === e);
    if (!user || !members.has(user.id)) notInTeam++;
  }
  return { lost, duplicated, notInTeam };
}

const emailsFor = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}${i + 1}@fabrikam.com`);

async function singleInvites(bot: Bot, connector: ConnectorStandIn, where: Where): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run <= singleRuns; run++) {
    const activity = mentionMessage(where, USERS.alexOwner, `/invite single${run}@fabrikam.com Single ${run}`);
    const t0 = performance.now();
    const res = await bot.post(activity);
    if (res.status !== 200) throw new Error(`single invite: HTTP ${res.status}`);
    const reply = await connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id, 30_000);
    const ms = performance.now() - t0;
    if (!/Invited/.test(cardText(cardOf(reply)))) throw new Error(`single invite did not invite: ${cardText(cardOf(reply)).slice(0, 200)}`);
    if (run > 0) times.push(ms); // run 0 warms caches (team, owners, verified domains, token)
  }
  return times;
}

interface BulkRun {
  n: number;
  previewMs: number;
  confirmAnswerMs: number;
  wallMs: number;
  graph: GraphCounts;
  check: ReturnType<typeof checkEveryoneOnce>;
  cardUpdates: number;
}

async function bulkThroughBot(bot: Bot, connector: ConnectorStandIn, sandbox: SandboxTenant, where: Where, n: number): Promise<BulkRun> {
  sandbox.reset();
  sandbox.clearRequests();
  connector.clear();
  const emails = emailsFor(`bulk${n}-`, n);
  const command = mentionMessage(where, USERS.alexOwner, `/invite\n${emails.join('\n')}`);
  const t0 = performance.now();
  const posted = await bot.post(command);
  if (posted.status !== 200) throw new Error(`bulk command: HTTP ${posted.status}`);
  const preview = await connector.waitFor((a) => a.method === 'POST' && a.targetId === command.id, 60_000);
  const previewMs = performance.now() - t0;
  const previewCard = cardOf(preview);
  const jobId = JSON.stringify(previewCard).match(/"jobId":"([^"]+)"/)?.[1];
  if (!jobId) throw new Error(`no bulk preview card (is bulk wired into the bot?): ${preview.activity.text ?? cardText(previewCard).slice(0, 200)}`);

  const started = performance.now();
  const confirm = await bot.post(cardAction(where, USERS.alexOwner, 'confirmBulk', { jobId }, preview.id));
  if (confirm.status !== 200) throw new Error(`confirm: HTTP ${confirm.status}`);
  const finished = await connector.waitFor((a) => a.method === 'PUT' && a.targetId === preview.id && /Bulk invitation finished/.test(cardText(cardOf(a))), 15 * 60_000);
  const wallMs = performance.now() - started;
  void finished;
  return {
    n,
    previewMs,
    confirmAnswerMs: confirm.ms,
    wallMs,
    graph: graphCounts(sandbox),
    check: checkEveryoneOnce(sandbox, emails),
    cardUpdates: connector.sent.filter((a) => a.method === 'PUT' && a.targetId === preview.id).length,
  };
}

/** Microsoft's samples: look up, invite, add, one guest after the other, through the Graph SDK. */
async function oneByOne(sandbox: SandboxTenant, n: number): Promise<{ wallMs: number; graph: GraphCounts; check: ReturnType<typeof checkEveryoneOnce> }> {
  sandbox.reset();
  sandbox.clearRequests();
  const config = loadConfig({ BOT_ALLOW_ANONYMOUS: 'true', ...sandboxEnv(sandbox) });
  const directory = new GraphDirectory(createGraphClient(config.graph, createGraphCredential(config.graph).credential));
  await directory.verifiedDomains(); // token and connection, outside the timing
  const emails = emailsFor(`seq${n}-`, n);
  const t0 = performance.now();
  for (const email of emails) {
    const existing = await directory.findUserByEmail(email);
    const userId =
      existing?.id ??
      (
        await directory.invite({
          email,
          displayName: email,
          redirectUrl: 'https://teams.microsoft.com',
          sendEmail: false,
          sponsorId: USERS.alexOwner.aadObjectId,
        })
      ).userId;
    await directory.addGroupMember(MARKETING_GROUP, userId);
  }
  return { wallMs: performance.now() - t0, graph: graphCounts(sandbox), check: checkEveryoneOnce(sandbox, emails) };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const bound = (n: number) => Math.ceil(n / LIMIT.perWindow) * LIMIT.windowMs;

async function main(): Promise<void> {
  const sandbox = await startSandboxTenant({
    tlsDir: path.join(root, DEFAULT_TLS_DIR),
    latencyMs,
    enforceThrottling: true,
    throttle: { invitationsPerWindow: LIMIT.perWindow, windowMs: LIMIT.windowMs },
  });
  const connector = await new ConnectorStandIn().start();
  connector.teams.set(MARKETING_TEAM, { id: MARKETING_TEAM, name: 'Contoso Marketing', aadGroupId: MARKETING_GROUP });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'guest-pass-bench-'));
  const where: Where = { serviceUrl: connector.url };
  console.log(`sandbox ${sandbox.url}, latency ${latencyMs} ms, invitation limit ${LIMIT.perWindow} per ${LIMIT.windowMs / 1000} s enforced`);
  const bot = await startBot(sandbox, dataDir);
  try {
    console.log(`single invite: ${singleRuns} runs after one warm-up…`);
    const single = await singleInvites(bot, connector, where);
    const bulks: BulkRun[] = [];
    for (const n of sizes) {
      console.log(`bulk of ${n} through the bot…`);
      bulks.push(await bulkThroughBot(bot, connector, sandbox, where, n));
      const b = bulks[bulks.length - 1]!;
      console.log(`  ${s(b.wallMs)}, ${b.graph.http} HTTP requests, ${b.graph.throttled} × 429, lost ${b.check.lost}, duplicated ${b.check.duplicated}, not in team ${b.check.notInTeam}`);
    }
    const baselines = new Map<number, { wallMs: number; graph?: GraphCounts; extrapolated: boolean }>();
    const measured = quick ? [Math.min(...sizes)] : sizes;
    for (const n of measured) {
      console.log(`baseline: ${n} one by one through the Graph SDK…`);
      const r = await oneByOne(sandbox, n);
      baselines.set(n, { wallMs: r.wallMs, graph: r.graph, extrapolated: false });
      console.log(`  ${s(r.wallMs)}`);
    }
    const base = baselines.get(Math.min(...measured))!;
    for (const n of sizes) if (!baselines.has(n)) baselines.set(n, { wallMs: (base.wallMs / Math.min(...measured)) * n, extrapolated: true });
    const rss = peakRssMb(bot.child.pid!);

    const rows: string[][] = [['measure', 'value', 'reference']];
    const singleMedian = median(single);
    rows.push([
      `single new-guest invite, activity → reply (median of ${single.length})`,
      `${singleMedian.toFixed(0)} ms`,
      `${(singleMedian / (3 * latencyMs)).toFixed(2)} × 3 round trips (${3 * latencyMs} ms)`,
    ]);
    for (const b of bulks) {
      const baseline = baselines.get(b.n)!;
      rows.push([`bulk ${b.n}: wall time, confirm → final card`, s(b.wallMs), `${(b.wallMs / bound(b.n)).toFixed(2)} × throttle bound (${s(bound(b.n))})`]);
      rows.push([`bulk ${b.n}: Graph HTTP requests ($batch = 1)`, String(b.graph.http), `${b.graph.batchItems} $batch items; ${b.graph.operations} Graph operations in all`]);
      rows.push([`bulk ${b.n}: 429s received`, String(b.graph.throttled), '']);
      rows.push([`bulk ${b.n}: lost / duplicated / not in team`, `${b.check.lost} / ${b.check.duplicated} / ${b.check.notInTeam}`, '']);
      rows.push([`bulk ${b.n}: confirm answered in / preview in`, `${b.confirmAnswerMs.toFixed(0)} ms / ${b.previewMs.toFixed(0)} ms`, `${b.cardUpdates} progress-card updates`]);
      rows.push([
        `bulk ${b.n}: one by one (look up, invite, add)${baseline.extrapolated ? ' — extrapolated' : ''}`,
        `${s(baseline.wallMs)}${baseline.extrapolated ? ' (est.)' : ''}`,
        `speed-up ${(baseline.wallMs / b.wallMs).toFixed(1)}×${baseline.graph ? `; ${baseline.graph.http} HTTP requests, ${baseline.graph.throttled} × 429` : ''}`,
      ]);
    }
    rows.push(['peak RSS of the bot process (VmHWM)', rss ? `${rss.toFixed(0)} MB` : 'n/a', '']);

    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
    const line = (r: string[]) => `| ${r.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`;
    const table = [line(rows[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const machine = `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
    const md = [
      '# Guest Pass benchmark',
      '',
      `- date: ${new Date().toISOString()}`,
      `- machine: ${machine}`,
      `- sandbox round-trip latency: ${latencyMs} ms per Graph/Entra request; invitation limit enforced: ${LIMIT.perWindow} per ${LIMIT.windowMs / 1000} s (sliding window, 429s count)`,
      `- throttle bound for N invitations: ceil(N/${LIMIT.perWindow}) × ${LIMIT.windowMs / 1000} s`,
      `- Graph HTTP requests count a $batch as one request; its items are counted separately`,
      `- baseline: the same guests one by one through the Graph SDK (look up, invite, add), as Microsoft's samples do${quick ? `; measured for ${measured.join(', ')} only and extrapolated linearly to larger N (--quick)` : ''}`,
      '',
      table,
      '',
    ].join('\n');
    console.log(`\n${table}\n`);
    writeFileSync(path.join(root, 'bench', 'results.md'), md);
    console.log('written to bench/results.md');
  } finally {
    bot.child.kill('SIGTERM');
    await connector.stop();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const { certPath } = ensureSandboxCertificate(path.join(root, DEFAULT_TLS_DIR));
if (process.env.NODE_EXTRA_CA_CERTS !== certPath) {
  // Node reads NODE_EXTRA_CA_CERTS only at start: run again with the sandbox certificate trusted.
  const again = spawnSync(process.execPath, [...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
  });
  process.exit(again.status ?? 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
