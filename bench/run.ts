// `npm run bench`: the whole story in one run, against the sandbox tenant with a round-trip latency
// (default 100 ms) and Graph's real invitation limit enforced (150 per 5 s, sliding, throttled
// requests counting). It builds the PRODUCTION bot (`npm run build`) and runs it as `npm start`
// does (the command in package.json's start script, without npm in between, so that the process
// measured is the bot), drives it through /api/messages as Teams would, and prints every figure as
// a ratio to its bound, measured side by side in the same run:
//   - bulk 1,000: against the tight bound (ceil(N/150) − 1)·5 s + 3 RTT, and against the seed flow
//     (one by one: look up, invite, add);
//   - bulk 1,000 on two instances sharing one Azure Storage account (Azurite): the shared budget;
//   - the time until the inviter sees the redeem link (Teams' automatic refresh, as the connector
//     stand-in performs it), against 3 RTT;
//   - peak RSS (≤ 150 MB), RSS growth from 1,000 to 10,000 junk activities at 16 in parallel
//     (≤ 20 MB), cold start to /healthz (≤ 1.5 s), junk activities per second.
// Not part of the tests. Writes bench/results.md.
//
//   node --import tsx bench/run.ts [--latency 100] [--quick] [--no-build]
//
// --quick (about two minutes): the seed flow for 20 guests extrapolated to 1,000, junk 1,000 then
// 4,000 instead of 10,000, 3 single invites. Its results.md says so. For looking into the bulk
// alone: BENCH_ONLY=bulk stops after the one-instance bulk (nothing written), BENCH_TRACE=1 prints
// every group add's arrival.
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
import { startAzurite } from '../test/support/azurite';
import { cardOf, cardText, ConnectorStandIn } from '../test/support/connector';
import { sandboxEnv } from '../test/support/harness';

