// The bulk engine against the sandbox tenant over real HTTPS: look-ups in $batch, invitations paced
// under an enforced (shortened) throttling window, team adds in members/add requests, resume after a stop.
// Small lists and short windows keep it fast; nothing here asserts on timing.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog } from '../../src/domain/audit/audit';
import type { BulkDirectory } from '../../src/domain/bulk/bulkDirectory';
import { confirmBulk, previewBulk } from '../../src/domain/bulk/bulkInvite';
import { BulkJobs, type BulkJob } from '../../src/domain/bulk/bulkJob';
import { BulkRunner, type BulkRunnerOptions } from '../../src/domain/bulk/bulkRunner';
import { RequestPacer } from '../../src/domain/bulk/pacer';
import { parseInviteLine } from '../../src/domain/commands';
import { InvitationRecords } from '../../src/domain/invitation/records';
import type { TeamRef } from '../../src/domain/team';
import { PendingAdds } from '../../src/domain/invitation/pendingAdds';
import type { DocumentStore } from '../../src/domain/store';
import { loadConfig } from '../../src/config';
import { GraphBulkDirectory } from '../../src/graph/graphBulk';
import { createGraphClient, createGraphCredential } from '../../src/graph/graphClient';
import { GraphDirectory } from '../../src/graph/graphDirectory';
import { startSandboxTenant, type SandboxTenant } from '../../src/sandbox';
import { MemoryStore } from '../../src/store/memoryStore';
import { MARKETING_GROUP, MARKETING_TEAM, USERS } from '../support/activities';
import { sandboxEnv } from '../support/harness';

let sandbox: SandboxTenant;
let graph: GraphBulkDirectory;
// Process-wide, as in the app, at exactly the sandbox's 10 per 500 ms: the answer-based schedule needs no room for jitter.
const pacer = new RequestPacer({ requestsPerWindow: 10, windowMs: 500 });
const team: TeamRef = { groupId: MARKETING_GROUP, teamId: MARKETING_TEAM, teamName: 'Contoso Marketing', deepLink: 'https://teams.microsoft.com/l/team/x' };
const alex = { id: USERS.alexOwner.aadObjectId, name: USERS.alexOwner.name };
const fast: Partial<BulkRunnerOptions> = { memberAddBackoffMs: [50, 100, 200], checkpointMs: 100, leaseMs: 400, addLingerMs: 50 };

before(async () => {
  if (!process.env.NODE_EXTRA_CA_CERTS) throw new Error('run with scripts/test.ts (it sets NODE_EXTRA_CA_CERTS)');
  sandbox = await startSandboxTenant({ enforceThrottling: true, throttle: { invitationsPerWindow: 10, windowMs: 500 } });
  const config = loadConfig({ BOT_ALLOW_ANONYMOUS: 'true', ...sandboxEnv(sandbox) });
  const client = createGraphClient(config.graph, createGraphCredential(config.graph).credential);
  graph = new GraphBulkDirectory(client, new GraphDirectory(client));
});
after(async () => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.clearRequests();
});

function engine(store: DocumentStore, directory: BulkDirectory = graph, options: Partial<BulkRunnerOptions> = {}) {
  const jobs = new BulkJobs(store);
  const deps = { jobs, audit: new AuditLog(store), rules: { allowedDomains: [], blockedDomains: ['blocked.example'] }, now: () => new Date() };
  const runner = new BulkRunner({
    directory,
    jobs,
    records: new InvitationRecords(store),
    pendingAdds: new PendingAdds(store),
    audit: deps.audit,
    pacer,
    rules: deps.rules,
    options: { ...fast, ...options },
  });
  return { runner, deps, jobs, store };
}

/** Previews and confirms a list as Alex would; returns the job id. */
async function confirmedJob(e: ReturnType<typeof engine>, lines: string[]): Promise<string> {
  const preview = await previewBulk(e.deps, { team, caller: alex, lines: lines.map(parseInviteLine), sendEmail: false });
  assert.equal(preview.kind, 'preview');
  const id = preview.kind === 'preview' ? preview.job.header.id : '';
  assert.equal((await confirmBulk(e.deps, team, alex, id)).kind, 'confirmed');
  return id;
}

