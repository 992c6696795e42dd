// Composition: builds the product from configuration. src/index.ts calls this and listens;
// tests call it in-process with their own configuration.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AppConfig } from './config';
import { ApprovalRequests } from './domain/approval/approvals';
import { AuditLog } from './domain/audit/audit';
import { AuditExports, DEFAULT_EXPORT_TTL_MS } from './domain/audit/export';
import { BackgroundWork, DEFAULT_DECIDED_REQUEST_RETENTION_MS, DEFAULT_PREVIEW_RETENTION_MS } from './domain/backgroundWork';
import type { BulkDirectory } from './domain/bulk/bulkDirectory';
import { BulkJobs } from './domain/bulk/bulkJob';
import { BulkRunner } from './domain/bulk/bulkRunner';
import { DEFAULT_MARGIN_MS, RequestPacer, systemClock } from './domain/bulk/pacer';
import { StoreSenderLease } from './domain/bulk/senderLease';
import { GraphBulkDirectory } from './graph/graphBulk';
import { BulkInvitations } from './teams/bulk';
import { GuestRemovals } from './teams/removal';
import type { GuestDirectory } from './domain/directory';
import { defaultSleep, type InviteDeps } from './domain/invitation/invite';
import { InvitationRecords } from './domain/invitation/records';
import { InviteIntents } from './domain/invitation/intents';
import { PendingAdds } from './domain/invitation/pendingAdds';
import { GuestLifecycle, lifecycleTimes } from './domain/lifecycle/lifecycle';
import { Removals } from './domain/lifecycle/removal';
import { TeamRoles } from './domain/roles';
import type { DocumentStore } from './domain/store';
import { TtlCache } from './domain/ttlCache';
import { createGraphClient, createGraphCredential } from './graph/graphClient';
import { GraphDirectory } from './graph/graphDirectory';
import { createHttpServer, type HttpServer } from './http/server';
import { createStore } from './store';
import { BotbuilderHost } from './hosts/botbuilder/host';
import type { BotHost } from './teams/turn';
import { GuestPassBot } from './teams/bot';
import { TeamRoster } from './teams/roster';
import { TeamResolver } from './teams/teamContext';
import { TeamsChangeNotifier } from './teams/cardUpdates';
import { TeamsCardPublisher } from './teams/proactive';
import { setDocsBaseUrl } from './text/docs';

export interface App {
  server: HttpServer;
  background: BackgroundWork;
  host: BotHost;
  store: DocumentStore;
  /** Listens on `host` (undefined: all interfaces), logs where and why, and resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export interface AppOverrides {
  directory?: GuestDirectory;
  store?: DocumentStore;
  memberAddBackoffMs?: number[];
  bulkDirectory?: BulkDirectory;
  /** Shorter waits for tests: first retry of a pending add, its backoff, the reminder age. */
  pendingAddFirstRetryMs?: number;
  pendingAddBackoffMs?: number[];
  reminderAfterMs?: number;
  /** Life of an audit export link (default 5 minutes). */
  exportTtlMs?: number;
  /** Retention: unconfirmed bulk previews (default 24 h), finished requests after the decision (default 30 days). */
  previewRetentionMs?: number;
  decidedRequestRetentionMs?: number;
  /** Wraps the Graph directory (tests inject faults at the directory port this way). */
  wrapDirectory?: (directory: GuestDirectory) => GuestDirectory;
  /** How long a message turn and a card action wait for an invitation before answering with a working card (default 8 s, 4 s). */
  messageDeadlineMs?: number;
  invokeDeadlineMs?: number;
  /** Lease of an invitation's claim (default 60 s), look-ups after an ambiguous answer, store write retries. */
  claimLeaseMs?: number;
  lookupRetryMs?: number[];
  storeRetryMs?: number[];
  /** Graph's invitation window (5 s); tests shorten it together with the sandbox's. */
  invitationWindowMs?: number;
  /** Lease of a running bulk job (default 15 s): how long a dead process keeps others off its job. */
  bulkLeaseMs?: number;
  /** Lease of the background work (default 2 cycles + 5 s): how long a dead process keeps others from it. */
  backgroundLeaseMs?: number;
  /** Lease of the tenant-wide invitation sender (default 30 s): how long a dead process keeps others from sending. */
  senderLeaseMs?: number;
}

