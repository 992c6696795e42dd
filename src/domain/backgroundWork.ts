// Work that must finish after the turn: group adds still waiting for replication, approved requests
// whose invitation never ran (a crash after the claim), redemption tracking, reminders, and
// retention (expired export links, stale unconfirmed bulk previews, old finished requests).
// One instance at a time does it (a lease in the shared store); every item is also claimed or
// ETag-updated on its own, so even overlapping runs never do anything twice.
import type { ApprovalRequests } from './approval/approvals';
import type { AuditLog } from './audit/audit';
import type { AuditExports } from './audit/export';
import type { BulkJobs } from './bulk/bulkJob';
import { DirectoryError, type GuestDirectory } from './directory';
import { inviteGuest, runClaimed } from './invitation/invite';
import { type InviteDeps } from './invitation/deps';
import { outcomeOfError } from './invitation/outcome';
import { teamDeepLink } from './team';
import { recordOutcome, type InvitationRecord, type InvitationRecords } from './invitation/records';
import { DEFAULT_CLAIM_LEASE_MS } from './invitation/intents';
import type { GuestLifecycle } from './lifecycle/lifecycle';
import type { PendingAdds } from './invitation/pendingAdds';
import { ConcurrencyError, type DocumentStore } from './store';
import type { ChangeNotifier } from './notifier';

export interface BackgroundDeps {
  store: DocumentStore;
  directory: GuestDirectory;
  records: InvitationRecords;
  pendingAdds: PendingAdds;
  approvals: ApprovalRequests;
  audit: AuditLog;
  invite: InviteDeps;
  notifier: ChangeNotifier;
  now: () => Date;
  /** Identifies this process in the lease. */
  instanceId: string;
  reminderAfterMs: number;
  leaseMs: number;
  /** Waits between attempts of a pending add, by attempt number; the last repeats. */
  pendingAddBackoffMs?: readonly number[];
  /** A pending add older than this is given up and reported as failed. */
  pendingAddGiveUpMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /** Retention: what is deleted, and after how long. Without it nothing is deleted. */
  retention?: RetentionDeps;
  /** Guest reviews and pending reminders; without it none run. */
  lifecycle?: GuestLifecycle;
}

export interface RetentionDeps {
  exports: AuditExports;
  bulkJobs: BulkJobs;
  /** Unconfirmed (and cancelled) bulk previews are deleted this long after their last change. */
  previewRetentionMs: number;
  /** Declined requests, and approved ones whose invitation ran, are deleted this long after the decision. */
  decidedRequestRetentionMs: number;
  /** Deletions per kind and cycle, so one cycle stays short; the rest goes next cycle. */
  maxDeletesPerCycle?: number;
}

/** Default retention periods (see README): previews a day, finished requests 30 days after the decision. */
export const DEFAULT_PREVIEW_RETENTION_MS = 24 * 3_600_000;
export const DEFAULT_DECIDED_REQUEST_RETENTION_MS = 30 * 24 * 3_600_000;

export interface CycleReport {
  ran: boolean;
  addsCompleted: number;
  addsFailed: number;
  redeemed: number;
  requestsFinished: number;
  invitationsFinished: number;
  reminders: number;
  exportsDeleted: number;
  previewsDeleted: number;
  requestsDeleted: number;
  reviewsDue: number;
  reviewReminders: number;
  expired: number;
  pendingReminders: number;
}

interface Lease {
  holder: string;
  expiresAt: string;
}

const ID_CHUNK = 15; // Graph's `in` operator takes at most 15 values.

