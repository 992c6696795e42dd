// The guest lifecycle's cards: a review (Keep, Remove), a pending guest's reminder, a withdrawal.
import type { Texts } from '../../text/en';
import lifecycleTemplate from './lifecycle.json';
import type { InvitationRecord } from '../../domain/invitation/records';
import { shownAsText } from '../shownAsText';
import { VERBS } from '../verbs';
import { cardDateTime, expand, withMentions, atText, type AdaptiveCard, type CardMention } from './expand';
import type { ResultCardData } from './result';

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
