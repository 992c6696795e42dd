// A member's request for an invitation, as the owners and the channel see it.
import type { Texts } from '../../text/en';
import approvalTemplate from './approval.json';
import type { ApprovalRequest } from '../../domain/approval/approvals';
import { outcomeReason } from '../reasons';
import { shownAsText } from '../shownAsText';
import { cardDateTime, expand, atText, type AdaptiveCard, type CardMention } from './expand';
import { STYLES, type ResultCardData } from './result';

export interface ApprovalCardData {
  /** "Owners: <at>…</at>, …" while the request is open; empty after. */
  owners: string;
  /** When it was asked and decided, as each reader's Teams shows dates ({{DATE}}/{{TIME}}). */
  requestedAtText: string;
  decidedAtText: string;
  texts: Texts['approval'] & Pick<Texts['result'], 'redeemLink' | 'redeemLinkHint' | 'openRedeemLink' | 'refresh'>;
  requestId: string;
  open: boolean;
  title: string;
  summary: string;
  style: ResultCardData['style'];
  facts: { title: string; value: string }[];
  message: string;
  reason: string;
  redeemUrl: string;
  /** Teams user ids whose clients fetch their own copy (the decider and owners, once there is a link). */
  refreshUserIds: string[];
}

export function approvalCard(
  texts: Texts,
  request: ApprovalRequest,
  view: { revealRedeemUrl: boolean; refreshUserIds?: string[]; mentionOwners?: CardMention[]; reminder?: boolean },
): AdaptiveCard {
  const a = texts.approval;
  const guest = `${shownAsText(request.invite.displayName)} (${shownAsText(request.invite.email)})`;
  const requester = shownAsText(request.requester.name);
  const decider = shownAsText(request.decidedBy?.name ?? '');
  const facts = [
    { title: a.requestedBy, value: requester },
    { title: a.guest, value: shownAsText(request.invite.email) },
    { title: a.name, value: shownAsText(request.invite.displayName) },
  ];
  if (request.decidedBy) facts.push({ title: a.decidedBy, value: decider });
  const outcome = request.outcome;
  if (outcome?.state) facts.push({ title: texts.result.status, value: texts.states[outcome.state] });
  if (outcome?.trace?.requestId && (outcome.kind === 'failed' || outcome.kind === 'refused')) facts.push({ title: texts.result.requestId, value: outcome.trace.requestId });

  let title = view.reminder ? a.reminderTitle : a.requestTitle;
  let summary = a.requestSummary(requester, guest);
  let style: ResultCardData['style'] = 'accent';
  let reason = '';
  if (request.status === 'declined') {
    title = a.declinedTitle;
    summary = a.declinedSummary(decider, guest);
    style = 'emphasis';
  } else if (request.status === 'approved') {
    if (outcome) {
      title = a.approvedTitle(texts.outcomeTitles[outcome.kind]);
      summary = a.approvedSummary(decider, texts.outcomeSummaries[outcome.kind](shownAsText(outcome.displayName)));
      style = STYLES[outcome.kind];
      reason = outcomeReason(texts, outcome);
    } else {
      title = a.approvedTitle('…');
      summary = a.approvedPending(decider);
      style = 'warning';
    }
  }
  const mentions = request.status === 'open' ? (view.mentionOwners ?? []) : [];
  const data: ApprovalCardData = {
    owners: mentions.length > 0 ? a.ownersMentioned(mentions.map((m) => atText(m.name)).join(', ')) : '',
    requestedAtText: a.requestedAtText(cardDateTime(request.createdAt)),
    decidedAtText: request.decidedAt ? a.decidedAtText(cardDateTime(request.decidedAt)) : '',
    texts: { ...a, redeemLink: texts.result.redeemLink, redeemLinkHint: texts.result.redeemLinkHint, openRedeemLink: texts.result.openRedeemLink, refresh: texts.result.refresh },
    requestId: request.id,
    open: request.status === 'open',
    title,
    summary,
    style,
    facts,
    message: shownAsText(request.invite.message ?? ''),
    reason,
    redeemUrl: view.revealRedeemUrl && outcome?.redeemUrl ? outcome.redeemUrl : '',
    refreshUserIds: outcome?.redeemUrl ? (view.refreshUserIds ?? []).slice(0, 60) : [],
  };
  const card = expand(approvalTemplate, data);
  if (mentions.length > 0) card.msteams = { entities: mentions.map((m) => ({ type: 'mention', text: atText(m.name), mentioned: { id: m.id, name: m.name } })) };
  return card;
}
