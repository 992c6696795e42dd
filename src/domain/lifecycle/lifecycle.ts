// The guest lifecycle (PRODUCT.md 6, issue 17): every guest Guest Pass brought into a team has a
// review date, GUEST_REVIEW_DAYS after joining. When it falls due the inviter (or, if they are no
// longer an owner, the team's owners) gets a review card: Keep for another period, or Remove now.
// Unanswered after GUEST_REVIEW_GRACE_DAYS: one reminder; unanswered again for as long: removed
// from the team, but only when GUEST_EXPIRE_UNREVIEWED=true. A guest who has not accepted after
// PENDING_REMINDER_DAYS brings the inviter one card with Resend and Withdraw.
//
// Everything lives on the guest's invitation record, so it survives restarts. Each step (card
// posted, reminder, expiry, a decision) is claimed with an ETag write on the record before it
// acts: overlapping background runs and two clicks at once never do anything twice.
import type { AuditLog } from '../audit/audit';
import type { GuestDirectory } from '../directory';
import { withCard, type InvitationRecord, type InvitationRecords } from '../invitation/records';
import { type CardRef, type Person } from '../team';

/** What the lifecycle needs of the directory port: taking a guest out of the team. */
export type MemberRemoval = Pick<GuestDirectory, 'removeTeamMember'>;

export interface LifecycleTimes {
  reviewMs: number;
  graceMs: number;
  expireUnreviewed: boolean;
  pendingReminderMs: number;
}

export const DAY_MS = 24 * 3_600_000;

export function lifecycleTimes(config: { reviewDays: number; reviewGraceDays: number; expireUnreviewed: boolean; pendingReminderDays: number }): LifecycleTimes {
  return {
    reviewMs: Math.round(config.reviewDays * DAY_MS),
    graceMs: Math.round(config.reviewGraceDays * DAY_MS),
    expireUnreviewed: config.expireUnreviewed,
    pendingReminderMs: Math.round(config.pendingReminderDays * DAY_MS),
  };
}

/** How the product shows lifecycle cards (the Teams adapter posts them in the guest's channel). */
export interface LifecycleNotifier {
  /** Posts the review card (or its reminder) for `deciders` (Entra ids); where it went, if anywhere. */
  reviewDue(record: InvitationRecord, deciders: string[], reminder: boolean): Promise<CardRef | undefined>;
  /** Rewrites the review's cards once decided (kept, removed, expired). */
  reviewDecided(record: InvitationRecord, cards: CardRef[]): Promise<void>;
  /** Posts that the guest was removed because nobody answered, and how to undo it. */
  guestExpired(record: InvitationRecord): Promise<void>;
  /** Posts the pending guest's reminder (Resend, Withdraw) for the inviter. */
  pendingReminder(record: InvitationRecord, recipients: string[]): Promise<CardRef | undefined>;
}

export interface LifecycleDeps {
  records: InvitationRecords;
  remover: MemberRemoval;
  audit: AuditLog;
  /** The team's owners now (fresh from the directory). */
  freshOwnerIds(groupId: string): Promise<string[]>;
  notifier: LifecycleNotifier;
  times: LifecycleTimes;
  now: () => Date;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export type ReviewState = 'scheduled' | 'due' | 'reminded' | 'removed' | 'expired' | 'withdrawn';

const GUEST_PASS: Person = { id: 'guest-pass', name: 'Guest Pass' };

/** A guest Guest Pass brought in (invited, or an existing guest added), not a tenant member. */
export function isReviewable(record: InvitationRecord): boolean {
  return !!record.userId && record.state !== 'Member' && (record.invitationId !== undefined || record.outcome === 'added');
}

/** The guest's review date: the stored one, or a review period after they joined. */
export function reviewDueAt(record: InvitationRecord, reviewMs: number): string {
  return record.review?.dueAt ?? new Date(Date.parse(record.createdAt) + reviewMs).toISOString();
}

export function reviewStateOf(record: InvitationRecord, reviewMs: number, now: Date): ReviewState {
  if (record.removal) return record.removal.kind;
  const due = reviewDueAt(record, reviewMs);
  if (due > now.toISOString()) return 'scheduled';
  return record.review?.remindedAt && record.review.dueAt === due ? 'reminded' : 'due';
}

/** Waiting for a decision: due (card posted or about to be) and still in the team. */
export function awaitsDecision(record: InvitationRecord, reviewMs: number, now: Date): boolean {
  const state = reviewStateOf(record, reviewMs, now);
  return isReviewable(record) && record.inGroup && (state === 'due' || state === 'reminded');
}

export type LifecycleDecision =
  | { kind: 'decided'; record: InvitationRecord; cards: CardRef[]; result?: 'removed' | 'notMember' }
  | { kind: 'alreadyDecided'; record: InvitationRecord }
  | { kind: 'notFound' }
  | { kind: 'failed'; error: unknown; record: InvitationRecord };

export interface LifecycleReport {
  reviewsDue: number;
  reviewReminders: number;
  expired: number;
  pendingReminders: number;
}

export class GuestLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  get times(): LifecycleTimes {
    return this.deps.times;
  }

