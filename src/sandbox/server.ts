// The HTTPS listener: one origin serves Entra, Graph /v1.0, the control plane and the human
// pages, because @azure/identity's authorityHost and the Graph client's baseUrl both point at it.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { handleControl } from './control';
import type { SandboxCore } from './core';
import { entraFaultResponse, handleEntra } from './entra';
import { faultLabel, type FaultHit } from './faults';
import { runBatch, segmentsOf } from './graph/batch';
import { GraphError, type GraphResponse } from './graph/context';
import { errorBody, faultResponse, prepareGraph, type CallInfo } from './graph/pipeline';
import { overviewPage, redeemedPage, redeemPage } from './page';

const MAX_BODY = 1024 * 1024;

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

// writeHead is not chained: restify, when loaded in the same process, patches ServerResponse.
function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: unknown): void {
  if (body === undefined || status === 204) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

const sendHtml = (res: ServerResponse, status: number, html: string): void =>
  send(res, status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, html);

/** Form bodies are logged without the client secret. */
function redactForm(raw: string): Record<string, string> {
  const out = Object.fromEntries(new URLSearchParams(raw));
  if ('client_secret' in out) out.client_secret = '***';
  return out;
}

export class SandboxServer {
  readonly https: Server;
  /** Every open connection, so that close() can end hung requests too. */
  private readonly sockets = new Set<Socket>();
  /** Aborted by close(): ends the waits of hanging faults. */
  private readonly closing = new AbortController();

  constructor(
    private readonly core: SandboxCore,
    tls: { cert: string; key: string },
  ) {
    this.https = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // Last resort: never let a request crash the process or hang the client.
        console.error('sandbox: unhandled error', err);
        if (!res.headersSent) {
          const id = randomUUID();
          const r = errorBody(500, 'InternalServerError', 'An internal server error occurred in the sandbox tenant.', { requestId: id, clientRequestId: id });
          send(res, r.status, { ...r.headers, 'request-id': id, 'client-request-id': id }, r.body);
        } else res.destroy();
      });
    });
    this.https.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Stops listening and ends every connection, hung ones included. */
  close(): Promise<void> {
    this.closing.abort();
    return new Promise<void>((ok, fail) => {
      this.https.close((err) => (err ? fail(err) : ok()));
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** Waits `ms`; false when the sandbox closed meanwhile. */
  private pause(ms: number): Promise<boolean> {
    return delay(ms, true, { signal: this.closing.signal }).catch(() => false);
  }

  /**
   * Answers a request an injected fault hit (FaultRule in types.ts): the effect before or after,
   * then an error, a reset connection, or a held one.
   */
  private async answerFault(
    req: IncomingMessage,
    res: ServerResponse,
    hit: FaultHit,
    perform: () => GraphResponse,
    errorFor: (hit: FaultHit) => GraphResponse,
    log: (status: number, fault: string) => void,
    idHeaders: Record<string, string>,
  ): Promise<void> {
    const label = faultLabel(hit);
    const effect = hit.when === 'after' ? perform() : undefined;
    if (hit.kind === 'reset') {
      log(0, label);
      req.socket.destroy();
      return;
    }
    if (hit.kind === 'hang') {
      log(0, label);
      // Without hangMs the answer never comes: the socket is held until the client gives up or close().
      if (hit.hangMs === undefined || !(await this.pause(hit.hangMs))) return;
      const late = hit.status !== undefined ? errorFor(hit) : (effect ?? perform());
      if (!res.destroyed && !req.socket.destroyed) send(res, late.status, { ...late.headers, ...idHeaders }, late.body);
      return;
    }
    const answer = errorFor(hit);
    log(answer.status, label);
    send(res, answer.status, { ...answer.headers, ...idHeaders }, answer.body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { ctx } = this.core;
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const segments = segmentsOf(url.pathname);
    const headers = lowerHeaders(req);
    const requestId = randomUUID();
    const info: CallInfo = { requestId, clientRequestId: headers['client-request-id'] ?? requestId };
    const idHeaders = { 'request-id': info.requestId, 'client-request-id': info.clientRequestId };

    let rawBody = '';
    try {
      rawBody = await readBody(req);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      const r = errorBody(413, 'RequestEntityTooLarge', 'The request body is too large.', info);
      send(res, r.status, { ...r.headers, ...idHeaders }, r.body);
      return;
    }

    // Control plane and human pages: no latency, not logged (they are not the bot's traffic).
    if (segments[0] === '_sandbox') {
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        send(res, 400, { 'content-type': 'application/json' }, { error: 'invalid JSON' });
        return;
      }
      const r = handleControl(this.core, method, segments, body);
      if (r) send(res, r.status, { 'content-type': 'application/json; charset=utf-8' }, r.body);
      else send(res, 404, { 'content-type': 'application/json' }, { error: `no control route ${method} ${url.pathname}` });
      return;
    }
    if (segments.length === 0 && method === 'GET') {
      sendHtml(res, 200, overviewPage(ctx.directory.snapshot(ctx.seed.tenant.id), ctx.seed.tenant.displayName));
      return;
    }
    if (segments.length === 1 && segments[0] === 'redeem') {
      this.redeem(res, method, method === 'POST' ? new URLSearchParams(rawBody).get('ticket') : url.searchParams.get('ticket'));
      return;
    }
    if (segments[0] === 'favicon.ico') {
      send(res, 404, {});
      return;
    }

    if (ctx.settings.latencyMs > 0) await delay(ctx.settings.latencyMs);
    const query = Object.fromEntries(url.searchParams);
    const log = (status: number, path: string, body: unknown, fault?: string): void =>
      this.core.record({ method, path, query, status, at: new Date().toISOString(), ...(body !== undefined ? { body } : {}), ...(fault ? { fault } : {}) });

    let result: GraphResponse;
    let loggedBody: unknown;
    if (segments[0] === 'v1.0') {
      let body: unknown;
      try {
        body = rawBody.trim() ? JSON.parse(rawBody) : undefined;
      } catch {
        result = errorBody(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.', info);
        log(result.status, url.pathname, rawBody);
        send(res, result.status, { ...result.headers, ...idHeaders }, result.body);
        return;
      }
      loggedBody = body;
      const graphSegments = segments.slice(1);
      const graphReq = { method, path: `/${graphSegments.join('/')}`, segments: graphSegments, query: url.searchParams, headers, body };
      if (graphSegments.length === 1 && graphSegments[0] === '$batch' && method === 'POST') {
        const batch = (): GraphResponse => runBatch(ctx, graphReq, info, (item) => {
          this.core.record({
            method: item.method,
            path: `/v1.0${item.path}`,
            query: Object.fromEntries(item.query),
            status: item.status,
            at: new Date().toISOString(),
            ...(item.body !== undefined ? { body: item.body } : {}),
            batchItemId: item.id,
          });
        });
        // A fault on /$batch itself hits the whole batch; item rules apply inside runBatch.
        const hit = ctx.faults.take(method, '/$batch');
        if (hit) {
          const logFault = (status: number, fault: string): void => log(status, url.pathname, loggedBody, fault);
          await this.answerFault(req, res, hit, batch, (h) => faultResponse(h, info), logFault, idHeaders);
          return;
        }
        result = batch();
      } else {
        const call = prepareGraph(ctx, graphReq, info);
        if (call.fault) {
          const logFault = (status: number, fault: string): void => log(status, url.pathname, loggedBody, fault);
          await this.answerFault(req, res, call.fault, call.perform, (hit) => faultResponse(hit, info), logFault, idHeaders);
          return;
        }
        result = call.perform();
      }
    } else {
      const entra = handleEntra(ctx, { method, segments, headers, rawBody });
      if (entra) {
        result = entra;
        loggedBody = rawBody ? redactForm(rawBody) : undefined;
        // Entra's answers have no side effect: 'before' and 'after' differ only for a late answer.
        const hit = ctx.faults.take(method, `/${segments.join('/')}`);
        if (hit) {
          const logFault = (status: number, fault: string): void => log(status, url.pathname, loggedBody, fault);
          await this.answerFault(req, res, hit, () => entra, entraFaultResponse, logFault, idHeaders);
          return;
        }
      } else {
        const err =
          segments[0] === 'beta'
            ? new GraphError(400, 'BadRequest', 'The sandbox tenant serves only Microsoft Graph /v1.0.')
            : new GraphError(404, 'NotFound', `No sandbox route for ${method} ${url.pathname}.`);
        result = errorBody(err.status, err.code, err.message, info);
      }
    }
    log(result.status, url.pathname, loggedBody);
    send(res, result.status, { ...result.headers, ...idHeaders }, result.body);
  }

  private redeem(res: ServerResponse, method: string, ticket: string | null): void {
    const { ctx } = this.core;
    const user = ticket ? ctx.directory.userForTicket(ticket) : undefined;
    if (method === 'GET') {
      sendHtml(res, user ? 200 : 404, redeemPage(ticket ?? '', user, ctx.seed.tenant.displayName));
      return;
    }
    if (method !== 'POST' || !user || !ticket) {
      sendHtml(res, 404, redeemPage('', undefined, ctx.seed.tenant.displayName));
      return;
    }
    if (user.externalUserState !== 'Accepted') ctx.directory.redeem(user);
    const inv = ctx.directory.snapshot(ctx.seed.tenant.id).invitations.find((i) => i.inviteRedeemUrl.endsWith(`ticket=${ticket}`));
    sendHtml(res, 200, redeemedPage(user, inv?.inviteRedirectUrl));
  }
}
