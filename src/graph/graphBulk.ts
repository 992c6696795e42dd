// The bulk directory port over Microsoft Graph v1.0.
// - Look-ups: `POST /$batch` of up to 20 `GET /users?$filter=...` items. The body is built by hand
//   with relative, version-less URLs: graph-client 3.0.7's BatchRequestContent writes `/v1.0/...`,
//   which Graph rejects (REFERENCE.md). Each item can be throttled on its own (a 429 inside the
//   200): such items are sent again after their own Retry-After, a bounded number of times.
// - Invitations: one `POST /invitations` per call with in-call retries switched off, so that
//   every attempt goes through the domain's pacer; 429/503/504 and requests without an answer
//   surface as busy, with their Retry-After.
// - Team adds: the Teams membership API, which Teams shows at once. The group's members are read
//   first (`GET /groups/{id}/members?$select=id`): Graph answers an existing member's add with
//   success again, so that read is what tells "already a member". The others go in
//   `POST /teams/{id}/members/add`, at most 200 per request, answered per item
//   (`aadUserConversationMemberResult` with `userId` and `error`): some added, some not (a guest not
//   replicated yet is `NotFound`). When a whole request fails, its users are added one by one
//   (`POST /teams/{id}/members`); a user the answer leaves out is added one by one too.
import type { Client } from '@microsoft/microsoft-graph-client';
import { DirectoryError, type CreatedInvitation, type InvitationRequest } from '../domain/directory';
import { BusyDirectoryError, type BulkDirectory, type LookupAnswer, type MemberAddAnswer } from '../domain/bulk/bulkDirectory';
import { chunksOf, forEachConcurrently } from '../domain/bulk/flow';
import { systemClock, type Clock } from '../domain/bulk/pacer';
import {
  conversationMember,
  invitationBody,
  LOOKUP_SELECT,
  pickLookupMatch,
  TEAM_MEMBER_WRITE,
  userLookupFilter,
  type GraphDirectory,
  type GraphUser,
} from './graphDirectory';
import { GraphRetryPolicy, retryAfterMsOf, TRANSPORT_FAILURES } from './boundedRequests';
import { headerOf, isAlreadyMemberError, toDirectoryError, type CallEffect } from './graphErrors';

/** Graph's limits: items per $batch, members per POST /teams/{id}/members/add. */
export const BATCH_LIMIT = 20;
export const MEMBER_ADD_LIMIT = 200;

export interface GraphBulkOptions {
  /** Attempts per $batch item when Graph throttles it or is busy. */
  maxItemAttempts: number;
  /** Cap on any single Retry-After wait, so a job cannot stall for long on one answer. */
  maxRetryAfterMs: number;
  /** Single adds in flight at once when a members/add request falls back. */
  fallbackConcurrency: number;
  clock: Clock;
}

const DEFAULTS: GraphBulkOptions = { maxItemAttempts: 5, maxRetryAfterMs: 30_000, fallbackConcurrency: 4, clock: systemClock };

interface BatchItemResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: { value?: GraphUser[]; error?: { code?: string; message?: string } };
}

const BUSY = new Set([429, 503, 504]);

/** Retry-After in ms from a header value (seconds or an HTTP date). */
export const retryAfterMs = retryAfterMsOf;

const NO_ANSWER = new Set<string>([TRANSPORT_FAILURES.timeout, TRANSPORT_FAILURES.connectionLost]);

/**
 * Classifies a Graph failure; throttled or busy answers keep their Retry-After. A request that got
 * no answer (a timeout, a dropped connection) counts as busy too: the runner looks the address up
 * before it tries again, as after a 503/504.
 */
function classify(e: unknown, permission: string, effect: CallEffect, status?: number, headers?: unknown): DirectoryError {
  const code = status ?? (e as { statusCode?: number })?.statusCode;
  const error = toDirectoryError(e, permission, effect);
  const noAnswer = NO_ANSWER.has((e as { code?: string })?.code ?? (e as { name?: string })?.name ?? '');
  if ((code !== undefined && BUSY.has(code)) || noAnswer) {
    const wait = retryAfterMs(headerOf(headers ?? (e as { headers?: unknown })?.headers, 'retry-after'));
    return new BusyDirectoryError(code === 429 ? 'throttled' : 'unavailable', error.message, error.trace, wait, error.ambiguous);
  }
  return error;
}

