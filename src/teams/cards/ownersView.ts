// Views only owners may see: the shared card names the view, never its content.
import type { Texts } from '../../text/en';
import ownersViewTemplate from './ownersView.json';
import { VERBS } from '../verbs';
import { expand, type AdaptiveCard } from './expand';

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
