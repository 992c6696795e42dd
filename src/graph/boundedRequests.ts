// Every Graph request bounded: a timeout per attempt, and retries that are few, short and only
// where a second attempt cannot do the work twice. Two Graph SDK middlewares replace the default
// chain's RetryHandler (which waits up to 180 s per Retry-After and retries writes on 504) and
// HTTPMessageHandler (which has no timeout); graphClient.ts assembles the chain.
//
// Retry policy, per request (GraphRetryPolicy in the request's middlewareOptions; by default
// 'idempotent' for GET and 'preEffectOnly' for every other method):
//
// | answer                          | idempotent                 | preEffectOnly | none |
// | ------------------------------- | -------------------------- | ------------- | ---- |
// | 429                             | after Retry-After          | same          | no   |
// | 503 with Retry-After            | after Retry-After          | same          | no   |
// | 503 without, 504                | after a short backoff      | no            | no   |
// | connection lost (reset, closed) | after a short backoff      | no            | no   |
// | timeout, unreachable, others    | no                         | no            | no   |
//
// 429 is answered before Graph does anything. A 503 that carries Retry-After is Graph shedding
// load ("the service is temporarily unavailable ... You may repeat the request after a delay, the
// length of which may be specified in a Retry-After header", Graph's error reference): the request
// was turned away, not served, so repeating it is the documented answer. A 504, a 503 without
// Retry-After, a dropped connection or a timeout may come after the write took effect: repeating
// POST /invitations then would send a second invitation e-mail, so such a write is never repeated
// here; the caller gets an ambiguous error and looks up what exists. A Retry-After above
// maxRetryAfterMs is never waited in-call: the call fails at once (throttled) with the Retry-After
// in its trace, so that the caller can store the work for later.
import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';

export type RetryMode = 'idempotent' | 'preEffectOnly' | 'none';

/** Per request: `client.api(...).middlewareOptions([new GraphRetryPolicy('none')])`. */
export class GraphRetryPolicy implements MiddlewareOptions {
  constructor(readonly mode: RetryMode) {}
}

export interface RetryLimits {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** A longer Retry-After is not waited in-call. */
  maxRetryAfterMs: number;
  /** All the waits of one call together stay below this. */
  maxTotalWaitMs: number;
  /** First backoff when Graph gives no Retry-After; doubled on each retry. */
  backoffMs: number;
}

export const DEFAULT_RETRY_LIMITS: RetryLimits = { maxRetries: 3, maxRetryAfterMs: 10_000, maxTotalWaitMs: 20_000, backoffMs: 500 };

/** The names the Graph SDK passes on as the error's `code` (it keeps a thrown error's name). */
export const TRANSPORT_FAILURES = {
  /** No answer within the per-attempt timeout. The request may have taken effect. */
  timeout: 'GraphRequestTimeout',
  /** The connection ended without an answer after the request was sent. It may have taken effect. */
  connectionLost: 'GraphConnectionLost',
  /** No connection at all (refused, unknown host, TLS refused): nothing was sent. */
  unreachable: 'GraphUnreachable',
  /** No token: Entra throttled, failed or did not answer (graphClient.ts). Nothing reached Graph. */
  tokenUnavailable: 'TokenEndpointUnavailable',
} as const;

const UNREACHABLE_CODES = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|UND_ERR_CONNECT_TIMEOUT)/;

function transportError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** Node's fetch wraps the socket error as `cause` (sometimes one level deeper). */
function causeCode(e: unknown): string | undefined {
  let cause = (e as { cause?: unknown })?.cause;
  for (let depth = 0; cause && depth < 3; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

const methodOf = (context: Context): string =>
  (context.options?.method ?? (typeof context.request === 'string' ? 'GET' : context.request.method) ?? 'GET').toUpperCase();

/** The last handler: fetch, each attempt aborted after `timeoutMs`. */
export class TimedFetchHandler implements Middleware {
  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const given = context.options?.signal;
    const signal = given ? AbortSignal.any([given, timeout]) : timeout;
    try {
      context.response = await fetch(context.request, { ...context.options, signal });
    } catch (e) {
      const method = methodOf(context);
      if (timeout.aborted) throw transportError(TRANSPORT_FAILURES.timeout, `Microsoft Graph did not answer ${method} within ${this.timeoutMs} ms.`);
      if (given?.aborted) throw e;
      const code = causeCode(e) ?? (e as Error).name;
      if (UNREACHABLE_CODES.test(code)) throw transportError(TRANSPORT_FAILURES.unreachable, `Microsoft Graph could not be reached (${code}).`);
      throw transportError(TRANSPORT_FAILURES.connectionLost, `The connection to Microsoft Graph ended without an answer to ${method} (${code}).`);
    }
  }
}

/** Retry-After in ms (seconds or an HTTP date), undefined when absent or unreadable. */
export function retryAfterMsOf(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Bounded retries, as the table at the top of this file says. */
export class BoundedRetryHandler implements Middleware {
  private next?: Middleware;

  constructor(
    private readonly limits: RetryLimits = DEFAULT_RETRY_LIMITS,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((ok) => setTimeout(ok, ms)),
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('BoundedRetryHandler needs a next middleware');
    const policy = context.middlewareControl?.getMiddlewareOptions(GraphRetryPolicy) as GraphRetryPolicy | undefined;
    const mode: RetryMode = policy?.mode ?? (methodOf(context) === 'GET' ? 'idempotent' : 'preEffectOnly');
    let waited = 0;
    for (let retry = 0; ; retry++) {
      let failure: unknown;
      try {
        await this.next.execute(context);
      } catch (e) {
        failure = e;
      }
      const wait = retry < this.limits.maxRetries ? this.waitBeforeRetry(mode, retry, failure, context.response) : undefined;
      if (wait === undefined || waited + wait > this.limits.maxTotalWaitMs) {
        if (failure !== undefined) throw failure;
        return;
      }
      // The answer we are not going to use: free its connection.
      if (failure === undefined) await context.response?.body?.cancel().catch(() => undefined);
      await this.sleep(wait);
      waited += wait;
    }
  }

  /** How long to wait before the next attempt, or undefined for no retry. */
  private waitBeforeRetry(mode: RetryMode, retry: number, failure: unknown, response: Response | undefined): number | undefined {
    if (mode === 'none') return undefined;
    const backoff = this.limits.backoffMs * 2 ** retry;
    if (failure !== undefined) {
      return mode === 'idempotent' && (failure as Error).name === TRANSPORT_FAILURES.connectionLost ? backoff : undefined;
    }
    if (!response) return undefined;
    const retryAfter = retryAfterMsOf(response.headers.get('retry-after'));
    if (retryAfter !== undefined && retryAfter > this.limits.maxRetryAfterMs) return undefined;
    if (response.status === 429 || (response.status === 503 && retryAfter !== undefined)) return retryAfter ?? backoff;
    if (mode === 'idempotent' && (response.status === 503 || response.status === 504)) return retryAfter ?? backoff;
    return undefined;
  }
}