export class BackgroundWork {
  private timer: NodeJS.Timeout | undefined;
  private cycle: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: BackgroundDeps) {}

  /**
   * Runs a cycle every `periodMs`, one at a time (the next is scheduled when one ends), until
   * stop(). A failed cycle is logged and the schedule goes on: the next cycle retries its work.
   */
  start(periodMs: number): void {
    if (this.timer) return;
    const schedule = () => {
      this.timer = setTimeout(() => {
        this.cycle = this.runOnce()
          .catch((e: unknown) => this.deps.log?.('error', 'background cycle failed', { err: e instanceof Error ? e.message : String(e) }))
          .finally(() => {
            if (this.timer) schedule();
          });
      }, periodMs);
      this.timer.unref();
    };
    schedule();
  }

  /** Stops the schedule and waits for a cycle under way to end. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.cycle;
  }

  /** Takes or renews the lease; false when another live instance holds it. */
  async acquireLease(): Promise<boolean> {
    const { store, instanceId, now, leaseMs } = this.deps;
    const current = await store.get<Lease>('leases', 'background');
    const t = now();
    if (current && current.value.holder !== instanceId && current.value.expiresAt > t.toISOString()) return false;
    const lease: Lease = { holder: instanceId, expiresAt: new Date(t.getTime() + leaseMs).toISOString() };
    try {
      await store.put('leases', 'background', lease, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
      return true;
    } catch (e) {
      if (e instanceof ConcurrencyError) return false;
      throw e;
    }
  }

  async runOnce(): Promise<CycleReport> {
    const report: CycleReport = {
      ran: false,
      addsCompleted: 0,
      addsFailed: 0,
      redeemed: 0,
      requestsFinished: 0,
      invitationsFinished: 0,
      reminders: 0,
      exportsDeleted: 0,
      previewsDeleted: 0,
      requestsDeleted: 0,
      reviewsDue: 0,
      reviewReminders: 0,
      expired: 0,
      pendingReminders: 0,
    };
    if (!(await this.acquireLease())) return report;
    report.ran = true;
    // Each part stands alone: one failing (Graph down) does not stop the others.
    await this.step('pending adds', async () => this.finishPendingAdds(report));
    // Interrupted invitations first: an approved request whose invitation was interrupted then
    // finds that outcome instead of waiting on the claim.
    await this.step('interrupted invitations', async () => this.finishInterruptedInvitations(report));
    await this.step('approved requests', async () => this.finishApprovedRequests(report));
    await this.step('recent invitations', async () => void (await this.deps.invite.intents?.forgetRecent(this.deps.invite.recentWindowMs ?? 120_000)));
    await this.step('redemptions', async () => this.trackRedemptions(report));
    await this.step('reminders', async () => this.sendReminders(report));
    const lifecycle = this.deps.lifecycle;
    if (lifecycle) {
      await this.step('guest reviews', async () => lifecycle.runReviews(report));
      await this.step('pending reminders', async () => lifecycle.runPendingReminders(report));
    }
    // Last: requests finished above have had their cards updated before retention looks at them.
    await this.applyRetention(report);
    return report;
  }

  private async step(name: string, work: () => Promise<void>) {
    try {
      await work();
    } catch (e) {
      this.deps.log?.('error', `background ${name} failed`, { err: e instanceof Error ? e.message : String(e) });
    }
  }

  private backoff(attempt: number): number {
    const steps = this.deps.pendingAddBackoffMs ?? [30_000, 60_000, 120_000, 300_000, 900_000];
    return steps[Math.min(attempt, steps.length - 1)]!;
  }

  async finishPendingAdds(report: CycleReport): Promise<void> {
    const { pendingAdds, directory, records, audit, notifier, now } = this.deps;
    for (const item of await pendingAdds.due()) {
      if (!(await pendingAdds.claim(item, this.backoff(item.add.attempts)))) continue;
      const add = item.add;
      let result: 'added' | 'alreadyMember' | 'retry' | 'failed';
      let error: unknown;
      try {
        result = await directory.addGroupMember(add.groupId, add.userId);
      } catch (e) {
        const tooOld = now().getTime() - Date.parse(add.createdAt) > (this.deps.pendingAddGiveUpMs ?? 24 * 3_600_000);
        // Replication lag, throttling, an outage, no answer: tried again later. A refusal is final.
        const transient = e instanceof DirectoryError && (e.ambiguous || ['notFound', 'throttled', 'unavailable'].includes(e.kind));
        result = transient && !tooOld ? 'retry' : 'failed';
        error = e;
      }
      if (result === 'retry') continue;
      await pendingAdds.complete(add);
      const done = result !== 'failed';
      const failure = done ? undefined : outcomeOfError(error, { kind: 'failed', email: add.email, displayName: '' }, add.email.split('@')[1] ?? '');
      const record = await records.update(add.groupId, add.email, (r) => ({
        ...r,
        inGroup: done,
        outcome: failure ? failure.kind : r.outcome === 'pendingAdd' ? (add.doneKind ?? 'invited') : r.outcome,
        refusal: failure?.refusal,
        failure: failure?.failure,
        requestId: failure?.trace?.requestId ?? r.requestId,
        updatedAt: now().toISOString(),
      }));
      await audit.append({
        at: now().toISOString(),
        groupId: add.groupId,
        teamId: add.teamId,
        actor: { id: 'guest-pass', name: 'Guest Pass' },
        action: 'add',
        subject: add.email,
        outcome: done ? 'added' : (failure?.kind ?? 'failed'),
        reason: failure ? (failure.refusal ?? failure.failure) : undefined,
        userId: add.userId,
        graphCode: failure?.trace?.graphCode,
        requestId: failure?.trace?.requestId,
      });
      if (done) report.addsCompleted++;
      else report.addsFailed++;
      if (record) await notifier.invitationChanged(record);
    }
  }

  /**
   * Approved requests whose invitation has no outcome: claimed (ETag) once their lease has passed,
   * so a turn still working on one is left alone, and overlapping workers never both run it. The
   * invitation itself runs under its own claim, so it is never sent alongside another.
   */
  async finishApprovedRequests(report: CycleReport): Promise<void> {
    const { approvals, invite, notifier } = this.deps;
    for (const request of await approvals.claimUnfinished(this.claimLeaseMs())) {
      const team = { groupId: request.groupId, teamId: request.teamId, deepLink: teamDeepLink(request.teamId, request.groupId) };
      // The approval's own invitation may have been finished already (an interrupted claim, taken
      // over above): its record, written since the decision, is the request's outcome; inviting
      // again would only find the guest "already in team".
      const done = await this.deps.records.get(request.groupId, request.invite.email);
      const finishedSince = done?.invitationId !== undefined && request.decidedAt !== undefined && done.updatedAt >= request.decidedAt;
      const outcome = finishedSince ? recordOutcome(done) : await inviteGuest(invite, team, request.decidedBy ?? request.requester, request.invite);
      // Still under way elsewhere: the claim's lease runs out and a later cycle looks again.
      if (outcome.kind === 'inProgress') continue;
      const updated = await approvals.patch(request.groupId, request.id, (r) => (r.outcome ? {} : { outcome }));
      report.requestsFinished++;
      if (updated) await notifier.requestChanged(updated);
    }
  }

  private claimLeaseMs(): number {
    return this.deps.invite.intents?.leaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  }

  /**
   * Invitations whose claim's lease expired (the process died, or the turn left an unconfirmed
   * answer to be checked): taken over and continued from their phase. One that reached 'inviting'
   * is looked up, never sent again; its cards are updated with the outcome.
   */
  async finishInterruptedInvitations(report: CycleReport): Promise<void> {
    const { invite } = this.deps;
    if (!invite.intents) return;
    for (const intent of await invite.intents.expired()) {
      const claim = await invite.intents.takeOverExpired(intent);
      if (!claim) continue;
      const outcome = await runClaimed(invite, claim);
      this.deps.log?.('info', 'interrupted invitation finished', { outcome: outcome.kind, phase: intent.phase ?? 'unknown', groupId: intent.team.groupId });
      report.invitationsFinished++;
    }
  }

  async trackRedemptions(report: CycleReport): Promise<void> {
    const { records, directory, audit, notifier, now } = this.deps;
    const pending = (await records.listAll()).filter((r) => r.state === 'PendingAcceptance' && r.userId && !r.removal);
    const byUser = new Map<string, InvitationRecord[]>();
    for (const r of pending) byUser.set(r.userId!, [...(byUser.get(r.userId!) ?? []), r]);
    const ids = [...byUser.keys()];
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const users = await directory.getUsers(ids.slice(i, i + ID_CHUNK));
      for (const user of users.filter((u) => u.externalUserState === 'Accepted')) {
        for (const r of byUser.get(user.id) ?? []) {
          const updated = await records.update(r.groupId, r.email, (x) => ({
            ...x,
            state: 'Accepted',
            stateChangedAt: user.externalUserStateChangeDateTime ?? now().toISOString(),
            updatedAt: now().toISOString(),
          }));
          await audit.append({
            at: now().toISOString(),
            groupId: r.groupId,
            teamId: r.teamId,
            actor: { id: user.id, name: user.displayName },
            action: 'redeem',
            subject: r.email,
            outcome: 'Accepted',
            userId: user.id,
          });
          report.redeemed++;
          if (updated) await notifier.invitationChanged(updated);
        }
      }
    }
  }

  /**
   * Deletes what has outlived its use. Request-time code never scans collections; this runs in the
   * background under the lease, and deletes at most `maxDeletesPerCycle` of each kind per cycle.
   */
  async applyRetention(report: CycleReport): Promise<void> {
    const r = this.deps.retention;
    if (!r) return;
    const limit = r.maxDeletesPerCycle ?? 500;
    await this.step('retention of export links', async () => void (report.exportsDeleted = await r.exports.deleteExpired(limit)));
    await this.step('retention of bulk previews', async () => void (report.previewsDeleted = await r.bulkJobs.deleteUnconfirmed(r.previewRetentionMs, this.deps.now(), limit)));
    await this.step('retention of requests', async () => void (report.requestsDeleted = await this.deps.approvals.deleteDecided(r.decidedRequestRetentionMs, limit)));
    if (report.exportsDeleted + report.previewsDeleted + report.requestsDeleted > 0) {
      this.deps.log?.('info', 'retention', { exports: report.exportsDeleted, previews: report.previewsDeleted, requests: report.requestsDeleted });
    }
  }

  async sendReminders(report: CycleReport): Promise<void> {
    const { approvals, notifier, now } = this.deps;
    for (const request of await approvals.dueForReminder(this.deps.reminderAfterMs)) {
      // Mark first: a reminder is sent at most once, even if posting it fails or instances overlap.
      let won = false;
      const marked = await approvals.patch(request.groupId, request.id, (r) => {
        won = !r.remindedAt;
        return won ? { remindedAt: now().toISOString() } : {};
      });
      if (marked && won) {
        await notifier.remind(marked);
        report.reminders++;
      }
    }
  }
}
