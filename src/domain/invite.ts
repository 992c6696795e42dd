// One invitation, step by step (PRODUCT.md section 3, steps 4 to 7). Validation and the caller's
// right to invite are settled before this runs; the domain rules are checked here again because
// every path that leads to an invitation (command, card, approval, bulk, resend) comes through here.
import { domainOf, type ValidInvite } from './email';
import { DirectoryError, type DirectoryUser, type GuestDirectory } from './directory';
import type { FailureCode, RefusalCode } from './errors';
import type { InvitationOutcome, SubjectState } from './outcome';
import { domainRefusal, type DomainRules } from './policy';
import type { InvitationRecords, Person } from './invitationRecords';
import type { PendingAdds } from './pendingAdds';
import type { AuditLog } from './audit';
import type { InviteIntents } from './inviteIntents';
import { TtlCache } from './ttlCache';

export interface TeamRef {
  groupId: string;
  teamId: string;
  teamName?: string;
  /** Where a guest lands after redemption when no redirect is configured. */
  deepLink: string;
}

/** The team's deep link: where a guest lands after redemption unless a redirect is configured. */
export function teamDeepLink(threadId: string, groupId: string, tenantId?: string): string {
  const tenant = tenantId ? `&tenantId=${encodeURIComponent(tenantId)}` : '';
  return `https://teams.microsoft.com/l/team/${encodeURIComponent(threadId)}/conversations?groupId=${encodeURIComponent(groupId)}${tenant}`;
}

export interface InviteRequest extends ValidInvite {
  resend?: boolean;
  locale?: string;
}

export interface InviteDeps {
  directory: GuestDirectory;
  records: InvitationRecords;
  pendingAdds: PendingAdds;
  audit: AuditLog;
  /** Write-ahead record of invitations in progress (finished by background work after a crash). */
  intents?: InviteIntents;
  rules: DomainRules & { redirectUrl?: string };
  /** Waits between member-add attempts while a new guest replicates; kept short in-turn. */
  memberAddBackoffMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  verifiedDomainsCache?: TtlCache<string[]>;
}

const REFUSALS: Partial<Record<DirectoryError['kind'], RefusalCode>> = {
  groupForbidsGuests: 'groupForbidsGuests',
  tenantBlocksDomain: 'tenantBlocksDomain',
  crossTenantBlocked: 'crossTenantBlocked',
  guestInvitationsDisabled: 'guestInvitationsDisabled',
};
const FAILURES: Record<DirectoryError['kind'], FailureCode> = {
  notFound: 'userNotFound',
  groupForbidsGuests: 'graphRejected',
  tenantBlocksDomain: 'graphRejected',
  crossTenantBlocked: 'graphRejected',
  guestInvitationsDisabled: 'graphRejected',
  suspiciousActivity: 'suspiciousActivity',
  throttled: 'throttled',
  unavailable: 'graphUnavailable',
  missingPermission: 'missingPermission',
  rejected: 'graphRejected',
  unexpected: 'unexpected',
};

/** Turns a directory failure into the outcome PRODUCT.md section 5 asks for. */
export function outcomeOfError(error: unknown, base: InvitationOutcome, domain: string): InvitationOutcome {
  if (!(error instanceof DirectoryError)) {
    return { ...base, kind: 'failed', failure: 'unexpected' };
  }
  const refusal = REFUSALS[error.kind];
  if (refusal) {
    return { ...base, kind: 'refused', refusal, detail: refusal === 'groupForbidsGuests' ? undefined : domain, trace: error.trace };
  }
  return { ...base, kind: 'failed', failure: FAILURES[error.kind], detail: error.permission, trace: error.trace };
}

function stateOf(user: DirectoryUser): SubjectState {
  if (user.userType === 'Member') return 'Member';
  return user.externalUserState ?? 'PendingAcceptance';
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const defaultSleep = sleepFor;

async function isTenantDomain(deps: InviteDeps, domain: string, caller: Person): Promise<boolean> {
  const load = () => deps.directory.verifiedDomains();
  let domains: string[];
  try {
    domains = deps.verifiedDomainsCache ? await deps.verifiedDomainsCache.getOrLoad('verified', load) : await load();
  } catch (e) {
    // A missing permission or a Graph failure stops here (the card names it). Only a directory
    // that has no such endpoint at all falls back to what is certain: the inviter's own domains.
    if (!(e instanceof DirectoryError) || !['notFound', 'rejected'].includes(e.kind)) throw e;
    const inviter = await deps.directory.getUser(caller.id);
    domains = [inviter?.mail, inviter?.userPrincipalName].filter((a): a is string => !!a && !a.includes('#EXT#')).map(domainOf);
  }
  return domains.some((d) => d.toLowerCase() === domain);
}

/** Whether this team's Guest Pass created the invitation of this user (so a resend is its to ask). */
async function invitedHere(deps: InviteDeps, team: TeamRef, email: string, userId: string): Promise<boolean> {
  const record = await deps.records.get(team.groupId, email);
  return record?.invitationId !== undefined && record.userId === userId;
}

/**
 * Adds the user to the group, retrying "not found" while a new guest replicates.
 * Returns 'pending' when the retries ran out: the caller stores the add as pending work.
 */
async function addWithReplicationRetry(deps: InviteDeps, groupId: string, userId: string, retryNotFound: boolean) {
  const waits = retryNotFound ? deps.memberAddBackoffMs : [];
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.directory.addGroupMember(groupId, userId);
    } catch (e) {
      if (!(e instanceof DirectoryError && e.kind === 'notFound')) throw e;
      const wait = waits[attempt];
      if (wait === undefined) {
        if (retryNotFound) return 'pending' as const;
        throw e;
      }
      await deps.sleep(wait);
    }
  }
}