/** A $batch item's error, in the shape toDirectoryError reads (status, code, message, request-id). */
function itemError(r: BatchItemResponse, permission: string): DirectoryError {
  const err = r.body?.error;
  const like = { statusCode: r.status, code: err?.code, message: err?.message ?? `HTTP ${r.status}`, body: r.body };
  return classify(like, permission, 'read', r.status, r.headers);
}

/** `/users?$filter=...` for one address: relative, version-less, `'` quoted as `''`, `#` as `%23`. */
export function lookupUrl(email: string): string {
  return `/users?$filter=${encodeURIComponent(userLookupFilter(email))}&$select=${LOOKUP_SELECT}&$top=5`;
}

export class GraphBulkDirectory implements BulkDirectory {
  private readonly o: GraphBulkOptions;

  constructor(
    private readonly client: Client,
    private readonly directory: GraphDirectory,
    /** Graph's own root for `@odata.id` references; always the public form, as Graph expects. */
    private readonly referenceRoot = 'https://graph.microsoft.com/v1.0',
    options: Partial<GraphBulkOptions> = {},
  ) {
    this.o = { ...DEFAULTS, ...options };
  }

  verifiedDomains(): Promise<string[]> {
    return this.directory.verifiedDomains();
  }

  async lookupMany(emails: readonly string[], signal?: AbortSignal): Promise<Map<string, LookupAnswer>> {
    const answers = new Map<string, LookupAnswer>();
    const distinct = [...new Set(emails.map((e) => e.toLowerCase()))];
    for (const chunk of chunksOf(distinct, BATCH_LIMIT)) await this.lookupBatch(chunk, answers, signal);
    return answers;
  }

