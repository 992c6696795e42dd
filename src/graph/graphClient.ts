// Builds the Graph SDK client and its credential from configuration. Real HTTPS, real SDK path:
// the sandbox tenant is reached the same way as Microsoft's (REFERENCE.md, @azure/identity).
// Every request is bounded: Graph's through the middleware chain of boundedRequests.ts, the
// token's through the credential's own pipeline (a timeout per attempt, few and short retries)
// and a deadline on the whole token acquisition.
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import { AuthenticationHandler, Client, RedirectHandler, RedirectHandlerOptions, TelemetryHandler, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import type { GraphConfig } from '../config';
import { BoundedRetryHandler, DEFAULT_RETRY_LIMITS, TimedFetchHandler, TRANSPORT_FAILURES, type RetryLimits } from './boundedRequests';

/**
 * How long one token acquisition may take in all: the metadata and token requests, each with its
 * timeout and retries, and a margin. Without it a Retry-After from Entra would be waited however
 * long it says.
 */
export const tokenDeadlineMs = (timeoutMs: number): number => 3 * timeoutMs + 3000;

/**
 * For @azure/identity's pipeline (core-rest-pipeline): each attempt of a token request times out
 * after `timeoutMs` (`request.timeout`, which the pipeline turns into an abort), it is retried at
 * most twice, 0.5 to 2 s apart (the pipeline's own retry policy: network errors, 5xx, and 429/503
 * after their Retry-After), and the whole request, waits included, is aborted at the deadline.
 * Token requests are idempotent, so retrying them is safe.
 */
function boundedCredentialOptions(timeoutMs: number): TokenCredentialOptions {
  return {
    retryOptions: { maxRetries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 2000 },
    additionalPolicies: [
      {
        position: 'perCall',
        policy: {
          name: 'guestPassRequestDeadline',
          sendRequest: (request, next) => {
            const deadline = AbortSignal.timeout(tokenDeadlineMs(timeoutMs));
            request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal as AbortSignal, deadline]) : deadline;
            return next(request);
          },
        },
      },
      {
        position: 'perRetry',
        policy: {
          name: 'guestPassRequestTimeout',
          sendRequest: (request, next) => {
            if (!request.timeout) request.timeout = timeoutMs;
            return next(request);
          },
        },
      },
    ],
  };
}

export function createGraphCredential(config: GraphConfig): { credential: TokenCredential; kind: string } {
  const options = { ...boundedCredentialOptions(config.requestTimeoutMs), authorityHost: config.authorityHost, disableInstanceDiscovery: !config.instanceDiscovery };
  if (config.clientSecret && config.tenantId && config.clientId) {
    return { credential: new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, options), kind: 'client secret' };
  }
  if (config.certificatePath && config.tenantId && config.clientId) {
    return { credential: new ClientCertificateCredential(config.tenantId, config.clientId, config.certificatePath, options), kind: 'client certificate' };
  }
  const miOptions = boundedCredentialOptions(config.requestTimeoutMs);
  const credential = config.clientId ? new ManagedIdentityCredential({ ...miOptions, clientId: config.clientId }) : new ManagedIdentityCredential(miOptions);
  return { credential, kind: 'managed identity' };
}

/** A status that says Entra could not serve the request now, rather than refused it. */
const unavailableStatus = (status: unknown): boolean => typeof status === 'number' && (status === 408 || status === 429 || status >= 500);

/**
 * Whether a credential's failure means the token endpoint was unavailable (throttled, 5xx, no
 * answer, no connection) rather than that it refused this app's credentials (AADSTS7000215 and
 * the like, which keep their own error).
 */
export function isTokenEndpointUnavailable(e: unknown): boolean {
  const err = e as { name?: string; message?: string; statusCode?: unknown; errorResponse?: { error?: string } } | undefined;
  if (!err) return false;
  if (unavailableStatus(err.statusCode)) return true;
  if (err.errorResponse?.error === 'temporarily_unavailable') return true;
  const message = err.message ?? '';
  return /\b(network_error|server_error|ECONNRESET|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|timed out|aborted|temporarily_unavailable)\b/i.test(message) ||
    /Http status code: (408|429|5\d\d)\b|Status code: (408|429|5\d\d)\b|AADSTS(90033|90055)\b/.test(message);
}

/**
 * The Graph SDK's token source, with the deadline on the whole acquisition (tokenDeadlineMs).
 * Failures to reach Entra surface as TRANSPORT_FAILURES.tokenUnavailable; genuine refusals as they are.
 */
export class BoundedTokenProvider implements AuthenticationProvider {
  constructor(
    private readonly credential: TokenCredential,
    private readonly scopes: string[],
    private readonly deadlineMs: number,
  ) {}

  async getAccessToken(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_ok, fail) => {
      timer = setTimeout(() => fail(unavailable(`no token from Microsoft Entra within ${this.deadlineMs} ms`)), this.deadlineMs);
    });
    const token = this.credential.getToken(this.scopes);
    token.catch(() => undefined); // after the deadline nobody awaits it
    try {
      const result = await Promise.race([token, deadline]);
      if (!result) throw unavailable('Microsoft Entra returned no token');
      return result.token;
    } catch (e) {
      if ((e as Error).name === TRANSPORT_FAILURES.tokenUnavailable || !isTokenEndpointUnavailable(e)) throw e;
      throw unavailable((e as Error).message.split('\n')[0] ?? 'unavailable');
    } finally {
      clearTimeout(timer);
    }
  }
}

function unavailable(detail: string): Error {
  const e = new Error(`The token endpoint of Microsoft Entra is unavailable: ${detail}`);
  e.name = TRANSPORT_FAILURES.tokenUnavailable;
  return e;
}

export function createGraphClient(config: GraphConfig, credential: TokenCredential, retryLimits: RetryLimits = DEFAULT_RETRY_LIMITS): Client {
  const base = new URL(config.baseUrl);
  const isMicrosoftGraph = /(^|\.)graph\.microsoft\.(com|us)$|(^|\.)microsoftgraph\.chinacloudapi\.cn$/.test(base.hostname);
  const scope = isMicrosoftGraph ? `${base.origin}/.default` : 'https://graph.microsoft.com/.default';
  // The SDK's default chain (MiddlewareFactory.getDefaultMiddlewareChain) with its RetryHandler and
  // HTTPMessageHandler replaced by bounded ones.
  const chain = [
    new AuthenticationHandler(new BoundedTokenProvider(credential, [scope], tokenDeadlineMs(config.requestTimeoutMs))),
    new BoundedRetryHandler(retryLimits),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new TimedFetchHandler(config.requestTimeoutMs),
  ];
  return Client.initWithMiddleware({
    middleware: chain,
    // The configured root as given, path included: the SDK appends /v1.0/... (PRODUCT.md section 7).
    baseUrl: config.baseUrl,
    defaultVersion: 'v1.0',
    // The SDK attaches the token only to Graph's own hosts unless told otherwise (REFERENCE.md).
    customHosts: isMicrosoftGraph ? undefined : new Set([base.hostname]),
  });
}
