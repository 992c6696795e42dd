// Cards are JSON templates (this folder) expanded with typed data by adaptivecards-templating.
// This file is the only place that knows both the templates and the data they need.
// Every value people typed goes through shownAsText before it enters the data of a card that
// displays it (Input values and action data stay as they are).
import { Template } from 'adaptivecards-templating';
import { MAX_FIELD_INPUT, type InviteFieldErrors, type InviteInput } from '../../domain/invitation/email';
import type { InvitationOutcome } from '../../domain/invitation/outcome';
import type { Texts } from '../../text/en';
import inviteFormTemplate from './inviteForm.json';
import resultTemplate from './result.json';
import approvalTemplate from './approval.json';
import ownersViewTemplate from './ownersView.json';
import infoTemplate from './info.json';
import lifecycleTemplate from './lifecycle.json';
import type { InvitationRecord } from '../../domain/invitation/records';
import type { ApprovalRequest } from '../../domain/approval/approvals';
import { outcomeReason } from '../reasons';
import { shownAsText } from '../shownAsText';
import { VERBS } from '../verbs';

/** A date and time each reader's Teams shows in their own time zone and format (ISO 8601 with Z, no fraction; TextBlocks only). */
export function cardDateTime(iso: string | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  const z = `${new Date(iso).toISOString().slice(0, 19)}Z`;
  return `{{DATE(${z}, SHORT)}} {{TIME(${z})}}`;
}

export type AdaptiveCard = Record<string, unknown>;

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

export function expand<T extends object>(template: object, data: T): AdaptiveCard {
  return withoutNulls(new Template(template).expand({ $root: { ...data, verbs: VERBS } })) as AdaptiveCard;
}

export interface InviteFormData {
  texts: Texts['inviteCard'];
  /** A member's form under the approval policy: it says plainly that it sends a request. */
  intro: string;
  submit: string;
  asks: boolean;
  values: { email: string; displayName: string; message: string; bulk: string; sendEmail: 'true' | 'false' };
  errors: { email: string; displayName: string; message: string; bulk: string };
}

