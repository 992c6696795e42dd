// One invitation, step by step (PRODUCT.md section 3, steps 4 to 7). Validation and the caller's
// right to invite are settled before this runs; the domain rules are checked here again because
// every path that leads to an invitation (command, card, approval, resend, recovery) comes through here.
//
// Exactly once (PRODUCT.md section 6): the invitation runs under a claim in the store (one per team
// and address, see inviteIntents.ts) whose phase is written before each step that changes the
// directory. An answer from Graph that may have taken effect (DirectoryError.ambiguous) is resolved
// by looking the address up, never by sending the invitation again; an add that fails for a
// transient reason becomes stored pending work; a record that cannot be written stays in the claim
// for background work. See docs/reliability.md.
import { DirectoryError, type DirectoryUser } from '../directory';
import { domainRefusal } from '../policy';
import type { Person, TeamRef } from '../team';
import { progress, type InviteDeps, type Step } from './deps';
import { domainOf } from './email';
import { LostClaimError, unclaimed, type IntentClaim, type InviteIntent, type InviteRequest } from './intents';
import { outcomeOfError, subjectStateOf, type InvitationOutcome, type SubjectState } from './outcome';
import { record, settle, withRetries } from './settle';


/** Failures of a group add worth retrying later: replication lag (for a new guest), throttling, outages, no answer. */
function transientAdd(e: unknown, isNew: boolean): boolean {
  if (!(e instanceof DirectoryError)) return false;
  return e.kind === 'throttled' || e.kind === 'unavailable' || (e.kind === 'notFound' && isNew);
}

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
 * Adds the user to the group, retrying transient failures with the in-turn backoff. Returns
 * 'pending' when the retries ran out: the caller stores the add as pending work.
 */
async function addWithRetry(deps: InviteDeps, groupId: string, userId: string, isNew: boolean) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.directory.addGroupMember(groupId, userId);
    } catch (e) {
      if (!transientAdd(e, isNew)) throw e;
      const wait = deps.memberAddBackoffMs[attempt];
      if (wait === undefined) return 'pending' as const;
      await deps.sleep(wait);
    }
  }
}


const DEFAULT_DUPLICATE_WAIT_MS = 20_000;
const DUPLICATE_POLL_MS = 200;
const DEFAULT_RECENT_WINDOW_MS = 120_000;

export async function inviteGuest(deps: InviteDeps, team: TeamRef, caller: Person, request: InviteRequest): Promise<InvitationOutcome> {
  const base: InvitationOutcome = { kind: 'failed', email: request.email, displayName: request.displayName };
  const domain = domainOf(request.email);
  const refusal = domainRefusal(domain, deps.rules);
  if (refusal) {
    const outcome: InvitationOutcome = { ...base, kind: 'refused', refusal, detail: domain };
    await record(deps, { team, caller, request }, outcome, deps.now().toISOString());
    return outcome;
  }
  if (!deps.intents) return runClaimed(deps, unclaimed(team, caller, request, deps.now));

  let busySince: string | undefined;
  const polls = Math.ceil((deps.duplicateWaitMs ?? DEFAULT_DUPLICATE_WAIT_MS) / DUPLICATE_POLL_MS);
  for (let poll = 0; ; poll++) {
    const acquired = await deps.intents.acquire(team, caller, request);
    if (acquired.kind === 'claimed') {
      const duplicate = acquired.resumed ? undefined : await duplicateAnswer(deps, team, request, busySince);
      if (duplicate) {
        await acquired.claim.release();
        return duplicate;
      }
      // A claim taken over (its holder died) goes on from where it stopped, with its own request.
      return runClaimed(deps, acquired.claim);
    }
    // Someone else is inviting this address: wait for their outcome, never invite alongside.
    busySince ??= deps.now().toISOString();
    if (acquired.intent.unconfirmed || poll >= polls) return { ...base, kind: 'inProgress' };
    await deps.sleep(DUPLICATE_POLL_MS);
  }
}

/** The outcome of an invitation that finished while this request waited for it, or of the same card's earlier click. */
async function duplicateAnswer(deps: InviteDeps, team: TeamRef, request: InviteRequest, busySince: string | undefined): Promise<InvitationOutcome | undefined> {
  const recent = await deps.intents!.recent(team.groupId, request.email);
  if (!recent || recent.resend !== !!request.resend) return undefined;
  if (busySince && recent.finishedAt >= busySince) return recent.outcome;
  const window = deps.recentWindowMs ?? DEFAULT_RECENT_WINDOW_MS;
  const sameCard = request.origin !== undefined && recent.origin === request.origin;
  return sameCard && deps.now().getTime() - Date.parse(recent.finishedAt) < window ? recent.outcome : undefined;
}

/**
 * Runs (or goes on with) the invitation of a held claim, from its phase, and settles it. The
 * background recovery of an interrupted invitation comes through here too.
 */
