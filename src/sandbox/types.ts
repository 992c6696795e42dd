// Shared shapes of the sandbox tenant: the public API (options, settings, fault rules, snapshot)
// and the directory records that are persisted. Kept in one file so every concern (directory,
// Graph handlers, control plane, page) agrees on them without importing each other.

export interface SandboxOptions {
  /** 0 = random free port. */
  port?: number;
  /** When set, directory state is loaded from / saved to this JSON file (atomic temp + rename). */
  dataFile?: string;
  /** Where cert.pem/key.pem (and the token signing key) live; generated if missing. */
  tlsDir?: string;
  /** Added delay per Graph/Entra request (benchmarks). */
  latencyMs?: number;
  /** Enforce the invitation limit (150 per 5 s per tenant by default). */
  enforceThrottling?: boolean;
  throttle?: { invitationsPerWindow?: number; windowMs?: number };
  /** Alternative seed file (defaults to src/sandbox/seed.json). */
  seedFile?: string;
}

export interface SandboxSettings {
  /** A user created by an invitation is invisible to member adds until this long after creation. */
  replicationLagMs: number;
  /** The first N member-add attempts for a user created by an invitation answer 404. */
  replicationLagAttempts: number;
  blockedDomains: string[];
  crossTenantBlockedDomains: string[];
  suspiciousActivityBlock: boolean;
  guestInvitationsDisabled: boolean;
  /** Application permissions removed from the app: calls needing them get 403 at once. */
  revokedRoles: string[];
  latencyMs: number;
  enforceThrottling: boolean;
}

/**
 * An injected fault for the next `times` requests matching `method` and `path`.
 *
 * - `when: 'before'` (default): the fault replaces the request; nothing takes effect.
 *   `when: 'after'`: the request takes effect first (the user is created, the invitation e-mail
 *   counted, the member added, the token issued), then the fault replaces the answer.
 * - `kind: 'error'` (default): answers `status` with a Graph-shaped error body (OAuth-shaped on
 *   Entra routes) instead of the real answer.
 *   `kind: 'reset'`: destroys the socket, no HTTP answer at all (the client sees a socket error).
 *   `kind: 'hang'`: never answers, holding the socket until the client gives up or the sandbox
 *   closes. With `hangMs`, the sandbox goes on after that long, whether or not the client is still
 *   there (a server that does not notice the disconnect): a 'before' hang then performs the
 *   request (a late effect), and whoever is still connected gets the real answer, or `status`'s
 *   error when a status is given (a 'before' hang with a status performs nothing).
 *
 * Graph routes match `path` against the decoded path after /v1.0 (`/invitations`,
 * `/groups/{id}/members/$ref`, `/users`); Entra routes against the whole path
 * (`/{tenant}/oauth2/v2.0/token`: use a RegExp such as `/\/oauth2\/v2\.0\/token$/`). Inside a
 * `$batch` only `kind: 'error'` rules apply to the items; a 'reset' or 'hang' on `/$batch` itself
 * hits the whole batch.
 */
export interface FaultRule {
  method?: string;
  /** Matched against the decoded path after /v1.0 (string: exact, RegExp: test); see above for Entra. */
  path: string | RegExp;
  /** The error answered: required for kind 'error', optional for 'hang', ignored for 'reset'. */
  status?: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  /** How many matching requests get the fault; default 1. */
  times?: number;
  /** Default 'before'. */
  when?: 'before' | 'after';
  /** Default 'error'. */
  kind?: 'error' | 'reset' | 'hang';
  /** For kind 'hang': go on after this long instead of never. */
  hangMs?: number;
}

export interface SandboxUser {
  id: string;
  displayName: string;
  mail: string | null;
  otherMails: string[];
  userPrincipalName: string;
  userType: 'Member' | 'Guest';
  externalUserState: 'PendingAcceptance' | 'Accepted' | null;
  externalUserStateChangeDateTime: string | null;
  creationType: string | null;
  createdDateTime: string;
}

export interface SandboxGroup {
  id: string;
  displayName: string;
  allowGuests: boolean;
  owners: string[];
  members: string[];
}

export interface InvitationRecord {
  /** Invitation id (not a user id). */
  id: string;
  userId: string;
  invitedUserEmailAddress: string;
  invitedUserDisplayName: string | null;
  inviteRedirectUrl: string;
  inviteRedeemUrl: string;
  /** Whether Microsoft would have sent its invitation email. */
  sendInvitationMessage: boolean;
  customizedMessageBody: string | null;
  ccRecipients: string[];
  sponsors: string[];
  /** True when this invitation re-invited an existing guest (a resend). */
  resend: boolean;
  createdDateTime: string;
}

export interface DirectoryState {
  users: SandboxUser[];
  groups: SandboxGroup[];
  invitations: InvitationRecord[];
  /** Redeem tickets -> user id; every redeem URL ever handed out stays valid. */
  tickets: Record<string, string>;
}

export interface DirectorySnapshot {
  tenantId: string;
  users: SandboxUser[];
  groups: SandboxGroup[];
  invitations: InvitationRecord[];
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  at: string;
  body?: unknown;
  /** Set on entries for the items of a $batch: the item id. */
  batchItemId?: string;
  /**
   * Set when an injected fault hit this request, e.g. 'error after', 'reset before', 'hang after'.
   * A reset or a hang that never answers is logged with status 0 when it happens.
   */
  fault?: string;
}

export interface SeedData {
  tenant: { id: string; displayName: string; initialDomain: string; verifiedDomains: string[] };
  app: { clientId: string; clientSecret: string; roles: string[] };
  users: Array<Partial<SandboxUser> & { id: string; displayName: string; userPrincipalName: string }>;
  groups: SandboxGroup[];
}

export interface SandboxTenant {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
  snapshot(): DirectorySnapshot;
  reset(): void;
  settings(patch: Partial<SandboxSettings>): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  redeem(emailOrUserId: string): void;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  close(): Promise<void>;
}