export function inviteFormCard(texts: Texts, defaults: { sendEmail: boolean; asks?: boolean }, typed: InviteInput = {}, errors: InviteFieldErrors = {}): AdaptiveCard {
  const sendEmail = typed.sendEmail === undefined ? defaults.sendEmail : typed.sendEmail === true || typed.sendEmail === 'true';
  // What was typed comes back for correction, except a value over its field's cap (it has its error).
  const kept = (field: keyof typeof MAX_FIELD_INPUT) => ((typed[field] ?? '').length > MAX_FIELD_INPUT[field] ? '' : (typed[field] ?? ''));
  const asks = defaults.asks === true;
  const data: InviteFormData = {
    texts: texts.inviteCard,
    intro: asks ? texts.inviteCard.requestIntro : texts.inviteCard.intro,
    submit: asks ? texts.inviteCard.submitRequest : texts.inviteCard.submit,
    asks,
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
  /** This copy asks the clicker to confirm a resend (theirs alone). */
  confirmResend: boolean;
  resendQuestion: string;
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
  /** Ask before sending another invitation email (the clicker's copy after Resend). */
  confirmResend?: boolean;
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

/** The outcomes where Guest Pass brought someone in: their headline follows their state from then on. */
const BROUGHT_IN: readonly InvitationOutcome['kind'][] = ['invited', 'reinvited', 'added', 'pendingAdd'];

function summaryOf(texts: Texts, outcome: InvitationOutcome): string {
  const name = shownAsText(outcome.displayName);
  if (outcome.kind === 'refused' && outcome.invitationId) return texts.refusedAfterInvitation(name);
  if (outcome.state === 'Accepted' && BROUGHT_IN.includes(outcome.kind)) return texts.acceptedSummary(name);
  if (outcome.kind === 'added' && outcome.state === 'PendingAcceptance') return texts.addedPendingSummary(name);
  return texts.outcomeSummaries[outcome.kind](name);
}

/** Invited → Accepted; Added (still has to accept) → Accepted: the headline says where the guest stands now. */
function titleOf(texts: Texts, outcome: InvitationOutcome): string {
  if (outcome.state === 'Accepted' && BROUGHT_IN.includes(outcome.kind)) return texts.acceptedTitle;
  if (outcome.kind === 'added' && outcome.state === 'PendingAcceptance') return texts.addedPendingTitle;
  return texts.outcomeTitles[outcome.kind];
}

/** Who did it, in words that follow what happened: "Invited by" only where Guest Pass invited. */
function actorTitle(t: Texts['result'], kind: InvitationOutcome['kind']): string {
  if (kind === 'invited' || kind === 'reinvited' || kind === 'pendingAdd') return t.invitedBy;
  if (kind === 'added') return t.addedBy;
  if (kind === 'requested') return t.requestedBy;
  return t.askedBy;
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
  facts.push({ title: actorTitle(t, outcome.kind), value: shownAsText(view.actorName) });
  if (outcome.trace?.graphCode && (outcome.kind === 'failed' || outcome.kind === 'refused')) facts.push({ title: t.graphCode, value: outcome.trace.graphCode });
  if (outcome.trace?.requestId && (outcome.kind === 'failed' || outcome.kind === 'refused')) facts.push({ title: t.requestId, value: outcome.trace.requestId });

  const reason = outcomeReason(texts, outcome);

  const hasLink = outcome.redeemUrl !== undefined && outcome.redeemUrl !== '';
  const pendingGuest = outcome.state === 'PendingAcceptance' && outcome.userId !== undefined;
  return {
    texts: t,
    email: outcome.email,
    title: titleOf(texts, outcome),
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
    confirmResend: view.confirmResend === true && pendingGuest,
    resendQuestion: t.resendQuestion(shownAsText(outcome.displayName), shownAsText(outcome.email)),
    canRemove: outcome.userId !== undefined && (outcome.state === 'PendingAcceptance' || outcome.state === 'Accepted') && IN_TEAM.has(outcome.kind),
    refreshUserIds: view.refreshUserIds.slice(0, 60),
  };
}

export function resultCard(texts: Texts, outcome: InvitationOutcome, view: ResultView): AdaptiveCard {
  return expand(resultTemplate, resultCardData(texts, outcome, view));
}

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

/** A Teams @mention on a card: the `<at>` text in the card and its entity must match exactly. */
export interface CardMention {
  id: string;
  name: string;
}

/** The mention text for a name; `<` and `>` would end the tag early. */
const atText = (name: string) => `<at>${name.replace(/[<>]/g, '')}</at>`;

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

/** The card verbs of views only some people may see; the shared card names the verb, never the content. */
export const OWNER_VIEW_VERBS = { guests: VERBS.showGuests, requests: VERBS.showRequests, audit: VERBS.showAuditLink } as const;
export type OwnerViewVerb = (typeof OWNER_VIEW_VERBS)[keyof typeof OWNER_VIEW_VERBS];

export interface OwnersViewData {
  texts: Texts['ownersView'] & Pick<Texts['approval'], 'approve' | 'decline'>;
  verb: OwnerViewVerb;
  /** What the server needs to render the view again; never the content itself. */
  data: Record<string, unknown>;
  title: string;
  summary: string;
  lines: string[];
  /** Open requests, each with Approve and Decline (the /requests view). */
  requests: { text: string; requestId: string }[];
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
  requests?: { text: string; requestId: string }[];
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
    texts: { ...texts.ownersView, approve: texts.approval.approve, decline: texts.approval.decline },
    verb: view.verb,
    data: { ...view.data, verb: view.verb },
    title: view.title,
    summary: view.summary,
    lines: view.lines ?? [],
    requests: view.requests ?? [],
    linkUrl: view.linkUrl ?? '',
    showButton: view.showButton ?? false,
    refreshUserIds: view.refreshUserIds.slice(0, 60),
  };
  return expand(ownersViewTemplate, data);
}

export interface InfoCardData {
  title: string;
  paragraphs: string[];
  commands: { command: string; what: string }[];
  policy: string;
  owners: string;
}

/** Help and the welcome when the app joins a team: what Guest Pass does, the policy in force, who the owners are. */
export function infoCard(data: InfoCardData): AdaptiveCard {
  return expand(infoTemplate, data);
}

// ---- the guest lifecycle: reviews, their reminder and expiry, pending guests ----------------------

/** The verbs of lifecycle cards; the data names the guest (and the review's due date), never who may decide. */
export const LIFECYCLE_VERBS = { showReview: VERBS.showReview, keep: VERBS.keepGuest, remove: VERBS.removeGuest, withdraw: VERBS.withdrawGuest } as const;

interface LifecycleCardData {
  title: string;
  summary: string;
  mentions: string;
  style: ResultCardData['style'];
  facts: { title: string; value: string }[];
  note: string;
  actions: { title: string; verb: string; style: 'default' | 'positive' | 'destructive'; data: Record<string, unknown> }[];
  refreshTitle: string;
  refreshVerb: string;
  refreshData: Record<string, unknown>;
  refreshUserIds: string[];
}

function withMentions(card: AdaptiveCard, mentions: CardMention[]): AdaptiveCard {
  if (mentions.length > 0) card.msteams = { entities: mentions.map((m) => ({ type: 'mention', text: atText(m.name), mentioned: { id: m.id, name: m.name } })) };
  return card;
}

export interface ReviewView {
  /** The review's state on this copy: open (the buttons for deciders), or how it ended. */
  state: 'open' | 'kept' | 'removed' | 'expired';
  reminder?: boolean;
  /** Who decides (@mentioned on the channel's copy). */
  mentions?: CardMention[];
  /** Their Teams ids: their clients fetch the copy with the buttons, which the server checks. */
  refreshUserIds?: string[];
  /** This copy carries Keep and Remove (a decider's own copy). */
  showButtons?: boolean;
}

/** The review card: the channel's copy names the guest and who decides; deciders' copies have the buttons. */
export function reviewCard(texts: Texts, record: InvitationRecord, dueAt: string, view: ReviewView): AdaptiveCard {
  const l = texts.lifecycle;
  const guest = `${shownAsText(record.displayName)} (${shownAsText(record.email)})`;
  const facts = [
    { title: l.guest, value: shownAsText(record.displayName) },
    { title: l.email, value: shownAsText(record.email) },
    { title: l.invitedBy, value: shownAsText(record.invitedBy.name) },
  ];
  const data = { email: record.email, dueAt };
  const mentions = view.state === 'open' ? (view.mentions ?? []) : [];
  let title = view.reminder ? l.reviewReminderTitle : l.reviewTitle;
  let summary = l.reviewSummary(guest);
  let style: ResultCardData['style'] = 'warning';
  if (view.state === 'open') facts.push({ title: l.reviewDue, value: cardDateTime(dueAt) });
  else if (view.state === 'kept') {
    title = l.keptTitle;
    summary = l.keptSummary(shownAsText(record.review?.keptBy?.name ?? ''), guest);
    style = 'good';
    facts.push({ title: l.nextReview, value: cardDateTime(record.review?.dueAt) });
  } else if (view.state === 'removed') {
    title = l.removedTitle;
    summary = l.removedSummary(shownAsText(record.removal?.by.name ?? ''), guest);
    style = 'emphasis';
  } else {
    title = l.expiredTitle;
    summary = l.expiredSummary(guest, shownAsText(record.email));
    style = 'attention';
  }
  const open = view.state === 'open';
  const card: LifecycleCardData = {
    title,
    summary,
    mentions: mentions.length > 0 ? l.deciders(mentions.map((m) => atText(m.name)).join(', ')) : '',
    style,
    facts,
    note: open ? l.buttonsNote : '',
    actions:
      open && view.showButtons
        ? [
            { title: l.keep, verb: LIFECYCLE_VERBS.keep, style: 'positive', data: { verb: LIFECYCLE_VERBS.keep, ...data } },
            { title: l.removeNow, verb: LIFECYCLE_VERBS.remove, style: 'destructive', data: { verb: LIFECYCLE_VERBS.remove, ...data } },
          ]
        : [],
    refreshTitle: texts.result.refresh,
    refreshVerb: LIFECYCLE_VERBS.showReview,
    refreshData: { verb: LIFECYCLE_VERBS.showReview, ...data },
    refreshUserIds: open ? (view.refreshUserIds ?? []).slice(0, 60) : [],
  };
  return withMentions(expand(lifecycleTemplate, card), mentions);
}

/** A pending guest's reminder for the inviter: Resend (the existing resend path) and Withdraw. */
export function pendingReminderCard(texts: Texts, record: InvitationRecord, mention: CardMention | undefined): AdaptiveCard {
  const l = texts.lifecycle;
  const guest = `${shownAsText(record.displayName)} (${shownAsText(record.email)})`;
  const card: LifecycleCardData = {
    title: l.pendingTitle,
    summary: l.pendingSummary(mention ? atText(mention.name) : shownAsText(record.invitedBy.name), guest),
    mentions: '',
    style: 'warning',
    facts: [
      { title: l.email, value: shownAsText(record.email) },
      { title: l.invitedBy, value: shownAsText(record.invitedBy.name) },
      { title: texts.result.status, value: texts.states.PendingAcceptance },
    ],
    note: '',
    actions: [
      { title: l.resend, verb: VERBS.confirmResend, style: 'default', data: { verb: VERBS.confirmResend, email: record.email } },
      { title: l.withdraw, verb: LIFECYCLE_VERBS.withdraw, style: 'destructive', data: { verb: LIFECYCLE_VERBS.withdraw, email: record.email } },
    ],
    refreshTitle: '',
    refreshVerb: '',
    refreshData: {},
    refreshUserIds: [],
  };
  return withMentions(expand(lifecycleTemplate, card), mention ? [mention] : []);
}

/** A withdrawn pending guest: no buttons left. */
export function withdrawnCard(texts: Texts, record: InvitationRecord): AdaptiveCard {
  const l = texts.lifecycle;
  const guest = `${shownAsText(record.displayName)} (${shownAsText(record.email)})`;
  const card: LifecycleCardData = {
    title: l.withdrawnTitle,
    summary: l.withdrawnSummary(shownAsText(record.removal?.by.name ?? ''), guest),
    mentions: '',
    style: 'emphasis',
    facts: [{ title: l.email, value: shownAsText(record.email) }],
    note: '',
    actions: [],
    refreshTitle: '',
    refreshVerb: '',
    refreshData: {},
    refreshUserIds: [],
  };
  return expand(lifecycleTemplate, card);
}
