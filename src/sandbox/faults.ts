// Injected faults: a rule hits its next `times` matching requests, then the sandbox behaves
// normally again. This is how tests drive the bot's retry and recovery paths without timing
// tricks: an error instead of the effect (429 + Retry-After, 503, a one-off 404), an error after
// the effect (a 504 although the invitation was created), a dropped connection or a request that
// never answers, before or after the effect (FaultRule in types.ts says exactly what each does).
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
  kind: 'error' | 'reset' | 'hang';
  when: 'before' | 'after';
  /** Undefined only for 'reset', and for a 'hang' that answers normally after hangMs. */
  status?: number;
  code: string;
  message: string;
  /** The rule's own message, when it gave one (Entra routes otherwise answer Entra's wording). */
  givenMessage?: string;
  retryAfterSeconds?: number;
  hangMs?: number;
}

/** How a fault hit is logged: 'error after', 'reset before', ... */
export const faultLabel = (hit: FaultHit): string => `${hit.kind} ${hit.when}`;

export class FaultTable {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    const kind = rule.kind ?? 'error';
    if (!['error', 'reset', 'hang'].includes(kind)) throw new Error(`fault kind must be error, reset or hang, got ${String(rule.kind)}`);
    if (rule.when !== undefined && rule.when !== 'before' && rule.when !== 'after') {
      throw new Error(`fault when must be before or after, got ${String(rule.when)}`);
    }
    if (kind === 'error' || rule.status !== undefined) {
      if (!Number.isInteger(rule.status) || (rule.status as number) < 400 || (rule.status as number) > 599) {
        throw new Error(`fault status must be 400..599, got ${String(rule.status)}`);
      }
    }
    if (rule.hangMs !== undefined && (kind !== 'hang' || !Number.isFinite(rule.hangMs) || rule.hangMs < 0)) {
      throw new Error('fault hangMs must be a number of milliseconds >= 0, and only with kind hang');
    }
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) throw new Error('fault times must be a whole number >= 1');
    this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): Array<Omit<FaultRule, 'path'> & { path: string; remaining: number }> {
    return this.rules.map((r) => ({ ...r, path: r.path instanceof RegExp ? `/${r.path.source}/${r.path.flags}` : r.path }));
  }

  /**
   * Consumes one use of the first matching rule. `errorsOnly`: for $batch items, which have no
   * connection of their own to reset or hold.
   */
  take(method: string, path: string, errorsOnly = false): FaultHit | undefined {
    const idx = this.rules.findIndex(
      (r) =>
        r.remaining > 0 &&
        (!errorsOnly || (r.kind ?? 'error') === 'error') &&
        (!r.method || r.method.toUpperCase() === method.toUpperCase()) &&
        (r.path instanceof RegExp ? r.path.test(path) : r.path === path),
    );
    const rule = this.rules[idx];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(idx, 1);
    const [code, message] = (rule.status !== undefined ? DEFAULT_CODES[rule.status] : undefined) ?? ['UnknownError', `Injected fault ${String(rule.status)}.`];
    return {
      kind: rule.kind ?? 'error',
      when: rule.when ?? 'before',
      status: rule.kind === 'reset' ? undefined : rule.status,
      code: rule.code ?? code,
      message: rule.message ?? message,
      givenMessage: rule.message,
      retryAfterSeconds: rule.retryAfterSeconds,
      hangMs: rule.hangMs,
    };
  }
}
