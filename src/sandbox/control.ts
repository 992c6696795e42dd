// Control plane under /_sandbox/: unauthenticated JSON endpoints for scripts and tests in other
// processes (the bot's e2e tests, the CLI user) to inspect state and inject faults.
import type { SandboxCore } from './core';
import type { FaultRule } from './types';

export interface ControlResponse {
  status: number;
  body?: unknown;
}

function parseFaultRule(body: unknown): FaultRule {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object') throw new Error('fault rule must be a JSON object');
  const rawPath = b.path;
  let path: string | RegExp;
  if (typeof rawPath === 'string') path = rawPath;
  else if (rawPath && typeof rawPath === 'object' && typeof (rawPath as { regex?: unknown }).regex === 'string') {
    const r = rawPath as { regex: string; flags?: unknown };
    path = new RegExp(r.regex, typeof r.flags === 'string' ? r.flags : '');
  } else throw new Error('fault rule path must be a string or {"regex": "..."}');
  const oneOf = <T extends string>(k: string, values: readonly T[]): T | undefined => {
    const v = b[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !values.includes(v as T)) throw new Error(`fault rule ${k} must be one of ${values.join(', ')}`);
    return v as T;
  };
  const optStr = (k: string): string | undefined => {
    const v = b[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new Error(`fault rule ${k} must be a string`);
    return v;
  };
  const optNum = (k: string): number | undefined => {
    const v = b[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number') throw new Error(`fault rule ${k} must be a number`);
    return v;
  };
  // Everything else (status required for kind error, ranges) is checked by FaultTable.add.
  return {
    path,
    status: optNum('status'),
    when: oneOf('when', ['before', 'after'] as const),
    kind: oneOf('kind', ['error', 'reset', 'hang'] as const),
    hangMs: optNum('hangMs'),
    method: optStr('method'),
    code: optStr('code'),
    message: optStr('message'),
    retryAfterSeconds: optNum('retryAfterSeconds'),
    times: optNum('times'),
  };
}

/** Returns undefined for paths outside the control plane's routes. */
export function handleControl(core: SandboxCore, method: string, segments: string[], body: unknown): ControlResponse | undefined {
  const route = `${method.toUpperCase()} ${segments.slice(1).join('/')}`;
  const { ctx } = core;
  try {
    switch (route) {
      case 'GET state':
        return { status: 200, body: ctx.directory.snapshot(ctx.seed.tenant.id) };
      case 'POST reset':
        core.reset();
        return { status: 204 };
      case 'GET settings':
        return { status: 200, body: ctx.settings };
      case 'POST settings':
        return { status: 200, body: core.updateSettings(body) };
      case 'GET faults':
        return { status: 200, body: ctx.faults.list() };
      case 'POST faults':
        core.addFault(parseFaultRule(body));
        return { status: 201, body: ctx.faults.list() };
      case 'DELETE faults':
        ctx.faults.clear();
        return { status: 204 };
      case 'POST redeem': {
        const b = (body ?? {}) as { email?: unknown; userId?: unknown };
        const key = typeof b.userId === 'string' ? b.userId : typeof b.email === 'string' ? b.email : undefined;
        if (!key) return { status: 400, body: { error: 'give {"email": "..."} or {"userId": "..."}' } };
        const user = core.redeem(key);
        return { status: 200, body: user };
      }
      case 'GET requests':
        return { status: 200, body: core.requests() };
      case 'DELETE requests':
        core.clearRequests();
        return { status: 204 };
      default:
        return undefined;
    }
  } catch (err) {
    return { status: 400, body: { error: err instanceof Error ? err.message : String(err) } };
  }
}
