// Runtime switches (fault-injection knobs and timing). Validated strictly because they arrive
// over the control plane as JSON from scripts, where a typo should fail loudly, not be ignored.
import type { SandboxSettings } from './types';

export function defaultSettings(init: Partial<SandboxSettings> = {}): SandboxSettings {
  return {
    replicationLagMs: 0,
    replicationLagAttempts: 0,
    blockedDomains: [],
    crossTenantBlockedDomains: [],
    suspiciousActivityBlock: false,
    guestInvitationsDisabled: false,
    revokedRoles: [],
    latencyMs: 0,
    enforceThrottling: false,
    ...init,
  };
}

const NUMBER_KEYS = ['replicationLagMs', 'replicationLagAttempts', 'latencyMs'] as const;
const BOOLEAN_KEYS = ['suspiciousActivityBlock', 'guestInvitationsDisabled', 'enforceThrottling'] as const;
const LIST_KEYS = ['blockedDomains', 'crossTenantBlockedDomains', 'revokedRoles'] as const;

/** Applies a patch in place after validating every key; throws on anything unknown or mistyped. */
export function applySettings(target: SandboxSettings, patch: unknown): void {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new Error('settings patch must be a JSON object');
  const p = patch as Record<string, unknown>;
  for (const [k, v] of Object.entries(p)) {
    if ((NUMBER_KEYS as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`setting ${k} must be a non-negative number`);
    } else if ((BOOLEAN_KEYS as readonly string[]).includes(k)) {
      if (typeof v !== 'boolean') throw new Error(`setting ${k} must be a boolean`);
    } else if ((LIST_KEYS as readonly string[]).includes(k)) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`setting ${k} must be an array of strings`);
    } else {
      throw new Error(`unknown setting '${k}'`);
    }
  }
  Object.assign(target, structuredClone(p));
}
