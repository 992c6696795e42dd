// Members' requests and owners' decisions (PRODUCT.md 1 and 2, "Approval card"). A request is
// decided once: the decision is claimed with an ETag write before anything is invited, so a second
// click, a stale copy or two owners at once never produce two invitations.
import { randomUUID } from 'node:crypto';
import type { ValidInvite } from '../invitation/email';
import type { InvitationOutcome } from '../invitation/outcome';
import type { Person } from '../team';
import { ConcurrencyError, deleteExpiredDocuments, updateDocument, type DocumentStore } from '../store';

export type RequestStatus = 'open' | 'approved' | 'declined';

export interface ApprovalRequest {
  id: string;
  groupId: string;
  teamId: string;
  requester: Person;
  invite: ValidInvite;
  createdAt: string;
  status: RequestStatus;
  decidedBy?: Person;
  decidedAt?: string;
  /** Set once the approved invitation has run; absent after a crash between claim and invite. */
  outcome?: InvitationOutcome;
  remindedAt?: string;
  /** Background work holds the unfinished invitation of this approved request until then (ETag claim). */
  finishingUntil?: string;
  /** The approval card, so background work can update it (opaque conversation reference). */
  card?: { reference: Record<string, unknown>; activityId: string };
}

export type DecisionResult =
  | { kind: 'decided'; request: ApprovalRequest }
  | { kind: 'alreadyDecided'; request: ApprovalRequest }
  | { kind: 'notFound' };

const COLLECTION = 'requests';

export class ApprovalRequests {
  constructor(
    private readonly store: DocumentStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Keyed under the team's group: a request id from another team's card finds nothing here. */
  private key(groupId: string, id: string) {
    return `${groupId}|${id}`;
  }

  async create(input: Pick<ApprovalRequest, 'groupId' | 'teamId' | 'requester' | 'invite'>): Promise<ApprovalRequest> {
    const request: ApprovalRequest = { ...input, id: randomUUID(), createdAt: this.now().toISOString(), status: 'open' };
    await this.store.put(COLLECTION, this.key(request.groupId, request.id), request, { ifNoneMatch: '*' });
    return request;
  }

  async get(groupId: string, id: string): Promise<ApprovalRequest | undefined> {
    return (await this.store.get<ApprovalRequest>(COLLECTION, this.key(groupId, id)))?.value;
  }

  /** Claims the decision for `decider`. Only the caller that gets `decided` may act on it. */
  async decide(groupId: string, id: string, decider: Person, decision: 'approved' | 'declined'): Promise<DecisionResult> {
    const doc = await this.store.get<ApprovalRequest>(COLLECTION, this.key(groupId, id));
    if (!doc) return { kind: 'notFound' };
    if (doc.value.status !== 'open') return { kind: 'alreadyDecided', request: doc.value };
    const decided: ApprovalRequest = { ...doc.value, status: decision, decidedBy: decider, decidedAt: this.now().toISOString() };
    try {
      await this.store.put(COLLECTION, this.key(groupId, id), decided, { ifMatch: doc.etag });
      return { kind: 'decided', request: decided };
    } catch (e) {
      if (!(e instanceof ConcurrencyError)) throw e;
      const winner = await this.get(groupId, id);
      return winner ? { kind: 'alreadyDecided', request: winner } : { kind: 'notFound' };
    }
  }

  /** Updates fields other than the decision (outcome, card, reminder), retrying on ETag races. */
  async patch(groupId: string, id: string, change: (r: ApprovalRequest) => Partial<ApprovalRequest>): Promise<ApprovalRequest | undefined> {
    return (await updateDocument<ApprovalRequest>(this.store, COLLECTION, this.key(groupId, id), (r) => ({ ...r, ...change(r) })))?.value;
  }


  async all(): Promise<ApprovalRequest[]> {
    return (await this.store.list<ApprovalRequest>(COLLECTION)).map((d) => d.value);
  }

  async openForGroup(groupId: string): Promise<ApprovalRequest[]> {
    return (await this.store.list<ApprovalRequest>(COLLECTION, `${groupId}|`))
      .map((d) => d.value)
      .filter((r) => r.status === 'open')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Approved requests whose invitation has no outcome and whose lease has passed (the decision's
   * turn gets `leaseMs` from the decision), each claimed with an ETag write for `leaseMs` more:
   * only the requests returned here may be acted on, by this caller alone.
   */
  async claimUnfinished(leaseMs: number): Promise<ApprovalRequest[]> {
    const now = this.now();
    const claimed: ApprovalRequest[] = [];
    for (const doc of await this.store.list<ApprovalRequest>(COLLECTION)) {
      const r = doc.value;
      if (r.status !== 'approved' || r.outcome) continue;
      const until = r.finishingUntil ?? new Date(Date.parse(r.decidedAt ?? r.createdAt) + leaseMs).toISOString();
      if (until > now.toISOString()) continue;
      const next = { ...r, finishingUntil: new Date(now.getTime() + leaseMs).toISOString() };
      try {
        await this.store.put(COLLECTION, doc.key, next, { ifMatch: doc.etag });
        claimed.push(next);
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
      }
    }
    return claimed;
  }

  /**
   * Background retention: deletes finished requests (declined, or approved with the invitation's
   * outcome stored) decided more than `olderThanMs` ago, at most `limit` per call. The audit log
   * keeps the history (who asked, who approved or declined, when, and the invitation's outcome), so
   * nothing is lost but the request document. Approved requests without an outcome are never
   * deleted: background work still has to finish them. A request changed meanwhile (ETag) waits.
   */
  async deleteDecided(olderThanMs: number, limit: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - olderThanMs).toISOString();
    const finished = (r: ApprovalRequest) => r.status === 'declined' || (r.status === 'approved' && r.outcome !== undefined);
    return deleteExpiredDocuments<ApprovalRequest>(this.store, COLLECTION, (r) => finished(r) && !!r.decidedAt && r.decidedAt <= cutoff, limit);
  }

  /** Open requests older than the reminder age that have not been reminded yet. */
  async dueForReminder(ageMs: number): Promise<ApprovalRequest[]> {
    const cutoff = new Date(this.now().getTime() - ageMs).toISOString();
    return (await this.all()).filter((r) => r.status === 'open' && !r.remindedAt && r.createdAt <= cutoff);
  }
}
