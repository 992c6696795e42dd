// What the invitation use case runs on (its ports and timings), and the two small things every
// step of it shares: a step's result, and best-effort progress on the claim.
import type { AuditLog } from '../audit/audit';
import type { GuestDirectory } from '../directory';
import type { ChangeNotifier } from '../notifier';
import type { DomainRules } from '../policy';
import type { TtlCache } from '../ttlCache';
import { LostClaimError, type IntentClaim, type InviteIntent, type InviteIntents } from './intents';
import type { InvitationOutcome } from './outcome';
import type { PendingAdds } from './pendingAdds';
import type { InvitationRecords } from './records';

export interface InviteDeps {
  directory: GuestDirectory;
  records: InvitationRecords;
  pendingAdds: PendingAdds;
  audit: AuditLog;
  /** The claims on invitations in progress (one per team and address; finished by background work after a crash). */
  intents?: InviteIntents;
  /** Updates the cards that wait for an outcome (a working card, a duplicate request's card). */
  notifier?: Pick<ChangeNotifier, 'invitationChanged' | 'invitationSettled'>;
  /** Look-ups after an ambiguous answer to the invitation, while the directory catches up (default 1 s, 2 s). */
  lookupRetryMs?: readonly number[];
  /** Retries of the record and audit writes after Graph has acted (default 0.2, 1, 3 s). */
  storeRetryMs?: readonly number[];
  /** How long a request for an address already being invited waits for that outcome (default 20 s). */
  duplicateWaitMs?: number;
  /** How long a finished invitation answers a second click on the same card (default 2 minutes). */
  recentWindowMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  rules: DomainRules & { redirectUrl?: string };
  /** Waits between member-add attempts while a new guest replicates; kept short in-turn. */
  memberAddBackoffMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  verifiedDomainsCache?: TtlCache<string[]>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const defaultSleep = sleepFor;


/** A step's result: the outcome, and whether it is still unconfirmed (left to background work). */
export interface Step {
  outcome: InvitationOutcome;
  unconfirmed?: boolean;
}

/** Best-effort progress after Graph acted: if it cannot be written, recovery looks up instead. */
export async function progress(deps: InviteDeps, claim: IntentClaim, change: Partial<InviteIntent>): Promise<void> {
  try {
    await claim.update(change);
  } catch (e) {
    if (e instanceof LostClaimError) throw e;
    deps.log?.('warn', 'invitation progress not stored', { err: e instanceof Error ? e.message : String(e) });
  }
}
