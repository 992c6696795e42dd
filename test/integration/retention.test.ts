// Retention at the bot's HTTP boundary: what background work deletes (expired audit links, stale
// unconfirmed bulk previews, old finished requests), what it keeps (approved requests whose
// invitation has not run, open requests, confirmed bulk jobs), and that request-time code reads
// only keyed documents or one team's prefix, never a whole collection. The periods are zero here
// (AppOverrides), so "old" is anything that exists when the cycle runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApprovalRequests } from '../../src/domain/approval/approvals';
import { AuditLog } from '../../src/domain/audit/audit';
import { AuditExports } from '../../src/domain/audit/export';
import type { DocumentStore, StoredDocument, WriteCondition } from '../../src/domain/store';
import { FileStore } from '../../src/store/fileStore';
import { cardAction, mentionMessage, MARKETING_GROUP, USERS, type TestUser, type Where } from '../support/activities';
import { cardOf, cardText } from '../support/connector';
import { useHarness } from '../support/harness';

/** The file store, with a record of every list() call: which collection, under which prefix. */
class ListRecordingStore implements DocumentStore {
  readonly lists: { collection: string; prefix: string }[] = [];
  constructor(private readonly inner: DocumentStore) {}
  get<T>(collection: string, key: string): Promise<StoredDocument<T> | undefined> {
    return this.inner.get<T>(collection, key);
  }
  put<T>(collection: string, key: string, value: T, condition?: WriteCondition): Promise<string> {
    return this.inner.put(collection, key, value, condition);
  }
  list<T>(collection: string, prefix?: string): Promise<StoredDocument<T>[]> {
    this.lists.push({ collection, prefix: prefix ?? '' });
    return this.inner.list<T>(collection, prefix);
  }
  delete(collection: string, key: string, condition?: { ifMatch: string }): Promise<void> {
    return this.inner.delete(collection, key, condition);
  }
  ping(): Promise<boolean> {
    return this.inner.ping();
  }
}

const store = new ListRecordingStore(new FileStore(mkdtempSync(path.join(tmpdir(), 'guest-pass-retention-'))));
const h = useHarness({ overrides: { store, exportTtlMs: 0, previewRetentionMs: 0, decidedRequestRetentionMs: 0 } });
const where: Where = { get serviceUrl() { return h.where.serviceUrl; } };
const requests = new ApprovalRequests(store);
beforeEach(() => (store.lists.length = 0));

const textOf = async (from: TestUser, text: string) => (await h.say(from, text)).activity.text ?? '';
const answerText = (res: { body: unknown }) => String((res.body as { value: unknown }).value);

/** A member asks for an invitation; returns the request id and the card's activity id. */
async function memberRequests(email: string) {
  const reply = await h.say(USERS.adeleMember, `/invite ${email} Guest Person`);
  const approve = (cardOf(reply)!.actions as { verb?: string; data: { requestId: string } }[]).find((a) => a.verb === 'approveRequest')!;
  return { requestId: approve.data.requestId, cardId: reply.id };
}

/** An owner pastes a list; returns the job id and the preview card's activity id. */
async function bulkPreview(...emails: string[]) {
  const activity = mentionMessage(where, USERS.alexOwner, ['/invite', ...emails].join('\n'));
  assert.equal((await h.post(activity)).status, 200);
  const preview = await h.connector.waitFor((a) => a.targetId === activity.id);
  const confirm = (cardOf(preview)!.actions as { verb?: string; data: { jobId: string } }[]).find((a) => a.verb === 'confirmBulk')!;
  return { jobId: confirm.data.jobId, cardId: preview.id };
}

/** What the owner who typed /audit sees on the answer card (their own view, with the link). */
async function auditView(): Promise<string> {
  const reply = await h.say(USERS.alexOwner, '/audit');
  return cardText((await h.connector.viewOf(reply.id, USERS.alexOwner)).card);
}