export async function runClaimed(deps: InviteDeps, claim: IntentClaim): Promise<InvitationOutcome> {
  const { request } = claim.intent;
  const base: InvitationOutcome = { kind: 'failed', email: request.email, displayName: request.displayName };
  claim.startHeartbeat((e) => deps.log?.('warn', 'invitation claim not renewed', { err: e instanceof Error ? e.message : String(e) }));
  try {
    const step = await advance(deps, claim, base);
    return await settle(deps, claim, step);
  } catch (e) {
    if (!(e instanceof LostClaimError)) throw e;
    // Another worker took it over after this one stalled past its lease: it finishes the work.
    deps.log?.('warn', 'invitation claim taken over; the new holder finishes it', { groupId: claim.intent.team.groupId });
    return { ...base, kind: 'inProgress' };
  } finally {
    claim.stopHeartbeat();
  }
}

async function advance(deps: InviteDeps, claim: IntentClaim, base: InvitationOutcome): Promise<Step> {
  const phase = claim.intent.phase ?? 'lookingUp';
  if (phase === 'recording' && claim.intent.outcome) return { outcome: claim.intent.outcome };
  if (phase === 'lookingUp') return decide(deps, claim, base);
  return resume(deps, claim, base);
}

function stateOfOrPending(user: DirectoryUser | undefined): SubjectState {
  return user ? subjectStateOf(user) : 'PendingAcceptance';
}

function invitationOf(deps: InviteDeps, intent: InviteIntent, displayName: string, sendEmail: boolean) {
  const { team, caller, request } = intent;
  return {
    email: request.email,
    displayName,
    redirectUrl: deps.rules.redirectUrl ?? team.deepLink,
    sendEmail,
    message: request.message,
    messageLanguage: request.locale,
    sponsorId: caller.id,
  };
}

async function decide(deps: InviteDeps, claim: IntentClaim, base: InvitationOutcome): Promise<Step> {
  const { team, caller, request } = claim.intent;
  const domain = domainOf(request.email);
  let outcome: InvitationOutcome = base;
  try {
    const existing = await deps.directory.findUserByEmail(request.email);
    if (!existing && (await isTenantDomain(deps, domain, caller))) {
      return { outcome: { ...base, kind: 'failed', failure: 'userNotFound', detail: domain } };
    }

    if (existing && (existing.userType === 'Member' || !request.resend)) {
      outcome = { ...base, displayName: existing.displayName, userId: existing.id, state: subjectStateOf(existing) };
      return { outcome: await addToTeam(deps, claim, { ...outcome, kind: 'added' }, false) };
    }
    if (existing && existing.externalUserState === 'Accepted') {
      return { outcome: { ...base, displayName: existing.displayName, userId: existing.id, state: 'Accepted', kind: 'refused', refusal: 'resendNotNeeded' } };
    }
    if (existing && !(await invitedHere(deps, team, request.email, existing.id))) {
      // A new invitation returns a new redeem link, and anyone holding it can start redeeming that
      // account: only the team whose Guest Pass invitation it is may ask for one. Someone else's
      // pending guest is added, never re-invited, and the card says whom to ask.
      outcome = { ...base, displayName: existing.displayName, userId: existing.id, state: subjectStateOf(existing), refusal: 'resendNotInvitedHere' };
      return { outcome: await addToTeam(deps, claim, { ...outcome, kind: 'added' }, false) };
    }

    // From here on the invitation may exist: a claim found later is looked up, never sent again.
    const displayName = existing?.displayName ?? request.displayName;
    await claim.update({ phase: 'inviting', existed: existing !== undefined });
    let invitation;
    try {
      invitation = await deps.directory.invite(invitationOf(deps, claim.intent, displayName, request.sendEmail));
    } catch (e) {
      if (e instanceof DirectoryError && e.ambiguous) return resolveAmbiguous(deps, claim, base, existing, e);
      throw e;
    }
    await progress(deps, claim, { phase: 'invited', invitation });
    outcome = {
      ...base,
      displayName,
      kind: existing ? 'reinvited' : 'invited',
      userId: invitation.userId,
      invitationId: invitation.invitationId,
      redeemUrl: invitation.redeemUrl,
      emailSent: request.sendEmail,
      state: 'PendingAcceptance',
    };
    return { outcome: await addToTeam(deps, claim, outcome, !existing) };
  } catch (e) {
    if (e instanceof LostClaimError) throw e;
    // Keep what was already done (an invitation that exists) on the card, and say what failed.
    return { outcome: outcomeOfError(e, outcome.kind === 'failed' ? base : outcome, domain) };
  }
}


