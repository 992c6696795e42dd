// Bulk invitations: the runner, one invitation scheduler per process shared by every job, and one
// budget per tenant (instances on one store take turns through the sender lease).
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { BulkRunner } from '../domain/bulk/bulkRunner';
import { DEFAULT_MARGIN_MS, RequestPacer, systemClock } from '../domain/bulk/pacer';
import { StoreSenderLease } from '../domain/bulk/senderLease';
import type { DocumentStore } from '../domain/store';
import type { BulkDirectory } from '../domain/bulk/bulkDirectory';
import { BulkInvitations } from '../teams/bulk';
import type { CardPublisher } from '../teams/proactive';
import type { TeamRoster } from '../teams/roster';
import type { AppOverrides } from './overrides';
import type { ProductServices } from './product';

export function bulkInvitations(
  config: AppConfig,
  w: { store: DocumentStore; bulkDirectory: BulkDirectory; p: ProductServices; publisher: CardPublisher; roster: TeamRoster; instanceId: string; logger: Logger },
  overrides: AppOverrides,
): BulkInvitations {
  const invitationWindowMs = overrides.invitationWindowMs ?? 5000;
  const { p, logger } = w;
  const pacer = new RequestPacer({ requestsPerWindow: config.bulk.invitationsPer5s, windowMs: invitationWindowMs }, systemClock, {
    lease: new StoreSenderLease(w.store, w.instanceId, {
      windowMs: invitationWindowMs,
      marginMs: DEFAULT_MARGIN_MS,
      // A shorter lease keeps the same proportions: send only with half of it left, renew six times per lease.
      ...(overrides.senderLeaseMs ? { leaseMs: overrides.senderLeaseMs, guardMs: overrides.senderLeaseMs / 2, renewEveryMs: overrides.senderLeaseMs / 6 } : {}),
    }),
    onLeaseError: (e) => logger.warn({ err: e }, 'invitation sender lease'),
  });
  const runner = new BulkRunner({
    directory: w.bulkDirectory,
    jobs: p.bulkJobs,
    records: p.records,
    pendingAdds: p.pendingAdds,
    audit: p.audit,
    pacer,
    instanceId: w.instanceId,
    options: { inviteConcurrency: config.bulk.inviteConcurrency, ...(overrides.bulkLeaseMs ? { leaseMs: overrides.bulkLeaseMs } : {}) },
    rules: { ...config.policy },
    log: logger,
  });
  return new BulkInvitations({
    jobs: p.bulkJobs,
    runner,
    audit: p.audit,
    roles: p.roles,
    policy: config.policy,
    publisher: w.publisher,
    viewers: (turn, team, first) => w.roster.ownersAnd(turn, team, first),
    logger,
  });
}
