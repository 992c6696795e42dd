// An invitation's card after it was posted: shown again (Teams' refresh, "Show redeem link"),
// and Resend from it.
import type { InvitationRecord } from '../../domain/invitation/records';
import { inviteRight } from '../../domain/policy';
import { recordAsShown } from '../../domain/status/guestStatus';
import { recordCard } from '../cardUpdates';
import { reasonText } from '../reasons';
import { audit, type CardAnswer, type TeamTurn } from '../teamTurn';
import { VERBS } from '../verbs';
import { verb } from './handler';
import { inviteByClick } from './invitation';

/** The record a card names, in this team: the team comes from the activity, never from card data. */
export async function recordFor(turn: TeamTurn, data: Record<string, unknown>): Promise<InvitationRecord | undefined> {
  const email = typeof data.email === 'string' ? data.email : '';
  return email ? turn.deps.records.get(turn.team.groupId, email) : undefined;
}

async function mayRevealLink(turn: TeamTurn, record: InvitationRecord): Promise<boolean> {
  if (turn.deps.policy.redeemLinkAudience === 'channel' || record.invitedBy.id === turn.caller.id) return true;
  return (await turn.deps.roles.ownerIds(turn.team.groupId)).includes(turn.caller.id);
}

async function invitationCard(turn: TeamTurn, data: Record<string, unknown>, options: { refresh: boolean; confirmResend?: boolean }): Promise<CardAnswer> {
  const { deps } = turn;
  let record = await recordFor(turn, data);
  if (!record) return { text: turn.texts.cardExpired };
  if (options.refresh) record = await recordAsShown(deps, record);
  const reveal = await mayRevealLink(turn, record);
  return { card: await recordCard(turn.texts, record, (r) => deps.roster.ownersAnd(turn.port, turn.team, [r.invitedBy.id]), reveal, options.confirmResend) };
}

export const showRedeemLinkVerb = verb(VERBS.showRedeemLink, (turn, data) => invitationCard(turn, data, { refresh: false }));
export const refreshInvitationVerb = verb(VERBS.refreshInvitation, (turn, data) => invitationCard(turn, data, { refresh: true }));
export const confirmResendVerb = verb(VERBS.confirmResend, (turn, data) => invitationCard(turn, data, { refresh: false, confirmResend: true }));

export const resendVerb = verb(VERBS.resendInvitation, async (turn, data) => {
  const record = await recordFor(turn, data);
  if (!record) return { text: turn.texts.cardExpired };
  // Someone who may not invite gets a private answer; the card everyone shares stays as it is.
  const right = inviteRight(await turn.deps.roles.roleOf(turn.team.groupId, turn.caller.id), turn.deps.policy.invitePolicy);
  if (right.kind !== 'invite') {
    const code = right.kind === 'refuse' ? right.code : 'callerNotOwner';
    await audit(turn, 'refuse', record.email, 'refused', { reason: code });
    return { text: reasonText(turn.texts, code) };
  }
  const typed = { email: record.email, displayName: record.displayName, sendEmail: record.emailSent ?? turn.deps.policy.sendInvitationEmail };
  const clicked = await inviteByClick(turn, typed, true);
  if ('late' in clicked) return clicked.late;
  const answer = clicked.answer;
  // Only a new invitation changes the shared card; anything else (already accepted, a Graph failure) is the clicker's.
  return answer.outcome?.kind === 'reinvited' ? answer : { card: answer.card };
});
