// The guest lifecycle's cards: a review (Keep, Remove) and a pending guest (Withdraw).
import { DirectoryError } from '../../domain/directory';
import { inviteRight } from '../../domain/policy';
import { reviewCard, withdrawnCard, type AdaptiveCard } from '../cards';
import { reviewStateOfCard } from '../cardUpdates';
import { audit, failureText, type TeamTurn } from '../teamTurn';
import { VERBS } from '../verbs';
import { verb } from './handler';
import { recordFor } from './invitationCard';

/** A review card's own copy (its refresh): the buttons for an owner, the channel's copy for anyone else; decided reviews show how they ended. */
export const reviewViewVerb = verb(VERBS.showReview, async (turn, data) => {
  const { deps } = turn;
  const record = await recordFor(turn, data);
  if (!record) return { text: turn.texts.lifecycle.notFound };
  const dueAt = typeof data.dueAt === 'string' ? data.dueAt : '';
  const ended = reviewStateOfCard(record);
  if (record.removal || record.review?.dueAt !== dueAt || !record.review.notifiedAt) {
    return { card: reviewCard(turn.texts, record, dueAt, { state: ended ?? 'kept' }) };
  }
  const deciders = await deps.lifecycle.decidersOf(record).catch(() => [] as string[]);
  const role = await deps.roles.roleOf(turn.team.groupId, turn.caller.id).catch(() => 'outsider' as const);
  return {
    card: reviewCard(turn.texts, record, dueAt, {
      state: 'open',
      reminder: (record.review.cards ?? []).findIndex((c) => c.activityId === turn.port.activity.replyToId) > 0,
      mentions: await deps.roster.members(turn.port, turn.team.teamId, deciders),
      refreshUserIds: await deps.roster.teamsIdsOf(turn.port, turn.team.teamId, deciders),
      showButtons: role === 'owner',
    }),
  };
});

/** Keep or Remove: only an owner's click counts, checked now against Graph; decided once (ETag claim on the record). */
async function decideReview(turn: TeamTurn, data: Record<string, unknown>, decision: 'keep' | 'remove') {
  const { deps } = turn;
  const l = turn.texts.lifecycle;
  const email = typeof data.email === 'string' ? data.email : '';
  const dueAt = typeof data.dueAt === 'string' ? data.dueAt : '';
  const role = await deps.roles.roleOf(turn.team.groupId, turn.caller.id, { fresh: true }).catch(() => 'outsider' as const);
  if (role !== 'owner') {
    turn.log.warn({ role, decision }, 'review decision refused: caller is not an owner');
    await audit(turn, 'refuse', email, 'refused', { reason: 'callerNotOwner' });
    return { text: l.onlyOwners };
  }
  const result = await deps.lifecycle.decide(turn.team.groupId, email, dueAt, turn.caller, decision);
  if (result.kind === 'notFound') return { text: l.notFound };
  if (result.kind === 'alreadyDecided') {
    const ended = reviewStateOfCard(result.record);
    return ended ? { card: reviewCard(turn.texts, result.record, dueAt, { state: ended }) } : { text: l.alreadyDecided };
  }
  if (result.kind === 'failed') {
    turn.log.warn({ err: result.error instanceof Error ? result.error.message : String(result.error) }, 'guest not removed');
    return { text: result.error instanceof DirectoryError ? failureText(turn, result.error) : turn.texts.somethingWentWrong('remove') };
  }
  const card = reviewCard(turn.texts, result.record, dueAt, { state: decision === 'keep' ? 'kept' : 'removed' });
  await updateOtherCards(turn, result.cards, card);
  return { card, publicCard: card };
}

/** The decided state on the review's other cards (the card and its reminder), not the one clicked. */
async function updateOtherCards(turn: TeamTurn, cards: { reference: Record<string, unknown>; activityId: string }[], card: AdaptiveCard): Promise<void> {
  for (const at of cards.filter((c) => c.activityId !== turn.port.activity.replyToId)) {
    await turn.deps.publisher.update(at.reference, at.activityId, card).catch((e: unknown) => turn.log.warn({ err: (e as Error).message }, 'review card not updated'));
  }
}

export const keepVerb = verb(VERBS.keepGuest, (turn, data) => decideReview(turn, data, 'keep'));
export const removeVerb = verb(VERBS.removeGuest, (turn, data) => decideReview(turn, data, 'remove'));

/** Withdraw a pending guest: an owner, or the inviter while they may still invite. */
export const withdrawVerb = verb(VERBS.withdrawGuest, async (turn, data) => {
  const { deps } = turn;
  const l = turn.texts.lifecycle;
  const record = await recordFor(turn, data);
  if (!record) return { text: l.notFound };
  const role = await deps.roles.roleOf(turn.team.groupId, turn.caller.id, { fresh: true }).catch(() => 'outsider' as const);
  const inviter = record.invitedBy.id === turn.caller.id && inviteRight(role, deps.policy.invitePolicy).kind === 'invite';
  if (role !== 'owner' && !inviter) {
    await audit(turn, 'refuse', record.email, 'refused', { reason: 'callerNotOwner' });
    return { text: l.onlyOwnersOrInviter };
  }
  const result = await deps.lifecycle.withdraw(turn.team.groupId, record.email, turn.caller);
  if (result.kind === 'notFound') return { text: l.notFound };
  if (result.kind === 'alreadyDecided') return { text: l.alreadyAccepted };
  if (result.kind === 'failed') {
    return { text: result.error instanceof DirectoryError ? failureText(turn, result.error) : turn.texts.somethingWentWrong('withdraw') };
  }
  const card = withdrawnCard(turn.texts, result.record);
  return { card, publicCard: card };
});
