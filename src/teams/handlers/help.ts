// Help, the welcome when Guest Pass joins a team, and the answers to what is not a command.
import { infoCard } from '../cards';
import { shownAsText } from '../shownAsText';
import { placeOf, reply, replyCard, type Turn } from '../teamTurn';
import { command } from './handler';

/** Help as a card: what the bot does, the policy in force and, in a team, who its owners are. */
export const helpCommand = command('help', async (turn) => {
  const h = turn.texts.helpCard;
  let owners = '';
  const place = await placeOf(turn);
  if (!('refusal' in place) && place.kind === 'team') {
    const names = (await turn.deps.roster.owners(turn.port, place.team)).map((o) => shownAsText(o.name));
    if (names.length > 0) owners = h.owners(names.join(', '));
  }
  const commands = h.commands.map((c) => ({ command: shownAsText(c.command), what: c.what }));
  await replyCard(turn, infoCard({ title: h.title, paragraphs: [h.intro], commands, policy: h.policies[turn.deps.policy.invitePolicy], owners }));
});

export const unknownCommand = command('unknown', (turn, cmd) =>
  reply(turn, turn.texts.unknownCommandClosest(shownAsText(cmd.word, 'message'), cmd.closest, turn.texts.commandExamples[cmd.closest])),
);

export const tooLongCommand = command('tooLong', (turn, cmd) => reply(turn, turn.texts.commandTooLong(cmd.length, cmd.max)));

/** When Guest Pass itself is added to a team: what it does and which policy applies. */
export async function welcome(turn: Turn): Promise<void> {
  const a = turn.port.activity;
  if (!(a.membersAdded ?? []).some((m) => m.id === a.recipient?.id)) return;
  const { texts } = turn;
  await replyCard(turn, infoCard({ title: texts.welcome.title, paragraphs: [texts.welcome.body], commands: [], policy: texts.helpCard.policies[turn.deps.policy.invitePolicy], owners: '' }));
}
