// The product's services over one store and one directory: records, audit, pending adds, roles,
// the invitation's dependencies, approvals, exports, the guest lifecycle and background work.
import type { AppConfig } from '../config';
import { ApprovalRequests } from '../domain/approval/approvals';
import { AuditLog } from '../domain/audit/audit';
import { AuditExports, DEFAULT_EXPORT_TTL_MS } from '../domain/audit/export';
import { BackgroundWork, DEFAULT_DECIDED_REQUEST_RETENTION_MS, DEFAULT_PREVIEW_RETENTION_MS } from '../domain/backgroundWork';
import { BulkJobs } from '../domain/bulk/bulkJob';
import type { GuestDirectory } from '../domain/directory';
import { InviteIntents } from '../domain/invitation/intents';
import { defaultSleep, type InviteDeps } from '../domain/invitation/deps';
import { PendingAdds } from '../domain/invitation/pendingAdds';
import { InvitationRecords } from '../domain/invitation/records';
import { GuestLifecycle, lifecycleTimes, type LifecycleNotifier } from '../domain/lifecycle/lifecycle';
import type { ChangeNotifier } from '../domain/notifier';
import { TeamRoles } from '../domain/roles';
import type { DocumentStore } from '../domain/store';
import { TtlCache } from '../domain/ttlCache';
import type { AppOverrides } from './overrides';

export type DomainLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export function productServices(store: DocumentStore, directory: GuestDirectory, overrides: AppOverrides) {
  const records = new InvitationRecords(store);
  const audit = new AuditLog(store);
  const pendingAdds = new PendingAdds(store, () => new Date(), overrides.pendingAddFirstRetryMs);
  const roles = new TeamRoles(directory);
  const approvals = new ApprovalRequests(store);
  const exports = new AuditExports(store, audit, overrides.exportTtlMs ?? DEFAULT_EXPORT_TTL_MS);
  const bulkJobs = new BulkJobs(store);
  return { records, audit, pendingAdds, roles, approvals, exports, bulkJobs };
}

export type ProductServices = ReturnType<typeof productServices>;

/** The invitation use case's dependencies; `notifier` updates the cards that wait for an outcome. */
export function inviteDeps(config: AppConfig, store: DocumentStore, directory: GuestDirectory, p: ProductServices, notifier: ChangeNotifier, log: DomainLog, overrides: AppOverrides): InviteDeps {
  return {
    directory,
    records: p.records,
    pendingAdds: p.pendingAdds,
    audit: p.audit,
    intents: new InviteIntents(store, () => new Date(), overrides.claimLeaseMs),
    notifier,
    lookupRetryMs: overrides.lookupRetryMs,
    storeRetryMs: overrides.storeRetryMs,
    log,
    rules: { ...config.policy },
    memberAddBackoffMs: overrides.memberAddBackoffMs ?? [500, 1000, 1500],
    sleep: defaultSleep,
    now: () => new Date(),
    verifiedDomainsCache: new TtlCache(60 * 60_000),
  };
}

export function guestLifecycle(config: AppConfig, directory: GuestDirectory, p: ProductServices, notifier: LifecycleNotifier, log: DomainLog): GuestLifecycle {
  return new GuestLifecycle({
    records: p.records,
    remover: directory,
    audit: p.audit,
    freshOwnerIds: (groupId) => p.roles.freshOwnerIds(groupId),
    notifier,
    times: lifecycleTimes(config.lifecycle),
    now: () => new Date(),
    log,
  });
}

/** Background work: pending adds, redemptions, reminders, crash recovery, retention, reviews. */
export function backgroundWork(
  config: AppConfig,
  w: { store: DocumentStore; directory: GuestDirectory; p: ProductServices; invite: InviteDeps; notifier: ChangeNotifier; lifecycle: GuestLifecycle; instanceId: string; log: DomainLog },
  overrides: AppOverrides,
): BackgroundWork {
  // Stored pending adds are retried every check period at first, then less often (at most every 15 minutes).
  const periodMs = config.redemptionCheckSeconds * 1000;
  const pendingAddBackoffMs = overrides.pendingAddBackoffMs ?? [1, 1, 2, 4, 8, 16].map((k) => Math.min(900_000, Math.max(0, k * periodMs - 1000)));
  const { p } = w;
  return new BackgroundWork({
    store: w.store,
    directory: w.directory,
    records: p.records,
    pendingAdds: p.pendingAdds,
    approvals: p.approvals,
    audit: p.audit,
    invite: w.invite,
    notifier: w.notifier,
    now: () => new Date(),
    instanceId: w.instanceId,
    reminderAfterMs: overrides.reminderAfterMs ?? config.approvalReminderHours * 3_600_000,
    pendingAddBackoffMs,
    // Renewed every cycle; after a crash another instance (or the restarted one) takes over within two periods.
    leaseMs: overrides.backgroundLeaseMs ?? config.redemptionCheckSeconds * 2000 + 5000,
    log: w.log,
    retention: {
      exports: p.exports,
      bulkJobs: p.bulkJobs,
      previewRetentionMs: overrides.previewRetentionMs ?? DEFAULT_PREVIEW_RETENTION_MS,
      decidedRequestRetentionMs: overrides.decidedRequestRetentionMs ?? DEFAULT_DECIDED_REQUEST_RETENTION_MS,
    },
    lifecycle: w.lifecycle,
  });
}
