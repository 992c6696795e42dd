// The Teams face of bulk invitations against the sandbox tenant: who may run one (decided from the
// caller, at preview and at confirm), the preview card, the progress card answered at once and
// updated in place, the results table and CSV. The bot's own wiring is tested where it lives.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog } from '../../src/domain/audit/audit';
import { BulkJobs } from '../../src/domain/bulk/bulkJob';
import { BulkRunner } from '../../src/domain/bulk/bulkRunner';
import { RequestPacer } from '../../src/domain/bulk/pacer';
import { parseInviteLine } from '../../src/domain/commands';
import { InvitationRecords } from '../../src/domain/invitation/records';
import type { TeamRef } from '../../src/domain/team';
import { PendingAdds } from '../../src/domain/invitation/pendingAdds';
import { TeamRoles } from '../../src/domain/roles';
import { loadConfig, type PolicyConfig } from '../../src/config';
import { GraphBulkDirectory } from '../../src/graph/graphBulk';
import { createGraphClient, createGraphCredential } from '../../src/graph/graphClient';
import { GraphDirectory } from '../../src/graph/graphDirectory';
import { createLogger } from '../../src/logger';
import { startSandboxTenant, type SandboxTenant } from '../../src/sandbox';
import { MemoryStore } from '../../src/store/memoryStore';
import { BulkInvitations } from '../../src/teams/bulk';
import type { AdaptiveCard } from '../../src/teams/cards';
import type { CardHome, CardPublisher } from '../../src/teams/proactive';
import type { TurnPort } from '../../src/teams/turn';
import { cardAction, LEGAL_TEAM, MARKETING_GROUP, MARKETING_TEAM, NO_GUESTS_GROUP, USERS, type TestUser } from '../support/activities';
import { actionTitles, cardText } from '../support/connector';
import { sandboxEnv } from '../support/harness';

class RecordingPublisher implements Pick<CardPublisher, 'update'> {
  readonly updates: { activityId: string; card: AdaptiveCard }[] = [];
  async update(_reference: CardHome, activityId: string, card: AdaptiveCard): Promise<void> {
    this.updates.push({ activityId, card });
  }
}

let sandbox: SandboxTenant;
let graphDirectory: GraphDirectory;
let graphBulk: GraphBulkDirectory;
const pacer = new RequestPacer({ requestsPerWindow: 10, windowMs: 500 });
const team: TeamRef = { groupId: MARKETING_GROUP, teamId: MARKETING_TEAM, deepLink: 'https://teams.microsoft.com/l/team/x' };
const where = { serviceUrl: 'http://127.0.0.1:9/' };
const person = (u: TestUser) => ({ id: u.aadObjectId, name: u.name });
const policy = (invitePolicy: PolicyConfig['invitePolicy']): PolicyConfig => ({
  invitePolicy,
  sendInvitationEmail: false,
  allowedDomains: [],
  blockedDomains: [],
  redeemLinkAudience: 'owners',
});

before(async () => {
  if (!process.env.NODE_EXTRA_CA_CERTS) throw new Error('run with scripts/test.ts (it sets NODE_EXTRA_CA_CERTS)');
  sandbox = await startSandboxTenant({ enforceThrottling: true, throttle: { invitationsPerWindow: 10, windowMs: 500 } });
  const config = loadConfig({ BOT_ALLOW_ANONYMOUS: 'true', ...sandboxEnv(sandbox) });
  const client = createGraphClient(config.graph, createGraphCredential(config.graph).credential);
  graphDirectory = new GraphDirectory(client);
  graphBulk = new GraphBulkDirectory(client, graphDirectory);
});
after(async () => sandbox.close());
beforeEach(() => sandbox.reset());

function bulkInvitations(invitePolicy: PolicyConfig['invitePolicy'] = 'approval') {
  const store = new MemoryStore();
  const jobs = new BulkJobs(store);
  const audit = new AuditLog(store);
  const publisher = new RecordingPublisher();
  const runner = new BulkRunner({
    directory: graphBulk,
    jobs,
    records: new InvitationRecords(store),
    pendingAdds: new PendingAdds(store),
    audit,
    pacer,
    rules: { allowedDomains: [], blockedDomains: [] },
    options: { checkpointMs: 100, addLingerMs: 50, memberAddBackoffMs: [50, 100] },
  });
  const bulk = new BulkInvitations({
    jobs,
    runner,
    audit,
    roles: new TeamRoles(graphDirectory),
    policy: policy(invitePolicy),
    publisher,
    logger: createLogger('silent'),
    cardUpdateMs: 100,
  });
  return { bulk, publisher, jobs, audit };
}

/** The text of a card's CodeBlock (the results CSV). */
function codeSnippetOf(card: unknown): string {
  let found = '';
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'CodeBlock' && typeof o.codeSnippet === 'string') found = o.codeSnippet;
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}
const jobIdOf = (card: AdaptiveCard | undefined) => JSON.stringify(card).match(/"jobId":"([^"]+)"/)?.[1] ?? '';
/** The turn of a Confirm click: its activity, and the conversation it came from (all bulk.confirm reads). */
const contextOf = (from: TestUser, jobId: string, replyToId: string): TurnPort => {
  const activity = cardAction(where, from, 'confirmBulk', { jobId }, replyToId);
  return { activity, reference: () => ({ conversation: activity.conversation, channelId: 'msteams', serviceUrl: where.serviceUrl }) } as unknown as TurnPort;
};

