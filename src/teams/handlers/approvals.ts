// A member's request and the owners' decision: Approve, Decline (on the request's card or the
// /requests list), the request card's refresh, and /requests itself.
import type { ApprovalRequest } from '../../domain/approval/approvals';
import { invitationLanguage } from '../../domain/invitation/language';
import { decideRequest, inviteApproved } from '../../domain/approval/decide';
import { approvalCard, cardDateTime, OWNER_VIEW_VERBS } from '../cards';
import { shownAsText } from '../shownAsText';
import { beforeDeadline, clickedCard, inPort, LATE, type CardAnswer, type TeamTurn } from '../teamTurn';
import { VERBS } from '../verbs';
import { command, verb } from './handler';
import { ownersView, postOwnersView, sharedViewOf } from './ownersView';

type CardHome = { reference: Record<string, unknown>; activityId: string };

/** Approve or decline: only an owner's click counts, checked now against Graph, never from card data. */
async function decide(turn: TeamTurn, data: Record<string, unknown>, decision: 'approved' | 'declined'): Promise<CardAnswer> {
  const { deps } = turn;
  const started = Date.now();
  const requestId = typeof data.requestId === 'string' ? data.requestId : '';
  // Decided from the owners' /requests list: the answer is the list again, the request's own card is rewritten.
  const onList = data.via === 'requests';
  const result = await decideRequest(deps, turn.team, turn.caller, requestId, decision);
  if (result.kind === 'notOwner') {
    turn.log.warn({ requestId, role: result.role }, 'decision refused: caller is not an owner');
    return { text: turn.texts.approval.onlyOwners };
  }
  if (result.kind === 'notFound') return { text: turn.texts.approval.notFound };
  if (result.kind === 'alreadyDecided') {
    if (onList) return requestsView(turn, decisionNote(turn, result.request));
    return { card: approvalCard(turn.texts, result.request, { revealRedeemUrl: false }) };
  }
  let request = result.request;
  if (decision === 'approved') {
    // The invitation races the card action's deadline like every other invitation: past it the
    // clicked card shows the approval under way, and is updated when the invitation is done.
    const clicked = clickedCard(turn);
    const work = inviteApprovedNow(turn, request, onList);
    const finished = await beforeDeadline(work, Math.max(0, deps.deadlines.invokeMs - (Date.now() - started)));
    if (finished === LATE) {
      const working = approvalCard(turn.texts, request, { revealRedeemUrl: false });
      // From the /requests list the clicked card is the owners' list: the request's own card is
      // rewritten when the invitation is done, and the list answers now.
      if (onList) {
        finishDecisionLate(turn, work, request.card);
        return requestsView(turn, decisionNote(turn, request));
      }
      if (!clicked) return { card: working };
      await turn.port.update(clicked.activityId, working);
      finishDecisionLate(turn, work, clicked);
      return { card: working };
    }
    request = finished;
  }
  if (request.card && request.card.activityId !== turn.port.activity.replyToId) {
    await deps.notifier?.requestChanged(request).catch((e: unknown) => turn.log.warn({ err: (e as Error).message }, 'request card not updated'));
  }
  if (onList) return requestsView(turn, decisionNote(turn, request));
  return decisionCards(turn, request);
}

/** The approved request's invitation, with what it needs from the turn read now (the work may outlive the turn). */
function inviteApprovedNow(turn: TeamTurn, request: ApprovalRequest, onList: boolean): Promise<ApprovalRequest> {
  const cardAt = onList ? request.card : clickedCard(turn);
  return inviteApproved(turn.deps, turn.team, turn.caller, request, { locale: invitationLanguage(turn.port.activity.locale), cardAt });
}

async function decisionCards(turn: TeamTurn, request: ApprovalRequest): Promise<CardAnswer> {
  const reveal = turn.deps.policy.redeemLinkAudience === 'channel';
  const refreshUserIds = request.outcome?.redeemUrl ? await turn.deps.roster.ownersAnd(turn.port, turn.team, [turn.caller.id]) : [];
  return {
    card: approvalCard(turn.texts, request, { revealRedeemUrl: true, refreshUserIds }),
    publicCard: approvalCard(turn.texts, request, { revealRedeemUrl: reveal, refreshUserIds }),
  };
}

