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

export interface FaultRule {
  method?: string;
  /** Matched against the decoded path after /v1.0 (string: exact, RegExp: test). */
  path: string | RegExp;
  status: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  /** How many matching requests get the fault; default 1. */
  times?: number;
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