const root = path.resolve(__dirname, '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const latencyMs = Number(arg('latency', '100'));
const quick = process.argv.includes('--quick');
const BULK = 1000;
const singleRuns = quick ? 3 : 7;
const baselineN = quick ? 20 : BULK;
const junkFirst = 1000;
const junkTotal = quick ? 4000 : 10_000;
const JUNK_PARALLEL = 16;
const LIMIT = { perWindow: 150, windowMs: 5000 };
const BOUNDS = { peakRssMb: 150, rssGrowthMb: 20, coldStartMs: 1500, linkExtraMs: 60 };

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

/** Resident memory of a process now (VmRSS) and its peak so far (VmHWM), in MB (Linux). */
function rssMb(pid: number): { now: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)\\s+kB`).exec(status)?.[1] ?? NaN) / 1024;
    return { now: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { now: NaN, peak: NaN };
  }
}

/** `npm start` as package.json says, as [node arguments…]: the bench runs the same command without npm. */
function startCommand(): string[] {
  const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`the bench expects "start" to be "node …", not ${start}`);
  return words.slice(1);
}

interface Bot {
  child: ChildProcess;
  url: string;
  coldStartMs: number;
  post(activity: object): Promise<{ status: number; body: unknown; ms: number }>;
  stop(): void;
}

async function startBot(sandbox: SandboxTenant, env: Record<string, string>): Promise<Bot> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, startCommand(), {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...sandboxEnv(sandbox),
      PORT: String(port),
      BOT_ALLOW_ANONYMOUS: 'true',
      NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 3000) throw new Error('the bot did not start within 30 s');
    await delay(10);
  }
  const coldStartMs = performance.now() - t0;
  return {
    child,
    url,
    coldStartMs,
    async post(activity) {
      const t = performance.now();
      const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body, ms: performance.now() - t };
    },
    stop: () => void child.kill('SIGTERM'),
  };
}

interface GraphCounts {
  http: number;
  /** Invitation POSTs, throttled ones included. */
  invitationPosts: number;
  /** The most invitation POSTs that reached the sandbox in one sliding 5 s window. */
  busiestWindow: number;
  batchItems: number;
  operations: number;
  throttled: number;
}

function graphCounts(sandbox: SandboxTenant): GraphCounts {
  const graph = sandbox.requests().filter((r) => r.path.startsWith('/v1.0'));
  const http = graph.filter((r) => !r.batchItemId);
  const items = graph.filter((r) => r.batchItemId);
  const invitations = http.filter((r) => r.method === 'POST' && r.path === '/v1.0/invitations');
  return {
    http: http.length,
    batchItems: items.length,
    // What Graph did: every direct call except the $batch envelopes, plus every batch item.
    operations: http.filter((r) => r.path !== '/v1.0/$batch').length + items.length,
    throttled: graph.filter((r) => r.status === 429).length,
    invitationPosts: invitations.length,
    busiestWindow: busiest(invitations.map((r) => Date.parse(r.at)), LIMIT.windowMs),
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

/** The largest number of arrivals in any half-open window (t − windowMs, t]. */
function busiest(arrivals: number[], windowMs: number): number {
  const a = [...arrivals].sort((x, y) => x - y);
  let most = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    while ((a[j] as number) <= (a[i] as number) - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Single new-guest invites: activity → reply, and activity → the inviter's own view showing the redeem link. */
async function singleInvites(bot: Bot, connector: ConnectorStandIn, sandbox: SandboxTenant, where: Where): Promise<{ replyMs: number[]; linkMs: number[] }> {
  const replyMs: number[] = [];
  const linkMs: number[] = [];
  for (let run = 0; run <= singleRuns; run++) {
    const email = `single${run}@fabrikam.com`;
    const activity = mentionMessage(where, USERS.alexOwner, `/invite ${email} Single ${run}`);
    const t0 = performance.now();
    const res = await bot.post(activity);
    if (res.status !== 200) throw new Error(`single invite: HTTP ${res.status}`);
    const reply = await connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id, 30_000);
    const replied = performance.now() - t0;
    // The inviter's client shows the card by refreshing it automatically (refresh.userIds), as Teams does.
    const view = await connector.viewOf(reply.id, USERS.alexOwner);
    const seen = performance.now() - t0;
    const url = [...sandbox.snapshot().invitations].reverse().find((i) => i.invitedUserEmailAddress === email)?.inviteRedeemUrl;
    if (!url || !view.refreshed || !cardText(view.card).includes(url)) throw new Error(`the inviter does not see the link: ${cardText(view.card).slice(0, 200)}`);
    if (run > 0) {
      // run 0 warms caches (team, owners, verified domains, token)
      replyMs.push(replied);
      linkMs.push(seen);
    }
  }
  return { replyMs, linkMs };
}

interface BulkRun {
  n: number;
  timeline: string;
  wallMs: number;
  graph: GraphCounts;
  check: ReturnType<typeof checkEveryoneOnce>;
}

/** Pastes a list on `bot`, confirms it; resolves when its final card arrives, with the confirm and final card times. */
async function bulkOn(bot: Bot, connector: ConnectorStandIn, where: Where, emails: string[]): Promise<{ started: number; finished: number }> {
  const command = mentionMessage(where, USERS.alexOwner, `/invite\n${emails.join('\n')}`);
  const posted = await bot.post(command);
  if (posted.status !== 200) throw new Error(`bulk command: HTTP ${posted.status}`);
  const preview = await connector.waitFor((a) => a.method === 'POST' && a.targetId === command.id, 60_000);
  const jobId = JSON.stringify(cardOf(preview)).match(/"jobId":"([^"]+)"/)?.[1];
  if (!jobId) throw new Error(`no bulk preview card: ${preview.activity.text ?? cardText(cardOf(preview)).slice(0, 200)}`);
  const started = Date.now();
  const confirm = await bot.post(cardAction(where, USERS.alexOwner, 'confirmBulk', { jobId }, preview.id));
  if (confirm.status !== 200) throw new Error(`confirm: HTTP ${confirm.status}`);
  await connector.waitFor((a) => a.method === 'PUT' && a.targetId === preview.id && /Bulk invitation finished/.test(cardText(cardOf(a))), 15 * 60_000);
  return { started, finished: Date.now() };
}

/** Where a bulk's time went, from the sandbox's log: when invitations and group adds reached Graph, relative to the first confirm. */
function timeline(sandbox: SandboxTenant, started: number, finished: number): string {
  const graph = sandbox.requests().filter((r) => r.path.startsWith('/v1.0') && !r.batchItemId);
  const at = (pred: (r: (typeof graph)[number]) => boolean) => graph.filter(pred).map((r) => Date.parse(r.at) - started);
  const invites = at((r) => r.method === 'POST' && r.path === '/v1.0/invitations');
  const adds = at((r) => r.method === 'PATCH' || r.path.endsWith('/members/$ref'));
  const lookups = at((r) => r.path === '/v1.0/$batch');
  const sec = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '–' : `${(ms / 1000).toFixed(2)}`);
  const waves: string[] = [];
  const sorted = [...invites].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) - (sorted[j] as number) < 1000) j++;
    waves.push(`${j - i + 1}@${sec(sorted[i])}`);
    i = j + 1;
  }
  if (process.env.BENCH_TRACE) {
    for (const r of graph.filter((r) => r.method === 'PATCH' || r.path.endsWith('/members/$ref'))) console.log(`    ${r.method} ${r.status} ${sec(Date.parse(r.at) - started)} ${((r.body as Record<string, unknown[]>)?.['members@odata.bind'] ?? []).length}`);
  }
  return `look-ups ${sec(Math.min(...lookups))}–${sec(Math.max(...lookups))} s; invitation waves ${waves.join(' ')}; group adds until ${sec(Math.max(...adds))} s; final card ${sec(finished - started)} s`;
}

/** One list split over the bots, all confirmed at once; wall time from the first confirm to the last final card. */
async function bulkThrough(bots: Bot[], connector: ConnectorStandIn, sandbox: SandboxTenant, where: Where, tag: string, n: number): Promise<BulkRun> {
  sandbox.reset();
  sandbox.clearRequests();
  connector.clear();
  const emails = emailsFor(tag, n);
  const share = Math.ceil(n / bots.length);
  const runs = await Promise.all(bots.map((bot, i) => bulkOn(bot, connector, where, emails.slice(i * share, (i + 1) * share))));
  // From the first confirm to the last final card.
  const started = Math.min(...runs.map((r) => r.started));
  const finished = Math.max(...runs.map((r) => r.finished));
  return { n, wallMs: finished - started, graph: graphCounts(sandbox), check: checkEveryoneOnce(sandbox, emails), timeline: timeline(sandbox, started, finished) };
}

/** `count` junk activities (a member @mentioning the bot with words it does not know), 16 at a time. */
async function junk(bot: Bot, connector: ConnectorStandIn, where: Where, from: number, count: number): Promise<number> {
  let next = from;
  const end = from + count;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: JUNK_PARALLEL }, async () => {
      while (next < end) {
        const i = next++;
        const res = await bot.post(mentionMessage(where, USERS.adeleMember, `junk ${i} ${'lorem ipsum '.repeat(i % 20)}`));
        if (res.status !== 200) throw new Error(`junk: HTTP ${res.status}`);
        if (i % 500 === 0) connector.clear();
      }
    }),
  );
  connector.clear();
  return count / ((performance.now() - t0) / 1000);
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
const tightBound = (n: number) => (Math.ceil(n / LIMIT.perWindow) - 1) * LIMIT.windowMs + 3 * latencyMs;
const mb = (x: number) => `${x.toFixed(0)} MB`;

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build')) {
    console.log('building (npm run build)…');
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const sandbox = await startSandboxTenant({
    tlsDir: path.join(root, DEFAULT_TLS_DIR),
    latencyMs,
    enforceThrottling: true,
    throttle: { invitationsPerWindow: LIMIT.perWindow, windowMs: LIMIT.windowMs },
  });
  const connector = await new ConnectorStandIn().start();
  connector.teams.set(MARKETING_TEAM, { id: MARKETING_TEAM, name: 'Contoso Marketing', aadGroupId: MARKETING_GROUP });
  connector.rosters.set(MARKETING_TEAM, [USERS.alexOwner, USERS.meganOwner, USERS.adeleMember, { ...USERS.pattiGuest, userRole: 'guest' }]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'guest-pass-bench-'));
  const where: Where = { serviceUrl: connector.url };
  const command = `node ${startCommand().join(' ')}`;
  console.log(`sandbox ${sandbox.url}, latency ${latencyMs} ms, invitation limit ${LIMIT.perWindow} per ${LIMIT.windowMs / 1000} s enforced; bot: ${command}`);
  const bots: Bot[] = [];
  let azurite: Awaited<ReturnType<typeof startAzurite>> | undefined;
  try {
    const bot = await startBot(sandbox, { DATA_DIR: dataDir });
    bots.push(bot);
    connector.botUrl = bot.url;
    await delay(500);
    const idle = rssMb(bot.child.pid!);
    console.log(`cold start ${bot.coldStartMs.toFixed(0)} ms, idle RSS ${mb(idle.now)}`);

    console.log(`single invites: ${singleRuns} after one warm-up…`);
    const single = await singleInvites(bot, connector, sandbox, where);

    console.log(`bulk of ${BULK}, one instance…`);
    const one = await bulkThrough([bot], connector, sandbox, where, 'bulk-', BULK);
    console.log(`  ${s(one.wallMs)}, ${one.graph.invitationPosts} invitation POSTs, ${one.graph.throttled} × 429\n  ${one.timeline}`);
    if (process.env.BENCH_ONLY === 'bulk') return;
    const afterBulk = rssMb(bot.child.pid!);

    console.log(`junk activities: ${junkFirst}, then up to ${junkTotal}, ${JUNK_PARALLEL} at a time…`);
    const rate1 = await junk(bot, connector, where, 0, junkFirst);
    await delay(200);
    const afterFirst = rssMb(bot.child.pid!);
    const rate2 = await junk(bot, connector, where, junkFirst, junkTotal - junkFirst);
    await delay(200);
    const afterAll = rssMb(bot.child.pid!);
    console.log(`  RSS ${mb(afterFirst.now)} after ${junkFirst}, ${mb(afterAll.now)} after ${junkTotal}; peak ${mb(afterAll.peak)}`);

    console.log(`baseline: ${baselineN} one by one through the Graph SDK…`);
    const base = await oneByOne(sandbox, baselineN);
    const baseFor1000 = (base.wallMs / baselineN) * BULK;

    console.log(`bulk of ${BULK} on two instances sharing Azure Storage (Azurite)…`);
    bot.stop();
    azurite = await startAzurite();
    const shared = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
    const pair = [await startBot(sandbox, shared), await startBot(sandbox, shared)];
    bots.push(...pair);
    connector.botUrl = pair[0]!.url;
    const two = await bulkThrough(pair, connector, sandbox, where, 'shared-', BULK);
    console.log(`  ${s(two.wallMs)}, ${two.graph.invitationPosts} invitation POSTs, ${two.graph.throttled} × 429, busiest window ${two.graph.busiestWindow}\n  ${two.timeline}`);

    const rows: string[][] = [['measure', 'value', 'ratio to its bound']];
    const bound = tightBound(BULK);
    const linkBound = 3 * latencyMs;
    const link = median(single.linkMs);
    rows.push([`bulk ${BULK}, one instance: confirm → final card`, s(one.wallMs), `${(one.wallMs / bound).toFixed(2)} × tight bound ${s(bound)} (target ≤ 1.10)`]);
    rows.push([`bulk ${BULK}, one instance: against the seed flow (one by one)`, `${s(baseFor1000)}${baselineN < BULK ? ` (est. from ${baselineN})` : ''}`, `${(one.wallMs / baseFor1000).toFixed(3)} × seed flow (${(baseFor1000 / one.wallMs).toFixed(1)}× faster)`]);
    rows.push([`bulk ${BULK}, one instance: invitation POSTs / 429s / busiest 5 s`, `${one.graph.invitationPosts} / ${one.graph.throttled} / ${one.graph.busiestWindow}`, `POSTs ${(one.graph.invitationPosts / BULK).toFixed(3)} × N; busiest ${one.graph.busiestWindow}/${LIMIT.perWindow}`]);
    rows.push([`bulk ${BULK}, one instance: lost / duplicated / not in team`, `${one.check.lost} / ${one.check.duplicated} / ${one.check.notInTeam}`, '']);
    rows.push([`bulk ${BULK}, two instances (shared budget): wall`, s(two.wallMs), `${(two.wallMs / bound).toFixed(2)} × tight bound ${s(bound)}`]);
    rows.push([`bulk ${BULK}, two instances: invitation POSTs / 429s / busiest 5 s`, `${two.graph.invitationPosts} / ${two.graph.throttled} / ${two.graph.busiestWindow}`, `busiest ${two.graph.busiestWindow}/${LIMIT.perWindow}`]);
    rows.push([`bulk ${BULK}, two instances: lost / duplicated / not in team`, `${two.check.lost} / ${two.check.duplicated} / ${two.check.notInTeam}`, '']);
    rows.push([`inviter sees the link: activity → own view with the link (median of ${single.linkMs.length})`, `${link.toFixed(0)} ms`, `${(link / linkBound).toFixed(2)} × 3 RTT (${linkBound} ms); target ≤ ${((linkBound + BOUNDS.linkExtraMs) / linkBound).toFixed(2)}`]);
    rows.push([`single invite: activity → reply (median of ${single.replyMs.length})`, `${median(single.replyMs).toFixed(0)} ms`, `${(median(single.replyMs) / linkBound).toFixed(2)} × 3 RTT`]);
    rows.push(['peak RSS, bulk and junk (VmHWM)', mb(afterAll.peak), `${(afterAll.peak / BOUNDS.peakRssMb).toFixed(2)} × ${BOUNDS.peakRssMb} MB`]);
    rows.push([`RSS: idle / after bulk ${BULK} / after ${junkFirst} junk / after ${junkTotal} junk`, `${mb(idle.now)} / ${mb(afterBulk.now)} / ${mb(afterFirst.now)} / ${mb(afterAll.now)}`, '']);
    rows.push([`RSS growth, ${junkFirst} → ${junkTotal} junk activities`, `${(afterAll.now - afterFirst.now).toFixed(1)} MB`, `${((afterAll.now - afterFirst.now) / BOUNDS.rssGrowthMb).toFixed(2)} × ${BOUNDS.rssGrowthMb} MB`]);
    rows.push(['cold start: spawn → /healthz answers', `${bot.coldStartMs.toFixed(0)} ms`, `${(bot.coldStartMs / BOUNDS.coldStartMs).toFixed(2)} × ${BOUNDS.coldStartMs / 1000} s`]);
    rows.push([`junk activities per second (${JUNK_PARALLEL} in parallel)`, `${rate1.toFixed(0)} / ${rate2.toFixed(0)}`, `first ${junkFirst} / the rest`]);

    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
    const line = (r: string[]) => `| ${r.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`;
    const table = [line(rows[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const machine = `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end`;
    const md = [
      `# Guest Pass benchmark${quick ? ' (QUICK run: fewer samples, junk to 4,000, seed flow extrapolated)' : ''}`,
      '',
      `- command: \`npm run bench${quick ? ' -- --quick' : ''}\` (${process.argv.slice(2).join(' ') || 'no options'})`,
      `- date: ${new Date().toISOString()}`,
      `- machine: ${machine}`,
      `- bot: the production build, started as \`npm start\` does: \`${command}\` (default configuration: BULK_INVITATIONS_PER_5S 145)`,
      `- sandbox: ${latencyMs} ms per Graph/Entra round trip (RTT); invitation limit enforced: ${LIMIT.perWindow} per ${LIMIT.windowMs / 1000} s, sliding window, throttled requests counting`,
      `- tight bound for N invitations: (ceil(N/${LIMIT.perWindow}) − 1) × ${LIMIT.windowMs / 1000} s + 3 RTT (look-up, invitation, group add)`,
      `- seed flow: the same guests one by one through the Graph SDK (look up, invite, add), as Microsoft's samples do${baselineN < BULK ? `; measured for ${baselineN} and extrapolated linearly to ${BULK}` : ''}`,
      `- two instances: two bots on one Azurite account, each given half of the list at the same time`,
      `- junk: a member @mentions the bot with words it does not know, ${JUNK_PARALLEL} at a time; RSS read from /proc (VmRSS, VmHWM)`,
      '',
      table,
      '',
      `- bulk ${BULK}, one instance (seconds from the confirm): ${one.timeline}`,
      `- bulk ${BULK}, two instances: ${two.timeline}`,
      '',
    ].join('\n');
    console.log(`\n${table}\n`);
    writeFileSync(path.join(root, 'bench', 'results.md'), md);
    console.log('written to bench/results.md');
  } finally {
    for (const b of bots) b.stop();
    await connector.stop();
    await sandbox.close();
    await azurite?.stop();
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
