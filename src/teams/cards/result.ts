// The invite form and the result card of one invitation (and their typed data).
import { MAX_FIELD_INPUT, type InviteFieldErrors, type InviteInput } from '../../domain/invitation/email';
import type { InvitationOutcome } from '../../domain/invitation/outcome';
import type { Texts } from '../../text/en';
import inviteFormTemplate from './inviteForm.json';
import resultTemplate from './result.json';
import { outcomeReason } from '../reasons';
import { shownAsText } from '../shownAsText';
import { expand, type AdaptiveCard } from './expand';

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

export const STYLES: Record<InvitationOutcome['kind'], ResultCardData['style']> = {
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
