// `/invite`, `/invite-card` and the invite form's button.
import { parseInviteLines } from '../../domain/commands';
import { inviteInputSchema, oversizedFields, type InviteInput } from '../../domain/invitation/email';
import { inviteRight } from '../../domain/policy';
import { inviteFormCard } from '../cards';
import { beforeDeadline, clickedCard, LATE, reply, replyCard, teamTurnOf, type CardAnswer, type TeamTurn } from '../teamTurn';
import { VERBS } from '../verbs';
import { command, verb } from './handler';
import { finishLate, formDefaults, inviteAnswer, inviteByClick, inviteWork, rememberCards, workingCard } from './invitation';

export const inviteCommand = command('invite', async (turn, cmd) => {
  const team = await teamTurnOf(turn);
  if ('refusal' in team) return reply(turn, team.refusal);
  if (cmd.lines.length > 1) {
    const answer = await turn.deps.bulk.preview(team.team, team.caller, cmd.lines, { sendEmail: cmd.sendEmail, locale: turn.port.activity.locale });
    return answer.card ? void (await replyCard(turn, answer.card)) : reply(turn, answer.text ?? '');
  }
  const line = cmd.lines[0]!;
  const typed: InviteInput = { email: line.email, displayName: line.displayName, sendEmail: cmd.sendEmail };
  const work = inviteWork(team, typed, cmd.resend);
  const result = await beforeDeadline(work, turn.deps.deadlines.messageMs);
  if (result === LATE) {
    // Answer now with a working card, and update it in place when the invitation is done.
    const activityId = await replyCard(turn, workingCard(team, typed));
    if (activityId) finishLate(team, typed, work, { reference: turn.port.reference() as Record<string, unknown>, activityId });
    return;
  }
  const answer = await inviteAnswer(team, result);
  if (answer.text) return reply(turn, answer.text);
  const card = answer.publicCard ?? answer.card;
  if (!card) return;
  const activityId = await replyCard(turn, card);
  if (activityId) await rememberCards(team, answer, { reference: turn.port.reference() as Record<string, unknown>, activityId });
});

export const inviteCardCommand = command('inviteCard', async (turn) => {
  const team = await teamTurnOf(turn);
  if ('refusal' in team) return reply(turn, team.refusal);
  // The form is posted per caller: a member under the approval policy sees that it sends a request.
  const role = await turn.deps.roles.roleOf(team.team.groupId, team.caller.id).catch(() => 'outsider' as const);
  const asks = inviteRight(role, turn.deps.policy.invitePolicy).kind === 'request';
  await replyCard(turn, inviteFormCard(turn.texts, { sendEmail: turn.deps.policy.sendInvitationEmail, asks }));
});

export const inviteVerb = verb(VERBS.invite, async (turn: TeamTurn, data): Promise<CardAnswer> => {
  turn.formAsks = data.asks === true || data.asks === 'true';
  const parsed = inviteInputSchema.safeParse(data);
  const typed: InviteInput = parsed.success ? parsed.data : {};
  // Field sizes are checked before anything parses them.
  const oversized = oversizedFields(typed);
  if (Object.keys(oversized).length > 0) {
    const card = inviteFormCard(turn.texts, formDefaults(turn), typed, oversized);
    return { card, publicCard: card };
  }
  const list = parseInviteLines(typed.bulk ?? '');
  const inEmailField = parseInviteLines(typed.email ?? '');
  if (list.length > 0 || inEmailField.length > 1) {
    // The card's list (plus the address field, which may name several people too) is a bulk invitation.
    const one = inEmailField.length === 1 ? inEmailField[0]! : undefined;
    const single = one ? [{ ...one, displayName: typed.displayName?.trim() || one.displayName, raw: `${typed.email ?? ''} ${typed.displayName ?? ''}`.trim() }] : inEmailField;
    const lines = [...single, ...list];
    const sendEmail = typed.sendEmail === undefined ? undefined : typed.sendEmail === true || typed.sendEmail === 'true';
    return turn.deps.bulk.preview(turn.team, turn.caller, lines, { sendEmail, message: typed.message || undefined, locale: turn.port.activity.locale });
  }
  const clicked = await inviteByClick(turn, typed, false);
  if ('late' in clicked) return clicked.late;
  const at = clickedCard(turn);
  if (at) await rememberCards(turn, clicked.answer, at);
  return clicked.answer;
});
