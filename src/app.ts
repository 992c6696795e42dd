// Composition: builds the product from configuration. src/index.ts calls this and listens;
// tests call it in-process with their own configuration.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AppConfig } from './config';
import type { BackgroundWork } from './domain/backgroundWork';
import type { GuestDirectory } from './domain/directory';
import { Removals } from './domain/lifecycle/removal';
import type { DocumentStore } from './domain/store';
import { GraphBulkDirectory } from './graph/graphBulk';
import { createGraphClient, createGraphCredential } from './graph/graphClient';
import { GraphDirectory } from './graph/graphDirectory';
import { BotbuilderHost } from './hosts/botbuilder/host';
import { createHttpServer, type HttpServer } from './http/server';
import { createStore } from './store';
import { GuestPassBot } from './teams/bot';
import { TeamsChangeNotifier } from './teams/cardUpdates';
import { TeamsCardPublisher } from './teams/proactive';
import { GuestRemovals } from './teams/removal';
import { TeamRoster } from './teams/roster';
import { TeamResolver } from './teams/teamContext';
import type { BotHost } from './teams/turn';
import { setDocsBaseUrl } from './text/docs';
import { bulkInvitations } from './wiring/bulk';
import type { AppOverrides } from './wiring/overrides';
import { backgroundWork, guestLifecycle, inviteDeps, productServices, type DomainLog } from './wiring/product';

export interface App {
  server: HttpServer;
  background: BackgroundWork;
  host: BotHost;
  store: DocumentStore;
  /** Listens on `host` (undefined: all interfaces), logs where and why, and resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export type { AppOverrides } from './wiring/overrides';

export function createApp(config: AppConfig, logger: Logger, overrides: AppOverrides = {}): App {
  setDocsBaseUrl(config.docsBaseUrl);
  const { credential, kind } = createGraphCredential(config.graph);
  logger.info({ graph: config.graph.baseUrl, authority: config.graph.authorityHost, credential: kind, anonymousBot: config.bot.anonymous }, 'starting');
  if (config.bot.anonymous) logger.warn('BOT_ALLOW_ANONYMOUS=true: requests are NOT authenticated. Local tools only, never production.');
  const log: DomainLog = (level, message, fields) => logger[level](fields ?? {}, message);
  const instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  // Graph and the store: the product's two ports to the outside.
  const graphClient = createGraphClient(config.graph, credential);
  const graphDirectory = new GraphDirectory(graphClient);
  const directory = (overrides.wrapDirectory ?? ((d: GuestDirectory) => d))(overrides.directory ?? graphDirectory);
  const store = overrides.store ?? createStore(config, credential);
  const p = productServices(store, directory, overrides);

  // The bot SDK, and what Teams needs of it outside a turn.
  const host: BotHost = new BotbuilderHost(config.bot, logger);
  const roster = new TeamRoster(p.roles, logger);
  const publisher = new TeamsCardPublisher(host);
  const notifier = new TeamsChangeNotifier(publisher, roster, config.policy.redeemLinkAudience);

  const invite = inviteDeps(config, store, directory, p, notifier, log, overrides);
  const lifecycle = guestLifecycle(config, directory, p, notifier, log);
  const background = backgroundWork(config, { store, directory, p, invite, notifier, lifecycle, instanceId, log }, overrides);
  const bulkDirectory = overrides.bulkDirectory ?? new GraphBulkDirectory(graphClient, graphDirectory);
  const bulk = bulkInvitations(config, { store, bulkDirectory, p, publisher, roster, instanceId, logger }, overrides);

  const bot = new GuestPassBot({
    policy: config.policy,
    allowedTenants: config.allowedTenants,
    teams: new TeamResolver(),
    roles: p.roles,
    roster,
    invite,
    records: p.records,
    approvals: p.approvals,
    exports: p.exports,
    bulk,
    removal: new GuestRemovals({ directory, roles: p.roles, records: p.records, audit: p.audit, removals: new Removals(store), now: invite.now }),
    publicBaseUrl: config.publicBaseUrl,
    directory,
    publisher,
    deadlines: { messageMs: overrides.messageDeadlineMs ?? 8000, invokeMs: overrides.invokeDeadlineMs ?? 4000 },
    notifier,
    lifecycle,
    logger,
  });

  const readiness = async () => {
    const [storeOk, graphOk] = await Promise.all([
      store.ping().catch(() => false),
      credential
        .getToken('https://graph.microsoft.com/.default')
        .then((t) => t !== null)
        .catch(() => false),
    ]);
    return { store: storeOk, graphToken: graphOk };
  };
  const server = createHttpServer({ host, bot, logger, exports: p.exports, readiness });

  return {
    server,
    background,
    host,
    store,
    listen: (port, address) =>
      new Promise((resolve) => {
        server.listen({ port, host: address }, () => {
          const bound = server.address() as AddressInfo;
          logListening(logger, bound, config.bot.anonymous);
          // Background work every REDEMPTION_CHECK_SECONDS, one cycle at a time; bulk jobs a crash interrupted go on.
          background.start(config.redemptionCheckSeconds * 1000);
          void bulk.resumeAll().catch((e: unknown) => logger.error({ err: e }, 'bulk jobs not resumed'));
          resolve(bound.port);
        });
      }),
    close: async () => {
      bulk.stop();
      // No new cycle starts from here; one under way is waited for once the server is closed.
      const stopped = background.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopped;
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
