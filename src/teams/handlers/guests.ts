// Where guests stand: /status for one guest (members and owners), /guests and its owners' view.
import { checkEmail } from '../../domain/invitation/email';
import { guestStatus, teamGuests } from '../../domain/status/guestStatus';
import type { InvitationRecord } from '../../domain/invitation/records';
import { awaitsDecision, reviewDueAt, reviewStateOf } from '../../domain/lifecycle/lifecycle';
import { cardDateTime, OWNER_VIEW_VERBS } from '../cards';
import { shownAsText } from '../shownAsText';
import { reply, report, type TeamTurn } from '../teamTurn';
import { VERBS } from '../verbs';
import { command, verb } from './handler';
import { ownersView, postOwnersView, sharedViewOf } from './ownersView';

const GUESTS_PER_PAGE = 20;

export const statusCommand = command('status', async (turn, cmd) => {
  const s = turn.texts.status;
  const rawEmail = cmd.email;
  const email = checkEmail(rawEmail);
  if (!email.ok) return reply(turn, rawEmail ? turn.texts.fieldErrors[email.code] : s.usage);
  await report(turn, (role) => role === 'owner' || role === 'member', s.membersOnly, async (team) => {
    const g = await guestStatus(turn.deps, team.team.groupId, email.value);
    if (!g.user && !g.record) return s.notFound(shownAsText(email.value, 'message'));
    return [
      s.heading(shownAsText(g.displayName, 'message'), shownAsText(g.email, 'message')),
      g.record ? s.invited(turn.texts.when(g.record.createdAt), shownAsText(g.record.invitedBy.name, 'message')) : s.notInvitedHere,
      g.state ? s.state(turn.texts.states[g.state], turn.texts.when(g.stateChangedAt)) : '',
      s.inTeam(g.inTeam),
      g.record ? s.lastOutcome(turn.texts.outcomeTitles[g.record.outcome]) : '',
      g.record?.removedAt && !g.inTeam ? s.removed(turn.texts.when(g.record.removedAt), shownAsText(g.record.removedBy?.name ?? '', 'message')) : '',
    ]
      .filter(Boolean)
      .join('\n');
  });
});

export const guestsCommand = command('guests', async (turn, cmd) => {
  const o = turn.texts.ownersView;
  const { page, due } = { page: cmd.page, due: cmd.due === true };
  await postOwnersView(turn, turn.texts.guests.ownersOnly, async (team) => ({
    verb: OWNER_VIEW_VERBS.guests,
    data: due ? { page, due } : { page },
    title: o.guestsTitle,
    summary: o.ownersOnly(shownAsText(team.caller.name, 'card')),
    refreshUserIds: await turn.deps.roster.ownersAnd(team.port, team.team, [team.caller.id]),
  }));
});

export const guestsViewVerb = verb(VERBS.showGuests, async (turn: TeamTurn, data) => {
  const t = turn.texts.guests;
  const page = typeof data.page === 'number' && Number.isInteger(data.page) && data.page > 0 ? data.page : 1;
  const due = data.due === true;
  const shared = await sharedViewOf(turn, OWNER_VIEW_VERBS.guests, turn.texts.ownersView.guestsTitle, due ? { page, due } : { page });
  return ownersView(turn, shared, async () => {
    const { reviewMs } = turn.deps.lifecycle.times;
    const now = turn.deps.invite.now();
    const result = await teamGuests(turn.deps, turn.team.groupId, page, GUESTS_PER_PAGE, due ? (r) => awaitsDecision(r, reviewMs, now) : undefined);
    if (result.total === 0) return due ? turn.texts.lifecycle.dueNone : t.none;
    // These lines are card text now (the owners' view), so escaped as card text.
    const shown = (value: string) => shownAsText(value, 'card');
    const review = (record: InvitationRecord | undefined) => {
      if (!record) return '';
      const state = reviewStateOf(record, reviewMs, now);
      const when = state === 'removed' || state === 'expired' || state === 'withdrawn' ? record.removal?.at : reviewDueAt(record, reviewMs);
      return turn.texts.lifecycle.guestsReview(turn.texts.lifecycle.states[state], cardDateTime(when));
    };
    const lines = result.items.map(
      (g) =>
        t.line(shown(g.displayName), shown(g.email), g.state ? turn.texts.states[g.state] : '?', cardDateTime(g.record?.createdAt), shown(g.record?.invitedBy.name ?? ''), g.inTeam) +
        review(g.record),
    );
    const heading = due ? turn.texts.lifecycle.dueHeading(result.total) : t.heading(result.total, result.page, result.pages);
    return { summary: heading, lines: result.page < result.pages ? [...lines, due ? '' : t.more(result.page + 1)].filter(Boolean) : lines };
  });
});