  private iso(offsetMs = 0): string {
    return new Date(this.deps.now().getTime() + offsetMs).toISOString();
  }

  /** Writes `change` only if `test` holds on the stored record (ETag read-modify-write); the record if this caller won. */
  private async claim(r: InvitationRecord, test: (x: InvitationRecord) => boolean, change: (x: InvitationRecord) => InvitationRecord): Promise<InvitationRecord | undefined> {
    let won = false;
    const next = await this.deps.records.update(r.groupId, r.email, (x) => {
      won = test(x);
      return won ? change(x) : x;
    });
    return won ? next : undefined;
  }

  /** Who decides: the inviter while they are an owner, the owners otherwise. */
  async decidersOf(record: InvitationRecord): Promise<string[]> {
    const owners = await this.deps.freshOwnerIds(record.groupId);
    return owners.includes(record.invitedBy.id) ? [record.invitedBy.id] : owners;
  }

  private async addReviewCard(record: InvitationRecord, card: CardRef | undefined): Promise<void> {
    if (!card) return;
    await this.deps.records.update(record.groupId, record.email, (x) => (x.review ? { ...x, review: { ...x.review, cards: [...(x.review.cards ?? []), card] } } : x));
  }

  private async auditOf(record: InvitationRecord, actor: Person, action: 'review' | 'keep' | 'remove' | 'expire' | 'remind' | 'withdraw', outcome: string, reason?: string): Promise<void> {
    await this.deps.audit.append({ at: this.iso(), groupId: record.groupId, teamId: record.teamId, actor, action, subject: record.email, outcome, reason, userId: record.userId });
  }

  /** Background (under the lease): one step per guest and cycle: the card, its reminder, expiry. */
  async runReviews(report: LifecycleReport): Promise<void> {
    const { times, notifier } = this.deps;
    const now = this.iso();
    for (const r of await this.deps.records.listAll()) {
      if (!isReviewable(r) || !r.inGroup || r.removal) continue;
      const due = reviewDueAt(r, times.reviewMs);
      if (due > now) continue;
      const stillDue = (x: InvitationRecord) => isReviewable(x) && x.inGroup && !x.removal && reviewDueAt(x, times.reviewMs) === due;
      const review = r.review;
      try {
        if (!review?.notifiedAt || review.dueAt !== due) {
          const claimed = await this.claim(r, (x) => stillDue(x) && !x.review?.notifiedAt, (x) => ({ ...x, review: { ...x.review, dueAt: due, notifiedAt: now, remindedAt: undefined, cards: [] } }));
          if (!claimed) continue;
          await this.auditOf(claimed, GUEST_PASS, 'review', 'due', `review of ${due}`);
          report.reviewsDue++;
          await this.addReviewCard(claimed, await notifier.reviewDue(claimed, await this.decidersOf(claimed), false));
        } else if (!review.remindedAt) {
          if (Date.parse(review.notifiedAt) + times.graceMs > Date.parse(now)) continue;
          const claimed = await this.claim(r, (x) => stillDue(x) && !!x.review?.notifiedAt && !x.review.remindedAt, (x) => ({ ...x, review: { ...x.review!, remindedAt: now } }));
          if (!claimed) continue;
          await this.auditOf(claimed, GUEST_PASS, 'remind', 'review reminder', `review of ${due}`);
          report.reviewReminders++;
          await this.addReviewCard(claimed, await notifier.reviewDue(claimed, await this.decidersOf(claimed), true));
        } else if (times.expireUnreviewed && Date.parse(review.remindedAt) + times.graceMs <= Date.parse(now)) {
          const claimed = await this.claim(r, (x) => stillDue(x) && !!x.review?.remindedAt, (x) => ({ ...x, inGroup: false, removal: { kind: 'expired', at: now, by: GUEST_PASS }, updatedAt: now }));
          if (!claimed) continue;
          const result = await this.removeOrUndo(claimed);
          if (!result.ok) {
            this.deps.log?.('warn', 'unreviewed guest not removed; tried again next cycle', { groupId: r.groupId, err: errText(result.error) });
            continue;
          }
          await this.auditOf(claimed, GUEST_PASS, 'expire', result.result, `review of ${due} unanswered`);
          report.expired++;
          await notifier.reviewDecided(claimed, claimed.review?.cards ?? []);
          await notifier.guestExpired(claimed);
        }
      } catch (e) {
        this.deps.log?.('error', 'guest review step failed', { groupId: r.groupId, err: errText(e) });
      }
    }
  }