export function createApp(config: AppConfig, logger: Logger, overrides: AppOverrides = {}): App {
  setDocsBaseUrl(config.docsBaseUrl);
  const { credential, kind } = createGraphCredential(config.graph);
  logger.info({ graph: config.graph.baseUrl, authority: config.graph.authorityHost, credential: kind, anonymousBot: config.bot.anonymous }, 'starting');
  if (config.bot.anonymous) logger.warn('BOT_ALLOW_ANONYMOUS=true: requests are NOT authenticated. Local tools only, never production.');

  const graphClient = createGraphClient(config.graph, credential);
  const graphDirectory = new GraphDirectory(graphClient);
  const directory = (overrides.wrapDirectory ?? ((d: GuestDirectory) => d))(overrides.directory ?? graphDirectory);
  const store = overrides.store ?? createStore(config, credential);
  const records = new InvitationRecords(store);
  const audit = new AuditLog(store);
  const pendingAdds = new PendingAdds(store, () => new Date(), overrides.pendingAddFirstRetryMs);
  // Stored pending adds are retried every check period at first, then less often (at most every 15 minutes).
  const periodMs = config.redemptionCheckSeconds * 1000;
  const pendingAddBackoffMs = overrides.pendingAddBackoffMs ?? [1, 1, 2, 4, 8, 16].map((k) => Math.min(900_000, Math.max(0, k * periodMs - 1000)));
  const roles = new TeamRoles(directory);
  const roster = new TeamRoster(roles, logger);
  const host: BotHost = new BotbuilderHost(config.bot, logger);
  const publisher = new TeamsCardPublisher(host);
  const notifier = new TeamsChangeNotifier(publisher, roster, config.policy.redeemLinkAudience);
  const log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => logger[level](fields ?? {}, message);

  const invite: InviteDeps = {
    directory,
    records,
    pendingAdds,
    audit,
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

  const lifecycle = new GuestLifecycle({
    records,
    remover: directory,
    audit,
    freshOwnerIds: (groupId) => roles.freshOwnerIds(groupId),
    notifier,
    times: lifecycleTimes(config.lifecycle),
    now: () => new Date(),
    log,
  });
  const approvals = new ApprovalRequests(store);
  const exports = new AuditExports(store, audit, overrides.exportTtlMs ?? DEFAULT_EXPORT_TTL_MS);
  const bulkJobs = new BulkJobs(store);
  const invitationWindowMs = overrides.invitationWindowMs ?? 5000;
  const instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const background = new BackgroundWork({
    store,
    directory,
    records,
    pendingAdds,
    approvals,
    audit,
    invite,
    notifier,
    now: () => new Date(),
    instanceId,
    reminderAfterMs: overrides.reminderAfterMs ?? config.approvalReminderHours * 3_600_000,
    pendingAddBackoffMs,
    // Renewed every cycle; after a crash another instance (or the restarted one) takes over within two periods.
    leaseMs: overrides.backgroundLeaseMs ?? config.redemptionCheckSeconds * 2000 + 5000,
    log,
    retention: {
      exports,
      bulkJobs,
      previewRetentionMs: overrides.previewRetentionMs ?? DEFAULT_PREVIEW_RETENTION_MS,
      decidedRequestRetentionMs: overrides.decidedRequestRetentionMs ?? DEFAULT_DECIDED_REQUEST_RETENTION_MS,
    },
    lifecycle,
  });

  const bulk = new BulkInvitations({
    jobs: bulkJobs,
    runner: new BulkRunner({
      directory: overrides.bulkDirectory ?? new GraphBulkDirectory(graphClient, graphDirectory),
      jobs: bulkJobs,
      records,
      pendingAdds,
      audit,
      // One scheduler per process, every bulk job sharing it; one budget per tenant: instances on one
      // store take turns through the invitation sender lease (src/domain/bulk/senderLease.ts).
      pacer: new RequestPacer({ requestsPerWindow: config.bulk.invitationsPer5s, windowMs: invitationWindowMs }, systemClock, {
        lease: new StoreSenderLease(store, instanceId, {
          windowMs: invitationWindowMs,
          marginMs: DEFAULT_MARGIN_MS,
          // A shorter lease keeps the same proportions: send only with half of it left, renew six times per lease.
          ...(overrides.senderLeaseMs ? { leaseMs: overrides.senderLeaseMs, guardMs: overrides.senderLeaseMs / 2, renewEveryMs: overrides.senderLeaseMs / 6 } : {}),
        }),
        onLeaseError: (e) => logger.warn({ err: e }, 'invitation sender lease'),
      }),
      instanceId,
      options: { inviteConcurrency: config.bulk.inviteConcurrency, ...(overrides.bulkLeaseMs ? { leaseMs: overrides.bulkLeaseMs } : {}) },
      rules: { ...config.policy },
      log: logger,
    }),
    audit,
    roles,
    policy: config.policy,
    publisher,
    viewers: (turn, team, first) => roster.ownersAnd(turn, team, first),
    logger,
  });

  const bot = new GuestPassBot({
    policy: config.policy,
    allowedTenants: config.allowedTenants,
    teams: new TeamResolver(),
    roles,
    roster,
    invite,
    records,
    approvals,
    exports,
    bulk,
    removal: new GuestRemovals({ directory, roles, records, audit, removals: new Removals(store), now: invite.now }),
    publicBaseUrl: config.publicBaseUrl,
    directory,
    publisher,
    deadlines: { messageMs: overrides.messageDeadlineMs ?? 8000, invokeMs: overrides.invokeDeadlineMs ?? 4000 },
    notifier,
    lifecycle,
    logger,
  });

  const server = createHttpServer({
    host,
    bot,
    logger,
    exports,
    readiness: async () => {
      const [storeOk, graphOk] = await Promise.all([
        store.ping().catch(() => false),
        credential
          .getToken('https://graph.microsoft.com/.default')
          .then((t) => t !== null)
          .catch(() => false),
      ]);
      return { store: storeOk, graphToken: graphOk };
    },
  });

  // Background work every REDEMPTION_CHECK_SECONDS; one cycle at a time, stopped on close.
  let timer: NodeJS.Timeout | undefined;
  let cycle: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      cycle = background
        .runOnce()
        .catch((e: unknown) => logger.error({ err: e }, 'background cycle failed'))
        .finally(() => {
          if (timer) schedule();
        });
    }, config.redemptionCheckSeconds * 1000);
    timer.unref();
  };

  return {
    server,
    background,
    host,
    store,
    listen: (port, host) =>
      new Promise((resolve) => {
        server.listen({ port, host }, () => {
          const address = server.address() as AddressInfo;
          logListening(logger, address, config.bot.anonymous);
          schedule();
          void bulk.resumeAll().catch((e: unknown) => logger.error({ err: e }, 'bulk jobs not resumed'));
          resolve(address.port);
        });
      }),
    close: async () => {
      bulk.stop();
      clearTimeout(timer);
      timer = undefined;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cycle;
    },
  };
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** The start-up line: where the bot listens and, for an anonymous bot, why only there. */
function logListening(logger: Logger, { address, port }: AddressInfo, anonymous: boolean): void {
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}/api/messages`;
  const fields = { address, port, loopbackOnly: isLoopback(address) };
  if (!anonymous) {
    const scope = fields.loopbackOnly ? ', loopback only' : address === '::' || address === '0.0.0.0' ? ', all interfaces' : '';
    logger.info(fields, `Guest Pass listening on ${url}${scope}`);
  } else if (fields.loopbackOnly) {
    logger.info(
      fields,
      `Guest Pass listening on ${url}, loopback only: BOT_ALLOW_ANONYMOUS=true accepts requests without authentication, ` +
        'so only tools on this machine may reach it (HOST sets another address)',
    );
  } else {
    logger.warn(fields, `Guest Pass listening on ${url} with BOT_ALLOW_ANONYMOUS=true: anyone who reaches this address acts without authentication`);
  }
}