export async function inviteGuest(deps: InviteDeps, team: TeamRef, caller: Person, request: InviteRequest): Promise<InvitationOutcome> {
  const domain = domainOf(request.email);
  const base: InvitationOutcome = { kind: 'failed', email: request.email, displayName: request.displayName };
  await deps.intents?.begin(team, caller, request);
  const outcome = await decide(deps, team, caller, request, base, domain);
  await record(deps, team, caller, request, outcome);
  await deps.intents?.end(team.groupId, request.email);
  return outcome;
}

async function decide(
  deps: InviteDeps,
  team: TeamRef,
  caller: Person,
  request: InviteRequest,
  base: InvitationOutcome,
  domain: string,
): Promise<InvitationOutcome> {
  const refusal = domainRefusal(domain, deps.rules);
  if (refusal) return { ...base, kind: 'refused', refusal, detail: domain };

  let outcome: InvitationOutcome = base;
  try {
    const existing = await deps.directory.findUserByEmail(request.email);
    if (!existing && (await isTenantDomain(deps, domain, caller))) {
      return { ...base, kind: 'failed', failure: 'userNotFound', detail: domain };
    }

    if (existing && (existing.userType === 'Member' || !request.resend)) {
      outcome = { ...base, displayName: existing.displayName, userId: existing.id, state: stateOf(existing) };
      const added = await addWithReplicationRetry(deps, team.groupId, existing.id, false);
      return { ...outcome, kind: added === 'alreadyMember' ? 'alreadyInTeam' : 'added' };
    }
    if (existing && existing.externalUserState === 'Accepted') {
      return { ...base, displayName: existing.displayName, userId: existing.id, state: 'Accepted', kind: 'refused', refusal: 'resendNotNeeded' };
    }
    if (existing && !(await invitedHere(deps, team, request.email, existing.id))) {
      // A new invitation returns a new redeem link, and anyone holding it can start redeeming that
      // account: only the team whose Guest Pass invitation it is may ask for one. Someone else's
      // pending guest is added, never re-invited, and the card says whom to ask.
      outcome = { ...base, displayName: existing.displayName, userId: existing.id, state: stateOf(existing) };
      const added = await addWithReplicationRetry(deps, team.groupId, existing.id, false);
      return { ...outcome, kind: added === 'alreadyMember' ? 'alreadyInTeam' : 'added', refusal: 'resendNotInvitedHere' };
    }

    const invitation = await deps.directory.invite({
      email: request.email,
      displayName: existing?.displayName ?? request.displayName,
      redirectUrl: deps.rules.redirectUrl ?? team.deepLink,
      sendEmail: request.sendEmail,
      message: request.message,
      messageLanguage: request.locale,
      sponsorId: caller.id,
    });
    outcome = {
      ...base,
      displayName: existing?.displayName ?? request.displayName,
      kind: existing ? 'reinvited' : 'invited',
      userId: invitation.userId,
      invitationId: invitation.invitationId,
      redeemUrl: invitation.redeemUrl,
      emailSent: request.sendEmail,
      state: 'PendingAcceptance',
    };
    const added = await addWithReplicationRetry(deps, team.groupId, invitation.userId, !existing);
    if (added === 'pending') {
      await deps.pendingAdds.enqueue({ groupId: team.groupId, teamId: team.teamId, userId: invitation.userId, email: request.email });
      return { ...outcome, kind: 'pendingAdd' };
    }
    return outcome;
  } catch (e) {
    // Keep what was already done (an invitation that exists) on the card, and say what failed.
    return outcomeOfError(e, outcome.kind === 'failed' ? base : outcome, domain);
  }
}

async function record(deps: InviteDeps, team: TeamRef, caller: Person, request: InviteRequest, outcome: InvitationOutcome) {
  const now = deps.now().toISOString();
  const touchesDirectory = outcome.userId !== undefined;
  if (touchesDirectory) {
    const previous = await deps.records.get(team.groupId, request.email);
    await deps.records.save({
      ...previous,
      groupId: team.groupId,
      teamId: team.teamId,
      email: request.email,
      displayName: outcome.displayName,
      userId: outcome.userId,
      invitationId: outcome.invitationId ?? previous?.invitationId,
      redeemUrl: outcome.redeemUrl ?? previous?.redeemUrl,
      invitedBy: outcome.invitationId ? caller : (previous?.invitedBy ?? caller),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      outcome: outcome.kind,
      state: outcome.state,
      inGroup: outcome.kind === 'invited' || outcome.kind === 'reinvited' || outcome.kind === 'added' || outcome.kind === 'alreadyInTeam',
      emailSent: outcome.emailSent ?? previous?.emailSent,
      requestId: outcome.trace?.requestId,
      cards: previous?.cards,
    });
  }
  await deps.audit.append({
    at: now,
    groupId: team.groupId,
    teamId: team.teamId,
    actor: caller,
    action: request.resend ? 'resend' : 'invite',
    subject: request.email,
    outcome: outcome.kind,
    reason: outcome.refusal ?? outcome.failure,
    userId: outcome.userId,
    invitationId: outcome.invitationId,
    graphCode: outcome.trace?.graphCode,
    requestId: outcome.trace?.requestId,
  });
}
