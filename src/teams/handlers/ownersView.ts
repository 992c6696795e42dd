// /guests, /requests and /audit are for owners only, and a channel is read by members and guests
// too: the reply is a card whose channel copy names only what it is and who asked; the owners'
// clients (for /audit: the asker's alone) fetch the content as their own view, checked on the
// server at every refresh, so a member who picks "Refresh" sees nothing more.
import { DirectoryError } from '../../domain/directory';
import { ownersViewCard, type OwnersView, type OwnerViewVerb } from '../cards';
import { failureText, replyCard, report, type CardAnswer, type TeamTurn, type Turn } from '../teamTurn';

/** Posts the channel copy of an owners' view, after checking the caller is an owner now. */
export async function postOwnersView(turn: Turn, refusal: string, view: (team: TeamTurn) => Promise<OwnersView>): Promise<void> {
  await report(turn, (role) => role === 'owner', refusal, async (team) => {
    await replyCard(turn, ownersViewCard(turn.texts, { ...(await view(team)), showButton: true }));
    return undefined;
  });
}

/**
 * The owners' own copy of a view, or the channel copy again for anyone else. Checked now, against
 * Graph, whoever asks: the card's data only says which view.
 */
export async function ownersView(turn: TeamTurn, shared: OwnersView, render: () => Promise<Partial<OwnersView> | string>): Promise<CardAnswer> {
  const role = await turn.deps.roles.roleOf(turn.team.groupId, turn.caller.id).catch(() => 'outsider' as const);
  if (role !== 'owner') return { card: ownersViewCard(turn.texts, { ...shared, summary: turn.texts.ownersView.notOwner, showButton: false }) };
  try {
    const view = await render();
    if (typeof view === 'string') return { card: ownersViewCard(turn.texts, { ...shared, summary: view, showButton: false }) };
    return { card: ownersViewCard(turn.texts, { ...shared, ...view, showButton: false }) };
  } catch (e) {
    if (!(e instanceof DirectoryError)) throw e;
    return { text: failureText(turn, e) };
  }
}

/** The channel copy of an owners' view, as a refresh must keep it (same verb, same viewers). */
export async function sharedViewOf(turn: TeamTurn, verb: OwnerViewVerb, title: string, data?: Record<string, unknown>): Promise<OwnersView> {
  return { verb, data, title, summary: '', refreshUserIds: await turn.deps.roster.ownersAnd(turn.port, turn.team, [turn.caller.id]) };
}