  private async lookupBatch(emails: string[], answers: Map<string, LookupAnswer>, signal?: AbortSignal): Promise<void> {
    let pending = emails.map((email, i) => ({ id: String(i + 1), email }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (signal?.aborted) throw signal.reason as Error;
      const body = { requests: pending.map((p) => ({ id: p.id, method: 'GET', url: lookupUrl(p.email) })) };
      let responses: BatchItemResponse[];
      try {
        // A POST of GETs: retried as a GET would be.
        const batch = this.client.api('/$batch').middlewareOptions([new GraphRetryPolicy('idempotent')]);
        responses = ((await batch.post(body)) as { responses?: BatchItemResponse[] }).responses ?? [];
      } catch (e) {
        const error = classify(e, 'User.Read.All', 'read');
        if (error.kind === 'notFound' || error.kind === 'rejected') {
          // A Graph (or a stand-in for it) that does not take $batch at all: the same look-ups one by one.
          await forEachConcurrently(pending, this.o.fallbackConcurrency, async (p) => {
            answers.set(p.email, await this.directory.findUserByEmail(p.email).then((u) => u ?? null, (err: unknown) => classify(err, 'User.Read.All', 'read')));
          });
          return;
        }
        // The whole batch failed (already retried in-call, boundedRequests.ts): every item shares the answer.
        pending.forEach((p) => answers.set(p.email, error));
        return;
      }
      const byId = new Map(responses.map((r) => [String(r.id), r]));
      const again: typeof pending = [];
      let wait = 0;
      for (const p of pending) {
        const r = byId.get(p.id);
        if (r && r.status >= 200 && r.status < 300) {
          answers.set(p.email, pickLookupMatch(p.email, r.body?.value ?? []) ?? null);
          continue;
        }
        const error = r ? itemError(r, 'User.Read.All') : new DirectoryError('unexpected', 'Graph returned no answer for this batch item');
        if (error instanceof BusyDirectoryError && attempt < this.o.maxItemAttempts) {
          again.push(p);
          wait = Math.max(wait, error.retryAfterMs ?? 1000 * attempt);
        } else {
          answers.set(p.email, error);
        }
      }
      pending = again;
      if (pending.length > 0) await this.o.clock.sleep(Math.min(wait, this.o.maxRetryAfterMs), signal);
    }
  }

  async invite(request: InvitationRequest): Promise<CreatedInvitation> {
    try {
      const res = (await this.client
        .api('/invitations')
        // No retries here: the caller paces every attempt, retries included (REFERENCE.md, livelock).
        .middlewareOptions([new GraphRetryPolicy('none')])
        .post(invitationBody(request))) as { id: string; inviteRedeemUrl: string; invitedUser: { id: string } };
      return { invitationId: res.id, userId: res.invitedUser.id, redeemUrl: res.inviteRedeemUrl };
    } catch (e) {
      throw classify(e, 'User.Invite.All', 'write');
    }
  }

  async addMembers(groupId: string, userIds: readonly string[], signal?: AbortSignal): Promise<Map<string, MemberAddAnswer>> {
    const answers = new Map<string, MemberAddAnswer>();
    const distinct = [...new Set(userIds)];
    // Best effort: without the read every user is sent, and an existing member counts as added.
    const members = distinct.length > 0 ? await this.directory.groupMemberIds(groupId).catch(() => new Set<string>()) : new Set<string>();
    const toAdd = distinct.filter((id) => {
      if (!members.has(id.toLowerCase())) return true;
      answers.set(id, 'alreadyMember');
      return false;
    });
    for (const chunk of chunksOf(toAdd, MEMBER_ADD_LIMIT)) {
      if (signal?.aborted) throw signal.reason as Error;
      let results: MemberResult[];
      try {
        const res = (await this.client
          .api(`/teams/${encodeURIComponent(groupId)}/members/add`)
          .post({ values: chunk.map((id) => conversationMember(this.referenceRoot, id)) })) as { value?: MemberResult[] } | undefined;
        results = res?.value ?? [];
      } catch (e) {
        const error = classify(e, TEAM_MEMBER_WRITE, 'write');
        if (error instanceof BusyDirectoryError || error.kind === 'missingPermission') {
          // Adding one by one would meet the same answer: every user of the chunk gets it.
          chunk.forEach((id) => answers.set(id, error));
          continue;
        }
        // The request failed as a whole (a 404 for one unknown user has been reported instead of
        // a per-item answer): add its users one by one to learn each one's answer.
        await this.addOneByOne(groupId, chunk, answers);
        continue;
      }
      const byUser = new Map(results.filter((r) => typeof r.userId === 'string').map((r) => [r.userId!.toLowerCase(), r]));
      const unanswered: string[] = [];
      for (const id of chunk) {
        const r = byUser.get(id.toLowerCase());
        if (!r) unanswered.push(id);
        else answers.set(id, r.error ? memberResultAnswer(r.error) : 'added');
      }
      if (unanswered.length > 0) await this.addOneByOne(groupId, unanswered, answers);
    }
    return answers;
  }

  private async addOneByOne(groupId: string, userIds: string[], answers: Map<string, MemberAddAnswer>): Promise<void> {
    await forEachConcurrently(userIds, this.o.fallbackConcurrency, async (id) => {
      try {
        answers.set(id, await this.directory.addGroupMember(groupId, id));
      } catch (e) {
        answers.set(id, e instanceof DirectoryError ? e : classify(e, TEAM_MEMBER_WRITE, 'write'));
      }
    });
  }
}

/** One item of a members/add answer (`aadUserConversationMemberResult`). */
interface MemberResult {
  userId?: string | null;
  error?: { code?: string | null; message?: string | null } | null;
}

/** Graph's per-item error codes, as the HTTP status the same failure has on a single add. */
const ITEM_STATUS: Record<string, number> = { badrequest: 400, unauthorized: 401, forbidden: 403, notfound: 404, conflict: 409, toomanyrequests: 429 };

/** A members/add item's error, classified as the same failure of a single add would be. */
export function memberResultAnswer(error: NonNullable<MemberResult['error']>): MemberAddAnswer {
  const code = error.code ?? '';
  const like = { statusCode: ITEM_STATUS[code.toLowerCase()] ?? 400, code, message: error.message || code || 'member not added' };
  if (isAlreadyMemberError(like)) return 'alreadyMember';
  return classify(like, TEAM_MEMBER_WRITE, 'write', like.statusCode);
}