  /** Background: pending guests past PENDING_REMINDER_DAYS bring their inviter one card. */
  async runPendingReminders(report: LifecycleReport): Promise<void> {
    const { times, notifier } = this.deps;
    const now = this.iso();
    const cutoff = this.iso(-times.pendingReminderMs);
    const eligible = (x: InvitationRecord) => isReviewable(x) && x.state === 'PendingAcceptance' && !x.removal && !x.pendingRemindedAt && x.createdAt <= cutoff;
    for (const r of await this.deps.records.listAll()) {
      if (!eligible(r)) continue;
      try {
        const claimed = await this.claim(r, eligible, (x) => ({ ...x, pendingRemindedAt: now }));
        if (!claimed) continue;
        await this.auditOf(claimed, GUEST_PASS, 'remind', 'pending reminder', 'not accepted yet');
        report.pendingReminders++;
        // One of the record's cards from now on: tracking rewrites it when the guest accepts.
        const card = await notifier.pendingReminder(claimed, [claimed.invitedBy.id]);
        if (card) await this.deps.records.update(r.groupId, r.email, (x) => withCard(x, card));
      } catch (e) {
        this.deps.log?.('error', 'pending reminder failed', { groupId: r.groupId, err: errText(e) });
      }
    }
  }

  /** Removes the claimed guest from the team; if the directory fails, the claim is undone (tried again later). */
  private async removeOrUndo(claimed: InvitationRecord, wasInGroup = true): Promise<{ ok: true; result: 'removed' | 'notMember' } | { ok: false; error: unknown }> {
    try {
      return { ok: true, result: await this.deps.remover.removeTeamMember(claimed.groupId, claimed.userId!) };
    } catch (error) {
      await this.deps.records.update(claimed.groupId, claimed.email, (x) => ({ ...x, inGroup: wasInGroup, removal: undefined }));
      return { ok: false, error };
    }
  }

  /**
   * Keep or Remove, for the review whose due date is `dueAt` (the card's). The caller has been
   * checked as an owner now; the claim makes it one decision, whoever clicks first.
   */
  async decide(groupId: string, email: string, dueAt: string, caller: Person, decision: 'keep' | 'remove'): Promise<LifecycleDecision> {
    const current = await this.deps.records.get(groupId, email);
    if (!current || !isReviewable(current)) return { kind: 'notFound' };
    const open = (x: InvitationRecord) => isReviewable(x) && x.inGroup && !x.removal && !!x.review?.notifiedAt && x.review.dueAt === dueAt;
    const cards = current.review?.cards ?? [];
    const now = this.iso();
    if (decision === 'keep') {
      const next = this.iso(this.deps.times.reviewMs);
      const claimed = await this.claim(current, open, (x) => ({ ...x, review: { dueAt: next, keptBy: caller, keptAt: now } }));
      if (!claimed) return { kind: 'alreadyDecided', record: (await this.deps.records.get(groupId, email)) ?? current };
      await this.auditOf(claimed, caller, 'keep', 'kept', `next review ${next}`);
      return { kind: 'decided', record: claimed, cards };
    }
    const claimed = await this.claim(current, open, (x) => ({ ...x, inGroup: false, removal: { kind: 'removed', at: now, by: caller }, updatedAt: now }));
    if (!claimed) return { kind: 'alreadyDecided', record: (await this.deps.records.get(groupId, email)) ?? current };
    const removed = await this.removeOrUndo(claimed);
    if (!removed.ok) return { kind: 'failed', error: removed.error, record: current };
    await this.auditOf(claimed, caller, 'remove', removed.result, `review of ${dueAt}`);
    return { kind: 'decided', record: claimed, cards, result: removed.result };
  }

  /** Withdraw a guest who has not accepted: out of the team (the caller's right is checked by the caller). */
  async withdraw(groupId: string, email: string, caller: Person): Promise<LifecycleDecision> {
    const current = await this.deps.records.get(groupId, email);
    if (!current || !isReviewable(current)) return { kind: 'notFound' };
    const open = (x: InvitationRecord) => !x.removal && x.state === 'PendingAcceptance';
    const now = this.iso();
    const claimed = await this.claim(current, open, (x) => ({ ...x, inGroup: false, removal: { kind: 'withdrawn', at: now, by: caller }, updatedAt: now }));
    if (!claimed) return { kind: 'alreadyDecided', record: (await this.deps.records.get(groupId, email)) ?? current };
    const removed = await this.removeOrUndo(claimed, current.inGroup);
    if (!removed.ok) return { kind: 'failed', error: removed.error, record: current };
    await this.auditOf(claimed, caller, 'withdraw', removed.result, 'not accepted');
    return { kind: 'decided', record: claimed, cards: claimed.cards ?? [], result: removed.result };
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