const addresses = (n: number, prefix = 'guest') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}@fabrikam.com`);
const members = () => sandbox.snapshot().groups.find((g) => g.id === MARKETING_GROUP)!.members;
const userId = (mail: string) => sandbox.snapshot().users.find((u) => u.mail?.toLowerCase() === mail)?.id;
const invitationsFor = (mail: string) => sandbox.snapshot().invitations.filter((i) => i.invitedUserEmailAddress.toLowerCase() === mail);
const throttled = () => sandbox.requests().filter((r) => r.status === 429);
const outcomeOf = (job: BulkJob, email: string) => job.items.find((i) => i.email === email)?.outcome;

describe('bulk invitations against the sandbox tenant', () => {
  it('invites a list of 50 and adds every guest to the team, without a single 429', async () => {
    const e = engine(new MemoryStore());
    const list = addresses(50);
    const result = await e.runner.run(await confirmedJob(e, list));
    assert.equal(result.kind, 'finished');
    const job = (result as { job: BulkJob }).job;
    assert.equal(job.header.state, 'finished');
    assert.equal(job.header.counts.invited, 50);
    for (const mail of list) {
      assert.equal(invitationsFor(mail).length, 1, `${mail} invited once`);
      assert.ok(members().includes(userId(mail)!), `${mail} is in the team`);
    }
    assert.deepEqual(throttled(), [], 'the pacer keeps under the limit');
    const stored = await e.jobs.load(job.header.id);
    assert.equal(stored?.job.header.state, 'finished', 'the finished job is stored');
    assert.ok(stored?.job.items.every((i) => i.state === 'done' && i.recorded));
    const records = await new InvitationRecords(e.store).listForGroup(MARKETING_GROUP);
    assert.equal(records.length, 50, 'every guest has an invitation record for /status and /guests');
    assert.ok(records.every((r) => r.outcome === 'invited' && r.inGroup && r.invitedBy.id === alex.id));
    assert.equal((await new AuditLog(e.store).forGroup(MARKETING_GROUP)).length, 50, 'every line is audited');
  });

  it('looks addresses up through $batch, at most 20 per request, with version-less relative URLs', async () => {
    const e = engine(new MemoryStore());
    const list = [...addresses(44), "o'brien@fabrikam.com"];
    await e.runner.run(await confirmedJob(e, list));
    const batches = sandbox.requests().filter((r) => r.path === '/v1.0/$batch');
    assert.ok(batches.length >= 3, 'look-ups travel in batches');
    for (const b of batches) {
      const items = (b.body as { requests: { url: string; method: string }[] }).requests;
      assert.ok(items.length <= 20, `a batch of ${items.length}`);
      for (const item of items) {
        assert.match(item.url, /^\/users\?\$filter=/, 'relative and version-less');
        assert.ok(!item.url.includes('#'), '# is escaped');
      }
    }
    const lookupItems = sandbox.requests().filter((r) => r.batchItemId && r.path === '/v1.0/users');
    assert.equal(lookupItems.length, 45, 'one look-up per address');
    assert.ok(lookupItems.every((r) => r.status === 200));
    assert.ok(lookupItems.some((r) => r.query.$filter?.includes("o''brien@fabrikam.com")), "' is quoted as ''");
    assert.equal(sandbox.requests().filter((r) => r.path === '/v1.0/users' && !r.batchItemId).length, 0, 'no look-up outside $batch');
  });

  it('honours a 429 on one item inside a $batch and looks that address up again', async () => {
    const e = engine(new MemoryStore());
    sandbox.addFault({ method: 'GET', path: '/users', status: 429, retryAfterSeconds: 1 });
    const list = addresses(5);
    const result = await e.runner.run(await confirmedJob(e, list));
    const job = (result as { job: BulkJob }).job;
    const items = sandbox.requests().filter((r) => r.batchItemId && r.path === '/v1.0/users');
    assert.equal(items.filter((r) => r.status === 429).length, 1);
    assert.equal(items.filter((r) => r.status === 200).length, 5, 'the throttled item is sent again, the others are not');
    const batches = sandbox.requests().filter((r) => r.path === '/v1.0/$batch');
    assert.equal((batches[1]?.body as { requests: unknown[] }).requests.length, 1, 'the retry carries only the throttled item');
    for (const mail of list) {
      assert.equal(outcomeOf(job, mail), 'invited');
      assert.equal(invitationsFor(mail).length, 1);
    }
  });

  it('adds through the Teams membership API: members/add for the new ones, an existing member counts as already in the team', async () => {
    const e = engine(new MemoryStore(), graph, { addLingerMs: 400 });
    // Patti is already in the team; Lynne (a guest) and Isaiah (a member of the tenant) are not.
    const result = await e.runner.run(await confirmedJob(e, ['pattif@fabrikam.com', 'lynner@northwind.com', 'isaiahl@contoso.com', ...addresses(3, 'new')]));
    const job = (result as { job: BulkJob }).job;
    assert.equal(outcomeOf(job, 'pattif@fabrikam.com'), 'alreadyInTeam');
    assert.equal(outcomeOf(job, 'lynner@northwind.com'), 'added');
    assert.equal(outcomeOf(job, 'isaiahl@contoso.com'), 'added');
    for (const mail of addresses(3, 'new')) assert.equal(outcomeOf(job, mail), 'invited');
    assert.ok(members().includes(USERS.lynneGuestNotInTeam.aadObjectId));
    assert.ok(members().includes(USERS.isaiahNotInTeam.aadObjectId));

    const adds = sandbox.requests().filter((r) => r.method === 'POST' && r.path === `/v1.0/teams/${MARKETING_GROUP}/members/add`);
    assert.ok(adds.length >= 1);
    const sent = adds.flatMap((a) => (a.body as { values: Record<string, unknown>[] }).values);
    assert.ok(!sent.some((v) => String(v['user@odata.bind']).includes(USERS.pattiGuest.aadObjectId)), 'an existing member is not sent');
    assert.ok(sent.some((v) => v['user@odata.bind'] === `https://graph.microsoft.com/v1.0/users('${USERS.lynneGuestNotInTeam.aadObjectId}')`));
    for (const v of sent) {
      assert.deepEqual(Object.keys(v).sort(), ['@odata.type', 'roles', 'user@odata.bind']);
      assert.equal(v['@odata.type'], '#microsoft.graph.aadUserConversationMember');
      assert.deepEqual(v.roles, [], 'a member, never an owner');
    }
    assert.ok(!sandbox.requests().some((r) => r.path.startsWith(`/v1.0/groups/${MARKETING_GROUP}/members/$ref`) || r.method === 'PATCH'), 'no group-API writes');
    assert.equal(sandbox.snapshot().invitations.length, 3, 'existing people are not invited');
  });

  it('adds 250 users in two members/add requests of at most 200, and answers each user on its own (one unknown user fails)', async () => {
    sandbox.settings({ enforceThrottling: false });
    const ids: string[] = [];
    for (const chunk of [addresses(249, 'many')].flatMap((a) => Array.from({ length: Math.ceil(a.length / 50) }, (_, k) => a.slice(k * 50, k * 50 + 50)))) {
      const created = await Promise.all(
        chunk.map((email) => graph.invite({ email, displayName: email, redirectUrl: 'https://teams.microsoft.com', sendEmail: false, sponsorId: alex.id })),
      );
      ids.push(...created.map((c) => c.userId));
    }
    const unknown = '00000000-0000-4000-8000-00000000dead';
    sandbox.clearRequests();
    const answers = await graph.addMembers(MARKETING_GROUP, [...ids, unknown]);
    const adds = sandbox.requests().filter((r) => r.method === 'POST' && r.path === `/v1.0/teams/${MARKETING_GROUP}/members/add`);
    assert.deepEqual(adds.map((a) => (a.body as { values: unknown[] }).values.length), [200, 50]);
    assert.deepEqual(adds.map((a) => a.status), [200, 207]);
    for (const id of ids) assert.equal(answers.get(id), 'added');
    const failed = answers.get(unknown);
    assert.ok(failed instanceof Error && (failed as { kind?: string }).kind === 'notFound', 'the unknown user is not found: the domain retries it, then keeps it as a pending add');
    assert.equal(members().filter((m) => ids.includes(m)).length, 249);
  });

  it('retries group adds while new guests replicate, then keeps the rest as pending adds', async () => {
    sandbox.settings({ replicationLagAttempts: 2 });
    const e = engine(new MemoryStore());
    const replicated = await e.runner.run(await confirmedJob(e, addresses(4, 'lag')));
    for (const mail of addresses(4, 'lag')) {
      assert.equal(outcomeOf((replicated as { job: BulkJob }).job, mail), 'invited');
      assert.ok(members().includes(userId(mail)!));
    }

    sandbox.settings({ replicationLagAttempts: 100 });
    const slow = engine(new MemoryStore(), graph, { memberAddBackoffMs: [20] });
    const pending = await slow.runner.run(await confirmedJob(slow, addresses(2, 'slow')));
    for (const mail of addresses(2, 'slow')) assert.equal(outcomeOf((pending as { job: BulkJob }).job, mail), 'pendingAdd');
    assert.equal((await new PendingAdds(slow.store).all()).length, 2, 'stored for the background job');
  });

  it('counts an address named twice once, and never sends a bad or refused line', async () => {
    const e = engine(new MemoryStore());
    const result = await e.runner.run(
      await confirmedJob(e, ['dup@fabrikam.com', 'DUP@fabrikam.com, Dup Again', 'not an address', 'bad..dots@fabrikam.com', 'x@blocked.example', 'ok@fabrikam.com']),
    );
    const job = (result as { job: BulkJob }).job;
    assert.deepEqual(
      job.header.skipped.map((s) => [s.line, s.reason]),
      [
        [2, 'duplicate'],
        [3, 'emailInvalid'],
        [4, 'emailDotOrDashAtEdge'],
      ],
    );
    assert.equal(outcomeOf(job, 'x@blocked.example'), 'refused');
    assert.deepEqual(
      sandbox.snapshot().invitations.map((i) => i.invitedUserEmailAddress).sort(),
      ['dup@fabrikam.com', 'ok@fabrikam.com'],
    );
    const batchItems = sandbox.requests().filter((r) => r.batchItemId);
    assert.ok(!batchItems.some((r) => r.query.$filter?.includes('blocked.example')), 'a refused line is not even looked up');
  });

  it('resumes an interrupted job on a fresh runner and invites nobody twice', async () => {
    const store = new MemoryStore();
    const stop = new AbortController();
    let invitations = 0;
    // The first process "dies" right after its 12th invitation reaches Graph: that answer is lost.
    const dying: BulkDirectory = {
      lookupMany: (emails, signal) => graph.lookupMany(emails, signal),
      addMembers: (groupId, ids, signal) => graph.addMembers(groupId, ids, signal),
      verifiedDomains: () => graph.verifiedDomains(),
      invite: async (request) => {
        const created = await graph.invite(request);
        if (++invitations === 12) stop.abort(new Error('process stopped'));
        return created;
      },
    };
    const first = engine(store, dying);
    const list = addresses(30, 'resume');
    const id = await confirmedJob(first, list);
    const interrupted = await first.runner.run(id, { signal: stop.signal });
    assert.equal(interrupted.kind, 'interrupted');
    const sentBefore = sandbox.snapshot().invitations.length;
    assert.ok(sentBefore >= 12 && sentBefore < 30, `${sentBefore} invitations before the stop`);
    const stored = await first.jobs.load(id);
    assert.ok(stored!.job.items.some((i) => i.state === 'inviting'), 'items sent (or about to be) are stored as inviting');

    const second = engine(store);
    let resumed = await second.runner.run(id);
    for (let i = 0; resumed.kind === 'leasedElsewhere' && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100)); // the dead process's lease runs out
      resumed = await second.runner.run(id);
    }
    assert.equal(resumed.kind, 'finished');
    const job = (resumed as { job: BulkJob }).job;
    for (const mail of list) {
      assert.equal(invitationsFor(mail).length, 1, `${mail} invited exactly once`);
      assert.ok(members().includes(userId(mail)!), `${mail} is in the team`);
      assert.equal(outcomeOf(job, mail), 'invited');
    }
  });
});