async function finalCard(publisher: RecordingPublisher): Promise<AdaptiveCard> {
  for (let i = 0; i < 300; i++) {
    const last = publisher.updates.at(-1);
    if (last && /Bulk invitation finished/.test(cardText(last.card))) return last.card;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the job did not finish');
}

describe('bulk invitations in Teams', () => {
  it('previews, answers Confirm at once with the progress card, and updates that card to the results', async () => {
    const { bulk, publisher, audit } = bulkInvitations();
    const lines = ['a1@fabrikam.com', 'A1@fabrikam.com', 'not-an-address', 'Bee <b1@fabrikam.com>', 'pattif@fabrikam.com'].map(parseInviteLine);
    const preview = await bulk.preview(team, person(USERS.alexOwner), lines);
    const previewText = cardText(preview.card);
    assert.match(previewText, /Invite 3 people to this team\?/);
    assert.match(previewText, /not-an-address/);
    assert.deepEqual(actionTitles(preview.card), ['Invite them', 'Cancel']);
    assert.equal(sandbox.snapshot().invitations.length, 0, 'nothing is sent before Confirm');

    const jobId = jobIdOf(preview.card);
    const answer = await bulk.confirm(contextOf(USERS.alexOwner, jobId, 'preview-activity'), team, person(USERS.alexOwner), { jobId });
    assert.match(cardText(answer.card), /Inviting|finished/);

    const done = await finalCard(publisher);
    assert.ok(publisher.updates.every((u) => u.activityId === 'preview-activity'), 'one card, updated in place');
    assert.doesNotMatch(cardText(done), /a1@fabrikam\.com/, "the channel's copy names no one");
    assert.deepEqual(actionTitles(done), [], 'the finished card has no buttons');
    const ownersCopy = await bulk.resultsView(team, person(USERS.alexOwner), { jobId });
    const text = cardText(ownersCopy.card);
    assert.match(text, /a1@fabrikam\.com/);
    assert.match(text, /Already in team/);
    assert.match(text, /Duplicate/);
    assert.doesNotMatch(cardText((await bulk.resultsView(team, person(USERS.adeleMember), { jobId })).card), /a1@fabrikam\.com/, 'a member gets the channel copy');
    assert.deepEqual(sandbox.snapshot().invitations.map((i) => i.invitedUserEmailAddress).sort(), ['a1@fabrikam.com', 'b1@fabrikam.com']);

    const again = await bulk.confirm(contextOf(USERS.meganOwner, jobId, 'preview-activity'), team, person(USERS.meganOwner), { jobId });
    assert.ok(again.card, 'a second Confirm shows the job and starts nothing');
    assert.equal(sandbox.snapshot().invitations.length, 2);

    const csv = codeSnippetOf((await bulk.resultsCsv(team, person(USERS.alexOwner), { jobId })).card);
    assert.match(csv, /^line,email,display name,outcome,reason/m);
    assert.match(csv, /3,not-an-address,,Not sent,"Enter a valid email address, like/);
    const entries = await audit.forGroup(MARKETING_GROUP);
    assert.ok(entries.some((e) => e.outcome === 'invalid' && e.subject === 'not-an-address'), 'the bad line is audited');
    assert.equal(entries.filter((e) => e.action === 'invite').length, 3);
  });

  it('lets only callers who may invite directly run a bulk job, checked again at confirm', async () => {
    const { bulk } = bulkInvitations('approval');
    const asMember = await bulk.preview(team, person(USERS.adeleMember), [parseInviteLine('x@fabrikam.com'), parseInviteLine('y@fabrikam.com')]);
    assert.match(asMember.text ?? '', /Only people who may invite guests directly/);
    const asGuest = await bulk.preview(team, person(USERS.pattiGuest), [parseInviteLine('x@fabrikam.com')]);
    assert.match(asGuest.text ?? '', /Guests cannot invite/);

    const preview = await bulk.preview(team, person(USERS.alexOwner), [parseInviteLine('x@fabrikam.com'), parseInviteLine('y@fabrikam.com')]);
    const jobId = jobIdOf(preview.card);
    const forged = await bulk.confirm(contextOf(USERS.adeleMember, jobId, 'p'), team, person(USERS.adeleMember), { jobId });
    assert.match(forged.text ?? '', /Only people who may invite guests directly/);
    const otherTeam = await bulk.confirm(contextOf(USERS.alexOwner, jobId, 'p'), { ...team, groupId: NO_GUESTS_GROUP, teamId: LEGAL_TEAM }, person(USERS.alexOwner), { jobId });
    assert.ok(otherTeam.text, 'a job of another team is not confirmed from here');
    assert.equal(sandbox.snapshot().invitations.length, 0);

    const members = bulkInvitations('members');
    const allowed = await members.bulk.preview(team, person(USERS.adeleMember), [parseInviteLine('x@fabrikam.com'), parseInviteLine('y@fabrikam.com')]);
    assert.ok(allowed.card, 'members invite under the members policy');
  });

  it('cancels a preview without sending anything', async () => {
    const { bulk } = bulkInvitations();
    const preview = await bulk.preview(team, person(USERS.alexOwner), [parseInviteLine('c@fabrikam.com'), parseInviteLine('d@fabrikam.com')]);
    const jobId = jobIdOf(preview.card);
    const cancelled = await bulk.cancel(team, person(USERS.alexOwner), { jobId });
    assert.match(cardText(cancelled.publicCard), /Cancelled by Alex Wilber on \{\{DATE\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, SHORT\)\}\}/);
    assert.deepEqual(actionTitles(cancelled.publicCard), [], 'the cancelled card loses its buttons');
    assert.match(cardText((await bulk.confirm(contextOf(USERS.alexOwner, jobId, 'p'), team, person(USERS.alexOwner), { jobId })).card), /Bulk invitation cancelled/);
    assert.equal(sandbox.snapshot().invitations.length, 0);
  });
});
