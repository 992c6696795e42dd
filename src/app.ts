// Composition: builds the product from configuration. src/index.ts calls this and listens;
// tests call it in-process with their own configuration.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import type { Logger } from 'pino';
import type { AppConfig } from './config';
import { ApprovalRequests } from './domain/approvals';
import { AuditLog } from './domain/audit';
import type { GuestDirectory } from './domain/directory';
import { defaultSleep, type InviteDeps } from './domain/invite';
import { InvitationRecords } from './domain/invitationRecords';
import { PendingAdds } from './domain/pendingAdds';
import { TeamRoles } from './domain/roles';
import type { DocumentStore } from './domain/store';
import { TtlCache } from './domain/ttlCache';
import { createGraphClient, createGraphCredential } from './graph/graphClient';
import { GraphDirectory } from './graph/graphDirectory';
import { createHttpServer } from './http/server';
import { FileStore } from './store/fileStore';
import { GuestPassAdapter } from './teams/adapter';
import { GuestPassBot } from './teams/bot';
import { TeamResolver } from './teams/teamContext';
import { textsFor } from './text/en';

export interface App {
  server: Server;
  adapter: GuestPassAdapter;
  store: DocumentStore;
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

export interface AppOverrides {
  directory?: GuestDirectory;
  store?: DocumentStore;
  memberAddBackoffMs?: number[];
}

export function createApp(config: AppConfig, logger: Logger, overrides: AppOverrides = {}): App {
  const { credential, kind } = createGraphCredential(config.graph);
  logger.info({ graph: config.graph.baseUrl, authority: config.graph.authorityHost, credential: kind, anonymousBot: config.bot.anonymous }, 'starting');
  if (config.bot.anonymous) logger.warn('BOT_ALLOW_ANONYMOUS=true: requests are NOT authenticated. Local tools only, never production.');

  const directory = overrides.directory ?? new GraphDirectory(createGraphClient(config.graph, credential));
  const store = overrides.store ?? new FileStore(path.resolve(config.dataDir));
  const records = new InvitationRecords(store);
  const audit = new AuditLog(store);
  const pendingAdds = new PendingAdds(store);
  const roles = new TeamRoles(directory);

  const invite: InviteDeps = {
    directory,
    records,
    pendingAdds,
    audit,
    rules: { ...config.policy },
    memberAddBackoffMs: overrides.memberAddBackoffMs ?? [500, 1000, 1500],
    sleep: defaultSleep,
    now: () => new Date(),
    verifiedDomainsCache: new TtlCache(60 * 60_000),
  };

  const adapter = new GuestPassAdapter(config.bot);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const ref = randomUUID();
    logger.error({ err: error, ref, activityId: context.activity.id }, 'turn failed');
    const text = textsFor(context.activity.locale).somethingWentWrong(ref);
    if (context.activity.type === ActivityTypes.Invoke) {
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
      });
    } else {
      await context.sendActivity(text);
    }
  };

  const bot = new GuestPassBot({
    policy: config.policy,
    allowedTenants: config.allowedTenants,
    teams: new TeamResolver(),
    roles,
    invite,
    records,
    approvals: new ApprovalRequests(store),
    directory,
    logger,
  });

  const server = createHttpServer({
    adapter,
    bot,
    logger,
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

  return {
    server,
    adapter,
    store,
    listen: (port) =>
      new Promise((resolve) => {
        server.listen(port, () => resolve((server.address() as { port: number }).port));
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
      }),
  };
}
