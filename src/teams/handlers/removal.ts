// `/remove <email>` and its confirmation card (src/teams/removal.ts decides and renders).
import { reply, replyCard, teamTurnOf } from '../teamTurn';
import { VERBS } from '../verbs';
import { command, verb } from './handler';

export const removeCommand = command('remove', async (turn, cmd) => {
  const team = await teamTurnOf(turn);
  if ('refusal' in team) return reply(turn, team.refusal);
  const answer = await turn.deps.removal.command(turn.texts, team.team, team.caller, cmd.email);
  if (answer.card) await replyCard(turn, answer.card);
  else await reply(turn, answer.text ?? '');
});

export const askRemovalVerb = verb(VERBS.askRemoval, (turn, data) => turn.deps.removal.askFromCard(turn.texts, turn.team, turn.caller, data));
export const confirmRemovalVerb = verb(VERBS.confirmRemoval, (turn, data) => turn.deps.removal.confirm(turn.texts, turn.team, turn.caller, data));
export const cancelRemovalVerb = verb(VERBS.cancelRemoval, (turn, data) => turn.deps.removal.cancel(turn.texts, turn.team, turn.caller, data));
