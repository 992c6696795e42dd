// One invitation, seen from Teams: the use case (src/domain/inviteAs.ts) raced against the turn's
// deadline, rendered as cards, and the cards remembered so that background work can update them.
import type { ApprovalRequest } from '../../domain/approval/approvals';
import type { InviteInput } from '../../domain/invitation/email';
import { inviteAs } from '../../domain/invitation/inviteAs';
import { invitationLanguage } from '../../domain/invitation/language';
import { withCard } from '../../domain/invitation/records';
import type { InvitationOutcome } from '../../domain/invitation/outcome';
import { approvalCard, inviteFormCard, resultCard, type AdaptiveCard } from '../cards';
import { beforeDeadline, clickedCard, inPort, LATE, type CardAnswer, type TeamTurn } from '../teamTurn';

/** What the invitation itself produced, free of the turn's context (it may outlive the turn). */
export type InviteResult = { form: AdaptiveCard } | { outcome: InvitationOutcome; message?: string } | { request: ApprovalRequest };

/** The answer to an invitation, with what it produced (to remember its card). */
export type InviteAnswer = CardAnswer & { outcome?: InvitationOutcome; request?: ApprovalRequest };

/** The invite form's defaults for this turn (the request form stays one when it comes back with errors). */
export function formDefaults(turn: TeamTurn): { sendEmail: boolean; asks: boolean } {
  return { sendEmail: turn.deps.policy.sendInvitationEmail, asks: turn.formAsks === true };
}

/**
 * The use case, with the form to show for field errors. Reads all it needs from the turn before
 * its first wait: it may go on after the turn has ended.
 */
export async function inviteWork(turn: TeamTurn, typed: InviteInput, resend: boolean, origin?: string): Promise<InviteResult> {
  const { deps } = turn;
  const result = await inviteAs(deps, turn.team, turn.caller, typed, { resend, locale: invitationLanguage(turn.port.activity.locale), origin });
  if (result.kind === 'invalid') return { form: inviteFormCard(turn.texts, formDefaults(turn), typed, result.errors) };
  if (result.kind === 'requested') return { request: result.request };
  const { outcome } = result;
  turn.log.info({ outcome: outcome.kind, reason: outcome.refusal ?? outcome.failure, requestId: outcome.trace?.requestId }, 'invitation');
  return { outcome, message: result.message };
}

/** The cards for an invitation's result, built with a live context (the turn's, or a proactive one). */
export async function inviteAnswer(turn: TeamTurn, result: InviteResult): Promise<InviteAnswer> {
  if ('form' in result) return { card: result.form, publicCard: result.form };
  if ('request' in result) {
    // The request card @mentions the owners (their Teams ids and roster names).
    const card = approvalCard(turn.texts, result.request, { revealRedeemUrl: false, mentionOwners: await turn.deps.roster.owners(turn.port, turn.team) });
    return { card, publicCard: card, request: result.request };
  }
  return { ...(await outcomeCards(turn, result.outcome, turn.caller.name, result.message)), outcome: result.outcome };
}

/** The clicker's copy carries the redeem link; the channel's copy only if configuration says so. */
export async function outcomeCards(turn: TeamTurn, outcome: InvitationOutcome, actorName: string, personalMessage?: string): Promise<CardAnswer> {
  // The inviter's and owners' clients fetch their own copy (with the link) by themselves.
  const refreshUserIds = outcome.redeemUrl ? await turn.deps.roster.ownersAnd(turn.port, turn.team, [turn.caller.id]) : [];
  const view = { actorName, refreshUserIds, personalMessage };
  return {
    card: resultCard(turn.texts, outcome, { ...view, revealRedeemUrl: true }),
    publicCard: resultCard(turn.texts, outcome, { ...view, revealRedeemUrl: turn.deps.policy.redeemLinkAudience === 'channel' }),
  };
}

/** Stores where the card lives, so background work (tracking, pending adds, approvals) can update it. */
export async function rememberCards(turn: TeamTurn, answer: InviteAnswer, at: { reference: Record<string, unknown>; activityId: string }): Promise<void> {
  if (answer.outcome?.userId) await turn.deps.records.update(turn.team.groupId, answer.outcome.email, (r) => withCard(r, at));
  if (answer.request) await turn.deps.approvals.patch(turn.team.groupId, answer.request.id, () => ({ card: at }));
}

/** The card shown while an invitation outlives the turn: it says the card updates by itself. */
export function workingCard(turn: TeamTurn, typed: InviteInput): AdaptiveCard {
  const email = typed.email?.trim() ?? '';
  const outcome: InvitationOutcome = { kind: 'inProgress', email, displayName: typed.displayName?.trim() || email };
  return resultCard(turn.texts, outcome, { actorName: turn.caller.name, revealRedeemUrl: false, refreshUserIds: [] });
}

/**
 * The invitation outlived the turn: its card (`at`) shows the working state. The card is also
 * attached to the invitation's claim, so that if this process dies, the worker that finishes the
 * invitation updates it. When the work is done here, the card is updated in place.
 */
export function finishLate(turn: TeamTurn, typed: InviteInput, work: Promise<InviteResult>, at: { reference: Record<string, unknown>; activityId: string }): void {
  const email = typed.email?.trim();
  const attached = email ? turn.deps.invite.intents?.attachCard(turn.team.groupId, email, at).catch(() => false) : undefined;
  void (async () => {
    await attached;
    const result = await work;
    let remembered: InviteAnswer | undefined;
    await turn.deps.publisher.update(at.reference, at.activityId, async (port) => {
      remembered = await inviteAnswer(inPort(turn, port), result);
      return remembered.publicCard ?? remembered.card ?? workingCard(turn, typed);
    });
    if (remembered) await rememberCards(turn, remembered, at);
  })().catch((e: unknown) => turn.log.error({ err: e instanceof Error ? e.message : String(e) }, 'invitation finished after the deadline, but its card was not updated'));
}

/**
 * An invitation from a card click, raced against the card action's deadline: Teams gives up after
 * about 5 s, so past it the working card replaces the clicked one now, and is updated when the
 * invitation is done. One click, one invitation: the late answer never starts a second one.
 */
export async function inviteByClick(turn: TeamTurn, typed: InviteInput, resend: boolean): Promise<{ late: CardAnswer } | { answer: InviteAnswer }> {
  const at = clickedCard(turn);
  const work = inviteWork(turn, typed, resend, at?.activityId);
  const result = await beforeDeadline(work, turn.deps.deadlines.invokeMs);
  if (result !== LATE) return { answer: await inviteAnswer(turn, result) };
  const working = workingCard(turn, typed);
  if (at) {
    await turn.port.update(at.activityId, working);
    finishLate(turn, typed, work, at);
  }
  return { late: { card: working } };
}