describe('retention by background work', () => {
  it('answers 404 to an expired audit link, and its grant is gone after a cycle', async () => {
    const text = await auditView();
    const url = /(http\S+\.csv)/.exec(text)?.[1]?.replace(/^http:\/\/localhost:\d+/, h.botUrl);
    assert.ok(url, text);
    assert.equal((await store.list('exports', `${MARKETING_GROUP}|`)).length, 1, 'the grant is stored');
    const report = await h.app.background.runOnce();
    assert.ok(report.ran);
    assert.equal(report.exportsDeleted, 1);
    assert.equal((await store.list('exports', `${MARKETING_GROUP}|`)).length, 0, 'the expired grant is deleted');
    assert.equal((await fetch(url)).status, 404);

    const second = /(http\S+\.csv)/.exec(await auditView())![1]!.replace(/^http:\/\/localhost:\d+/, h.botUrl);
    assert.equal((await fetch(second)).status, 404, 'an expired link downloads nothing even before the cycle');
  });

  it('deletes an old unconfirmed preview, and Confirm on its card answers that it expired', async () => {
    const { jobId, cardId } = await bulkPreview('old1@fabrikam.com', 'old2@fabrikam.com, Old Two');
    assert.ok(await store.get('bulkJobs', jobId), 'the preview is stored');
    assert.ok((await store.list('bulkJobItems', `${jobId}|`)).length > 0);

    const report = await h.app.background.runOnce();
    assert.ok(report.previewsDeleted >= 1);
    assert.equal(await store.get('bulkJobs', jobId), undefined, 'the preview is deleted');
    assert.deepEqual(await store.list('bulkJobItems', `${jobId}|`), [], 'with its lines');

    const res = await h.post(cardAction(where, USERS.alexOwner, 'confirmBulk', { jobId }, cardId));
    assert.equal(res.status, 200);
    assert.match(answerText(res), /This preview has expired and nothing was sent\. Send the list again/);
    assert.equal(h.sandbox.snapshot().invitations.length, 0, 'nothing is sent');
  });

  it('keeps a confirmed bulk job however old it is', async () => {
    const { jobId, cardId } = await bulkPreview('kept1@fabrikam.com', 'kept2@fabrikam.com');
    const res = await h.post(cardAction(where, USERS.alexOwner, 'confirmBulk', { jobId }, cardId));
    assert.doesNotMatch(answerText(res), /expired/);
    await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === cardId && /finished/.test(JSON.stringify(cardOf(a))), 30_000);
    await h.app.background.runOnce();
    assert.equal((await store.get<{ state: string }>('bulkJobs', jobId))?.value.state, 'finished');
  });

  it('deletes old finished requests and keeps open ones and approved ones whose invitation has not run', async () => {
    const declined = await memberRequests('dee@fabrikam.com');
    await h.post(cardAction(where, USERS.alexOwner, 'declineRequest', { requestId: declined.requestId }, declined.cardId));
    const approved = await memberRequests('abe@fabrikam.com');
    await h.post(cardAction(where, USERS.alexOwner, 'approveRequest', { requestId: approved.requestId }, approved.cardId));
    assert.ok((await requests.get(MARKETING_GROUP, approved.requestId))?.outcome, 'approved and invited');
    // Approved, then the process died before the invitation ran: background work must still finish it.
    const unfinished = await memberRequests('una@fabrikam.com');
    assert.equal((await requests.decide(MARKETING_GROUP, unfinished.requestId, { id: USERS.alexOwner.aadObjectId, name: USERS.alexOwner.name }, 'approved')).kind, 'decided');
    const open = await memberRequests('ola@fabrikam.com');

    const report = await h.app.background.runOnce();
    assert.equal(report.requestsDeleted, 2);
    assert.equal(await requests.get(MARKETING_GROUP, declined.requestId), undefined, 'the declined request is deleted');
    assert.equal(await requests.get(MARKETING_GROUP, approved.requestId), undefined, 'the finished approved request is deleted');
    const kept = await requests.get(MARKETING_GROUP, unfinished.requestId);
    assert.equal(kept?.status, 'approved', 'the approved request whose invitation has not run is kept');
    assert.equal(kept?.outcome, undefined);
    assert.equal((await requests.get(MARKETING_GROUP, open.requestId))?.status, 'open', 'the open request is kept');

    const again = await h.post(cardAction(where, USERS.meganOwner, 'approveRequest', { requestId: declined.requestId }, declined.cardId));
    assert.match(answerText(again), /no longer exists/, 'a deleted request is not decided again');
  });
});

describe('request-time code', () => {
  it("reads keyed documents or this team's prefix only, never a whole collection", async () => {
    const seen: { collection: string; prefix: string }[] = [];
    const owner = { id: USERS.alexOwner.aadObjectId, name: USERS.alexOwner.name };
    const request = await memberRequests('pia@fabrikam.com');
    await h.post(cardAction(where, USERS.alexOwner, 'approveRequest', { requestId: request.requestId }, request.cardId));
    // /requests and /guests answer as the owners' own views: the listing runs in their refresh.
    for (const command of ['/requests', '/guests']) await h.connector.viewOf((await h.say(USERS.alexOwner, command)).id, USERS.alexOwner);
    await textOf(USERS.adeleMember, '/status pia@fabrikam.com');
    const { jobId, cardId } = await bulkPreview('scan1@fabrikam.com', 'scan2@fabrikam.com');
    await h.post(cardAction(where, USERS.alexOwner, 'confirmBulk', { jobId }, cardId));
    await h.connector.waitFor((a) => a.method === 'PUT' && a.targetId === cardId && /finished/.test(JSON.stringify(cardOf(a))), 30_000);
    await auditView();
    // This harness's links expire at once; a link issued for longer (the grant carries its expiry) downloads the CSV.
    const { path: linkPath } = await new AuditExports(store, new AuditLog(store), 60_000).grant(MARKETING_GROUP, owner);
    seen.push(...store.lists.splice(0));
    assert.equal((await fetch(`${h.botUrl}${linkPath}`)).status, 200);
    assert.deepEqual(store.lists, [{ collection: 'audit', prefix: `${MARKETING_GROUP}|` }], "the download reads this team's audit entries only");

    seen.push(...store.lists);
    assert.ok(seen.some((l) => l.collection === 'bulkJobItems'), 'the handlers did read lists');
    assert.deepEqual(seen.filter((l) => l.prefix === ''), [], 'no list without a prefix');
    for (const l of seen) {
      const scoped = l.prefix.startsWith(`${MARKETING_GROUP}|`) || (l.collection === 'bulkJobItems' && l.prefix === `${jobId}|`);
      assert.ok(scoped, `${l.collection} listed under "${l.prefix}": one team's or one job's documents only`);
    }
  });
});
