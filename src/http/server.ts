// The HTTP surface: POST /api/messages for the channel, GET /healthz and /readyz for the host.
// Built in a function so tests run it in-process; listen() is called by src/index.ts.
import restify, { type Response, type Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BotHost, IncomingActivity, TurnLogic } from '../teams/turn';
import { BodyRefused, MAX_ACTIVITY_BYTES, readJsonBody, refusalByHeaders } from './body';

export interface HttpDeps {
  /** The bot SDK that authenticates and runs turns (src/hosts/*). */
  host: BotHost;
  bot: { run: TurnLogic };
  logger: Logger;
  /** Short-lived, one-time audit export links (GET /exports/{groupId}/{token}.csv). */
  exports: { download(groupId: string, token: string): Promise<{ csv: string; groupId: string } | undefined> };
  /** Store and Graph token reachable: what /readyz reports. */
  readiness: () => Promise<Record<string, boolean>>;
}

// The least an activity needs for the adapter to process it; anything else is a 400, not a 500.
const activityShape = z.looseObject({
  type: z.string().min(1),
  serviceUrl: z.string().url().optional(),
  conversation: z.looseObject({ id: z.string().min(1) }),
  from: z.looseObject({ id: z.string() }),
  recipient: z.looseObject({ id: z.string() }),
  channelId: z.string().optional(),
  id: z.string().optional(),
  text: z.string().optional(),
});

const refusalError = { 400: 'BadRequest', 413: 'PayloadTooLarge', 415: 'UnsupportedMediaType' } as const;

/** Answers a refused body and closes the connection, so the rest of it is not read. */
function refuseBody(res: Response, refusal: BodyRefused): void {
  res.setHeader('connection', 'close');
  res.send(refusal.status, { error: refusalError[refusal.status], message: refusal.message });
}

/** The HTTP server as the rest of the product sees it. */
export type HttpServer = Server;

export function createHttpServer(deps: HttpDeps): HttpServer {
  const server = restify.createServer({ name: 'guest-pass' });
  // Slow or idle clients cannot hold connections: headers within 10 s, the whole request within
  // 30 s (an activity of MAX_ACTIVITY_BYTES takes far less), idle keep-alive closed after 5 s
  // (Node's default, stated). Node checks the first two every 30 s, so they end within 40 and 60 s.
  server.server.headersTimeout = 10_000;
  server.server.requestTimeout = 30_000;
  server.server.keepAliveTimeout = 5_000;

  // Before routing, so every route (and every unknown path) follows the same rule: only
  // POST /api/messages takes a body; anything else that carries one is refused unread.
  server.pre((req, res, next) => {
    const messages = req.method === 'POST' && req.getPath() === '/api/messages';
    const refusal = refusalByHeaders(req, messages ? MAX_ACTIVITY_BYTES : 0);
    if (refusal) {
      refuseBody(res, refusal);
      return next(false);
    }
    return next();
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    const checks = await deps.readiness().catch(() => ({ readiness: false }));
    const ready = Object.values(checks).every(Boolean);
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
  });

  // The link names the team and carries the token; both must match one stored grant. Every refusal
  // (unknown, another team's, expired, already used) is the same 404, so the answer tells nothing.
  // Neither the token nor the path is ever logged.
  server.get('/exports/:groupId/:file', async (req, res) => {
    const groupId = String(req.params.groupId ?? '');
    const token = String(req.params.file ?? '').replace(/\.csv$/, '');
    const found = await deps.exports.download(groupId, token).catch((e: unknown) => {
      // The error's name and status only: a store error's message can carry the document key (the token).
      const status = (e as { statusCode?: unknown } | undefined)?.statusCode;
      deps.logger.error({ err: { name: e instanceof Error ? e.name : typeof e, status } }, 'audit export failed');
      return undefined;
    });
    if (!found) {
      res.send(404, {
        error: 'NotFound',
        message: 'This link has expired, has already been used, or does not exist. Ask Guest Pass for a new one with /audit.',
      });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="guest-pass-audit.csv"',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(found.csv);
  });

  server.post('/api/messages', async (req, res) => {
    let body: unknown;
    try {
      body = await readJsonBody(req, MAX_ACTIVITY_BYTES);
    } catch (e) {
      if (!(e instanceof BodyRefused)) throw e;
      refuseBody(res, e);
      return;
    }
    const parsed = activityShape.safeParse(body);
    if (!parsed.success) {
      res.send(400, { error: 'BadRequest', message: 'The request body is not a Bot Framework activity.' });
      return;
    }
    const activity = parsed.data as unknown as IncomingActivity;
    try {
      const result = await deps.host.run(req.header('authorization') ?? '', activity, (turn) => deps.bot.run(turn));
      if (result.kind === 'unauthorized') {
        deps.logger.warn({ reason: result.reason }, 'request refused: authentication failed');
        res.send(401, { error: 'Unauthorized' });
      } else if (result.kind === 'rejected') {
        deps.logger.warn({ reason: result.reason }, 'request refused: activity could not be processed');
        res.send(400, { error: 'BadRequest', message: 'The activity could not be processed.' });
      } else if (result.invokeResponse) {
        res.send(result.invokeResponse.status, result.invokeResponse.body);
      } else {
        res.send(200);
      }
    } catch (e) {
      // The turn ran but even the error reply failed (the connector is unreachable): the activity
      // was received, so the channel must not retry it as if the bot were down.
      deps.logger.error({ err: e }, 'turn failed after it started');
      res.send(200);
    }
  });

  return server;
}
