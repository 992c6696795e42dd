// Cards are JSON templates (this folder) expanded with typed data by adaptivecards-templating.
// This file is the only place that knows both the templates and the data they need.
// Every value people typed goes through shownAsText before it enters the data of a card that
// displays it (Input values and action data stay as they are).
import { Template } from 'adaptivecards-templating';
import { MAX_FIELD_INPUT, type InviteFieldErrors, type InviteInput } from '../../domain/email';
import type { InvitationOutcome } from '../../domain/outcome';
import type { Texts } from '../../text/en';
import inviteFormTemplate from './inviteForm.json';
import resultTemplate from './result.json';
import approvalTemplate from './approval.json';
import ownersViewTemplate from './ownersView.json';
import type { ApprovalRequest } from '../../domain/approvals';
import { shownAsText } from '../shownAsText';

export type AdaptiveCard = Record<string, unknown>;

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

export function expand<T extends object>(template: object, data: T): AdaptiveCard {
  return withoutNulls(new Template(template).expand({ $root: data })) as AdaptiveCard;
}

export interface InviteFormData {
  texts: Texts['inviteCard'];
  values: { email: string; displayName: string; message: string; bulk: string; sendEmail: 'true' | 'false' };
  errors: { email: string; displayName: string; message: string; bulk: string };
}

export function inviteFormCard(texts: Texts, defaults: { sendEmail: boolean }, typed: InviteInput = {}, errors: InviteFieldErrors = {}): AdaptiveCard {
  const sendEmail = typed.sendEmail === undefined ? defaults.sendEmail : typed.sendEmail === true || typed.sendEmail === 'true';
  // What was typed comes back for correction, except a value over its field's cap (it has its error).
  const kept = (field: keyof typeof MAX_FIELD_INPUT) => ((typed[field] ?? '').length > MAX_FIELD_INPUT[field] ? '' : (typed[field] ?? ''));
  const data: InviteFormData = {
    texts: texts.inviteCard,
    values: { email: kept('email'), displayName: kept('displayName'), message: kept('message'), bulk: kept('bulk'), sendEmail: sendEmail ? 'true' : 'false' },
    errors: {
      email: errors.email ? texts.fieldErrors[errors.email] : '',
      displayName: errors.displayName ? texts.fieldErrors[errors.displayName] : '',
      message: errors.message ? texts.fieldErrors[errors.message] : '',
      bulk: errors.bulk ? texts.fieldErrors[errors.bulk] : '',
    },
  };
  return expand(inviteFormTemplate, data);
}

export interface ResultCardData {
  texts: Texts['result'];
  email: string;
  title: string;
  summary: string;
  style: 'good' | 'attention' | 'warning' | 'accent' | 'emphasis';
  facts: { title: string; value: string }[];
  reason: string;
  reasonColor: 'Default' | 'Attention' | 'Warning';
  message: string;
  redeemUrl: string;
  redeemHidden: boolean;
  canResend: boolean;
  canRefresh: boolean;
  /** A guest in the team: owners may remove them (checked when pressed, src/domain/removal.ts). */
  canRemove: boolean;
  refreshUserIds: string[];
}

export interface ResultView {
  /** Whoever invited or asked. */
  actorName: string;
  /** Whether this copy of the card may carry the redeem link (the inviter's and owners' copies). */
  revealRedeemUrl: boolean;
  /** Users whose clients fetch their own copy of the card (inviter and owners; at most 60). */
  refreshUserIds: string[];
  personalMessage?: string;
  when?: Date;
}

const STYLES: Record<InvitationOutcome['kind'], ResultCardData['style']> = {
  invited: 'good',
  reinvited: 'good',
  added: 'good',
  alreadyInTeam: 'emphasis',
  requested: 'accent',
  pendingAdd: 'warning',
  inProgress: 'accent',
  refused: 'attention',
  failed: 'attention',
};

function summaryOf(texts: Texts, outcome: InvitationOutcome): string {
  const name = shownAsText(outcome.displayName);
  if (outcome.kind === 'refused' && outcome.invitationId) return texts.refusedAfterInvitation(name);
  if (outcome.state === 'Accepted' && ['invited', 'reinvited', 'added'].includes(outcome.kind)) return texts.acceptedSummary(name);
  return texts.outcomeSummaries[outcome.kind](name);
}

const IN_TEAM = new Set<InvitationOutcome['kind']>(['invited', 'reinvited', 'added', 'alreadyInTeam']);