/** Adds to the team; a transient failure becomes stored pending work, retried in the background. */
async function addToTeam(deps: InviteDeps, claim: IntentClaim, outcome: InvitationOutcome, isNew: boolean): Promise<InvitationOutcome> {
  const { team, request } = claim.intent;
  const added = await addWithRetry(deps, team.groupId, outcome.userId!, isNew);
  if (added === 'pending') {
    const doneKind = outcome.kind === 'reinvited' ? 'reinvited' : outcome.kind === 'added' ? 'added' : 'invited';
    await withRetries(deps, () => deps.pendingAdds.enqueue({ groupId: team.groupId, teamId: team.teamId, userId: outcome.userId!, email: request.email, doneKind }));
    return { ...outcome, kind: 'pendingAdd' };
  }
  return added === 'alreadyMember' && outcome.kind === 'added' ? { ...outcome, kind: 'alreadyInTeam' } : outcome;
}

/** The address, looked up again a few times while the directory catches up with a write. */
async function lookUpAfterWrite(deps: InviteDeps, email: string): Promise<DirectoryUser | undefined> {
  const waits = deps.lookupRetryMs ?? [1000, 2000];
  for (let attempt = 0; ; attempt++) {
    const user = await deps.directory.findUserByEmail(email);
    if (user) return user;
    const wait = waits[attempt];
    if (wait === undefined) return undefined;
    await deps.sleep(wait);
  }
}

/**
 * A redeem link for a guest whose invitation exists but whose link was lost (the answer never
 * arrived): Graph answers an invitation of an existing guest with the same user and a new link, and
 * with sendInvitationMessage false sends no e-mail (docs/reliability.md). Without it the card
 * simply has no link.
 */
async function linkWithoutEmail(deps: InviteDeps, intent: InviteIntent, user: DirectoryUser) {
  try {
    return await deps.directory.invite(invitationOf(deps, intent, user.displayName, false));
  } catch (e) {
    deps.log?.('warn', 'no new redeem link for an invitation whose answer was lost', { kind: e instanceof DirectoryError ? e.kind : 'unexpected' });
    return undefined;
  }
}

/**
 * POST /invitations may have taken effect (a timeout, a dropped connection, a 5xx): look the
 * address up. Found: the invitation exists, carry on. Not found: nothing is sent again; the claim
 * stays for background work to check once more after its lease.
 */
async function resolveAmbiguous(deps: InviteDeps, claim: IntentClaim, base: InvitationOutcome, existing: DirectoryUser | undefined, error: DirectoryError): Promise<Step> {
  const user = existing ?? (await lookUpAfterWrite(deps, claim.intent.request.email));
  if (!user) return { outcome: { ...base, kind: 'failed', failure: 'notConfirmed', trace: error.trace }, unconfirmed: true };
  return { outcome: await carryOn(deps, claim, base, user) };
}

/** An invitation known (or found) to exist: a new link without an e-mail, the team add, the outcome. */
async function carryOn(deps: InviteDeps, claim: IntentClaim, base: InvitationOutcome, user: DirectoryUser): Promise<InvitationOutcome> {
  const existed = claim.intent.existed ?? false;
  const link = await linkWithoutEmail(deps, claim.intent, user);
  const invitation = { userId: user.id, invitationId: link?.invitationId, redeemUrl: link?.redeemUrl };
  await progress(deps, claim, { phase: 'invited', invitation });
  const outcome: InvitationOutcome = {
    ...base,
    displayName: user.displayName,
    kind: existed ? 'reinvited' : 'invited',
    userId: user.id,
    invitationId: invitation.invitationId,
    redeemUrl: invitation.redeemUrl,
    // A new guest's invitation went out as asked; whether a resend's e-mail left cannot be known.
    emailSent: existed ? undefined : claim.intent.request.sendEmail,
    state: stateOfOrPending(user),
  };
  return addToTeam(deps, claim, outcome, !existed);
}

/** Goes on with a claim taken over after its holder stopped at 'inviting' or later: never sends the invitation again. */
async function resume(deps: InviteDeps, claim: IntentClaim, base: InvitationOutcome): Promise<Step> {
  const { request } = claim.intent;
  const domain = domainOf(request.email);
  try {
    const known = claim.intent.invitation;
    if (known) {
      const user = await deps.directory.getUser(known.userId);
      const outcome: InvitationOutcome = {
        ...base,
        displayName: user?.displayName ?? request.displayName,
        kind: claim.intent.existed ? 'reinvited' : 'invited',
        userId: known.userId,
        invitationId: known.invitationId,
        redeemUrl: known.redeemUrl,
        emailSent: request.sendEmail,
        state: stateOfOrPending(user),
      };
      return { outcome: await addToTeam(deps, claim, outcome, !claim.intent.existed) };
    }
    const user = await lookUpAfterWrite(deps, request.email);
    // Still nothing after the lease: the invitation did not take effect. Closed as failed, not sent again.
    if (!user) return { outcome: { ...base, kind: 'failed', failure: 'notConfirmed' } };
    return { outcome: await carryOn(deps, claim, base, user) };
  } catch (e) {
    if (e instanceof LostClaimError) throw e;
    return { outcome: outcomeOfError(e, base, domain) };
  }
}




