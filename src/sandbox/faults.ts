// Injected faults: a rule answers a Graph-shaped error for its next `times` matching requests,
// then the sandbox behaves normally again. This is how tests drive the bot's retry paths
// (429 + Retry-After, 503, a one-off 404) without timing tricks.
import type { FaultRule } from './types';

interface ActiveRule extends FaultRule {
  remaining: number;
}

/** Default Graph error codes per status, used when a rule gives none. */
const DEFAULT_CODES: Record<number, [string, string]> = {
  400: ['BadRequest', 'Bad request (injected fault).'],
  401: ['InvalidAuthenticationToken', 'Access token validation failure (injected fault).'],
  403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
  404: ['Request_ResourceNotFound', 'Resource does not exist (injected fault).'],
  409: ['Conflict', 'Conflict (injected fault).'],
  429: ['TooManyRequests', 'Too many requests (injected fault).'],
  500: ['InternalServerError', 'Internal server error (injected fault).'],
  502: ['BadGateway', 'Bad gateway (injected fault).'],
  503: ['ServiceUnavailable', 'Service unavailable (injected fault).'],
  504: ['GatewayTimeout', 'Gateway timeout (injected fault).'],
};

export interface FaultHit {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

export class FaultTable {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    if (!Number.isInteger(rule.status) || rule.status < 400 || rule.status > 599) {
      throw new Error(`fault status must be 400..599, got ${String(rule.status)}`);
    }
    this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): Array<Omit<FaultRule, 'path'> & { path: string; remaining: number }> {
    return this.rules.map((r) => ({ ...r, path: r.path instanceof RegExp ? `/${r.path.source}/${r.path.flags}` : r.path }));
  }

  /** Consumes one use of the first matching rule. */
  take(method: string, path: string): FaultHit | undefined {
    const idx = this.rules.findIndex(
      (r) =>
        r.remaining > 0 &&
        (!r.method || r.method.toUpperCase() === method.toUpperCase()) &&
        (r.path instanceof RegExp ? r.path.test(path) : r.path === path),
    );
    const rule = this.rules[idx];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(idx, 1);
    const [code, message] = DEFAULT_CODES[rule.status] ?? ['UnknownError', `Injected fault ${rule.status}.`];
    return { status: rule.status, code: rule.code ?? code, message: rule.message ?? message, retryAfterSeconds: rule.retryAfterSeconds };
  }
}