/**
 * An approval whose invitation outlived the card action: the request's card (`at`) shows it under
 * way and is updated in place when the invitation is done (the shared copy; the decider and owners
 * see the redeem link through the card's refresh). If this process dies, background work finishes
 * the approved request and updates its card.
 */
function finishDecisionLate(turn: TeamTurn, work: Promise<ApprovalRequest>, at: CardHome | undefined): void {
  void (async () => {
    const request = await work;
    if (!at) return;
    await turn.deps.publisher.update(at.reference, at.activityId, async (port) => (await decisionCards(inPort(turn, port), request)).publicCard!);
  })().catch((e: unknown) => turn.log.error({ err: e instanceof Error ? e.message : String(e) }, 'approval finished after the deadline, but its card was not updated'));
}

/** The owners' list of open requests, each with Approve and Decline (decided as on the request's card, checked in decide). */
async function requestsView(turn: TeamTurn, note?: string): Promise<CardAnswer> {
  const a = turn.texts.approval;
  const shared = await sharedViewOf(turn, OWNER_VIEW_VERBS.requests, turn.texts.ownersView.requestsTitle);
  return ownersView(turn, shared, async () => {
    const open = await turn.deps.approvals.openForGroup(turn.team.groupId);
    const shown = (value: string) => shownAsText(value, 'card');
    const requests = open.map((r) => ({
      requestId: r.id,
      text: a.openRequestLine(shown(r.requester.name), `${shown(r.invite.displayName)} (${shown(r.invite.email)})`, cardDateTime(r.createdAt)),
    }));
    return { summary: [note, a.openRequests(open.length)].filter(Boolean).join('\n\n'), requests };
  });
}

/** What happened to a request decided from the list, for the owner who clicked. */
function decisionNote(turn: TeamTurn, request: ApprovalRequest): string {
  const a = turn.texts.approval;
  const guest = `${shownAsText(request.invite.displayName, 'card')} (${shownAsText(request.invite.email, 'card')})`;
  const outcome = request.outcome ? ` ${turn.texts.outcomeTitles[request.outcome.kind]}.` : '';
  return `${a.decidedFromList(shownAsText(request.decidedBy?.name ?? '', 'card'), request.status === 'declined' ? a.declinedWord : a.approvedWord, guest)}${outcome}`;
}

export const approveVerb = verb(VERBS.approveRequest, (turn, data) => decide(turn, data, 'approved'));
export const declineVerb = verb(VERBS.declineRequest, (turn, data) => decide(turn, data, 'declined'));
export const requestsViewVerb = verb(VERBS.showRequests, (turn) => requestsView(turn));

/** An approval card shown again (its refresh): the redeem link only for the decider and owners. */
export const refreshRequestVerb = verb(VERBS.refreshRequest, async (turn, data) => {
  const { deps } = turn;
  const request = await deps.approvals.get(turn.team.groupId, typeof data.requestId === 'string' ? data.requestId : '');
  if (!request) return { text: turn.texts.approval.notFound };
  const reveal =
    deps.policy.redeemLinkAudience === 'channel' || request.decidedBy?.id === turn.caller.id || (await deps.roles.ownerIds(turn.team.groupId)).includes(turn.caller.id);
  const refreshUserIds = request.outcome?.redeemUrl ? await deps.roster.ownersAnd(turn.port, turn.team, [request.decidedBy?.id ?? '']) : [];
  return { card: approvalCard(turn.texts, request, { revealRedeemUrl: reveal, refreshUserIds }) };
});

export const requestsCommand = command('requests', async (turn) => {
  const o = turn.texts.ownersView;
  await postOwnersView(turn, turn.texts.approval.ownersOnly, async (team) => ({
    verb: OWNER_VIEW_VERBS.requests,
    title: o.requestsTitle,
    summary: o.ownersOnly(shownAsText(team.caller.name, 'card')),
    refreshUserIds: await turn.deps.roster.ownersAnd(team.port, team.team, [team.caller.id]),
  }));
});