export function resultCardData(texts: Texts, outcome: InvitationOutcome, view: ResultView): ResultCardData {
  const t = texts.result;
  const facts = [
    { title: t.email, value: shownAsText(outcome.email) },
    { title: t.name, value: shownAsText(outcome.displayName) },
  ];
  if (outcome.state) facts.push({ title: t.status, value: texts.states[outcome.state] });
  if (outcome.emailSent !== undefined && outcome.redeemUrl) facts.push({ title: t.invitationEmail, value: outcome.emailSent ? t.emailSent : t.emailNotSent });
  facts.push({ title: outcome.kind === 'requested' ? t.requestedBy : t.invitedBy, value: shownAsText(view.actorName) });
  if (outcome.trace?.graphCode && (outcome.kind === 'failed' || outcome.kind === 'refused')) facts.push({ title: t.graphCode, value: outcome.trace.graphCode });
  if (outcome.trace?.requestId && (outcome.kind === 'failed' || outcome.kind === 'refused')) facts.push({ title: t.requestId, value: outcome.trace.requestId });

  let reason = '';
  if (outcome.refusal) reason = texts.refusals[outcome.refusal](outcome.detail ?? '');
  else if (outcome.failure) reason = texts.failures[outcome.failure](outcome.detail ?? '');

  const hasLink = outcome.redeemUrl !== undefined && outcome.redeemUrl !== '';
  const pendingGuest = outcome.state === 'PendingAcceptance' && outcome.userId !== undefined;
  return {
    texts: t,
    email: outcome.email,
    title: texts.outcomeTitles[outcome.kind],
    summary: summaryOf(texts, outcome),
    style: STYLES[outcome.kind],
    facts,
    reason,
    reasonColor: outcome.kind === 'failed' || outcome.kind === 'refused' ? 'Attention' : 'Default',
    message: shownAsText(view.personalMessage ?? ''),
    redeemUrl: hasLink && view.revealRedeemUrl ? outcome.redeemUrl! : '',
    redeemHidden: hasLink && !view.revealRedeemUrl,
    // Only an invitation Guest Pass made for this team may be resent (a new link for someone
    // else's guest would let this team's owners start redeeming that account).
    canResend: pendingGuest && outcome.invitationId !== undefined && outcome.kind !== 'requested',
    canRefresh: outcome.userId !== undefined,
    canRemove: outcome.userId !== undefined && (outcome.state === 'PendingAcceptance' || outcome.state === 'Accepted') && IN_TEAM.has(outcome.kind),
    refreshUserIds: view.refreshUserIds.slice(0, 60),
  };
}

export function resultCard(texts: Texts, outcome: InvitationOutcome, view: ResultView): AdaptiveCard {
  return expand(resultTemplate, resultCardData(texts, outcome, view));
}

export interface ApprovalCardData {
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

export function approvalCard(texts: Texts, request: ApprovalRequest, view: { revealRedeemUrl: boolean; refreshUserIds?: string[] }): AdaptiveCard {
  const a = texts.approval;
  const guest = `${shownAsText(request.invite.displayName)} (${shownAsText(request.invite.email)})`;
  const requester = shownAsText(request.requester.name);
  const decider = shownAsText(request.decidedBy?.name ?? '');
  const facts = [
    { title: a.requestedBy, value: requester },
    { title: a.guest, value: shownAsText(request.invite.email) },
    { title: a.name, value: shownAsText(request.invite.displayName) },
    { title: a.requestedAt, value: texts.when(request.createdAt) },
  ];
  if (request.decidedBy) facts.push({ title: a.decidedBy, value: decider }, { title: a.decidedAt, value: texts.when(request.decidedAt) });
  const outcome = request.outcome;
  if (outcome?.state) facts.push({ title: texts.result.status, value: texts.states[outcome.state] });
  if (outcome?.trace?.requestId && (outcome.kind === 'failed' || outcome.kind === 'refused')) facts.push({ title: texts.result.requestId, value: outcome.trace.requestId });

  let title = a.requestTitle;
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
      if (outcome.refusal) reason = texts.refusals[outcome.refusal](outcome.detail ?? '');
      else if (outcome.failure) reason = texts.failures[outcome.failure](outcome.detail ?? '');
    } else {
      title = a.approvedTitle('…');
      summary = a.approvedPending(decider);
      style = 'warning';
    }
  }
  const data: ApprovalCardData = {
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
  return expand(approvalTemplate, data);
}

/** The card verbs of views only some people may see; the shared card names the verb, never the content. */
export const OWNER_VIEW_VERBS = { guests: 'showGuests', requests: 'showRequests', audit: 'showAuditLink' } as const;
export type OwnerViewVerb = (typeof OWNER_VIEW_VERBS)[keyof typeof OWNER_VIEW_VERBS];

export interface OwnersViewData {
  texts: Texts['ownersView'];
  verb: OwnerViewVerb;
  /** What the server needs to render the view again; never the content itself. */
  data: Record<string, unknown>;
  title: string;
  summary: string;
  lines: string[];
  linkUrl: string;
  showButton: boolean;
  refreshUserIds: string[];
}

export interface OwnersView {
  verb: OwnerViewVerb;
  data?: Record<string, unknown>;
  title: string;
  summary: string;
  lines?: string[];
  linkUrl?: string;
  showButton?: boolean;
  refreshUserIds: string[];
}

/**
 * A view for some people only (owners, or the owner who asked), delivered as Teams delivers
 * user-specific views: the channel's copy carries a title and who may see it; the listed viewers'
 * clients fetch their own copy through the refresh action, which the server checks.
 */
export function ownersViewCard(texts: Texts, view: OwnersView): AdaptiveCard {
  const data: OwnersViewData = {
    texts: texts.ownersView,
    verb: view.verb,
    data: { ...view.data, verb: view.verb },
    title: view.title,
    summary: view.summary,
    lines: view.lines ?? [],
    linkUrl: view.linkUrl ?? '',
    showButton: view.showButton ?? false,
    refreshUserIds: view.refreshUserIds.slice(0, 60),
  };
  return expand(ownersViewTemplate, data);
}
