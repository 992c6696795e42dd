// The removal cards: the confirmation (Confirm / Cancel) and where a removal stands afterwards.
// Built in code rather than from a template: two small cards whose only data are names, which go
// through shownAsText like everything people typed or Entra holds.
import type { RemovalRequest } from '../../domain/lifecycle/removal';
import type { Texts } from '../../text/en';
import { shownAsText } from '../shownAsText';
import { VERBS } from '../verbs';
import type { AdaptiveCard } from '.';

const execute = (title: string, verb: string, data: Record<string, unknown>, style?: 'destructive' | 'default') => ({
  type: 'Action.Execute',
  title,
  verb,
  ...(style ? { style } : {}),
  data: { verb, ...data },
  fallback: { type: 'Action.Submit', title, data: { verb, ...data } },
});

const card = (body: unknown[], actions: unknown[] = []): AdaptiveCard => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body,
  ...(actions.length > 0 ? { actions } : {}),
});

const text = (t: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: t, wrap: true, ...extra });

export function removalConfirmCard(texts: Texts, request: RemovalRequest): AdaptiveCard {
  const r = texts.removal;
  const name = shownAsText(request.displayName, 'card');
  return card(
    [
      text(r.confirmTitle(name), { weight: 'Bolder', size: 'Medium', style: 'heading' }),
      text(r.confirmText(name, shownAsText(request.email, 'card'))),
      text(r.askedBy(shownAsText(request.askedBy.name, 'card')), { isSubtle: true, size: 'Small' }),
    ],
    [execute(r.confirm, VERBS.confirmRemoval, { removalId: request.id }, 'destructive'), execute(r.cancel, VERBS.cancelRemoval, { removalId: request.id })],
  );
}

/** Where a decided removal stands (removed, not a member any more, cancelled, under way). */
export function removalStateCard(texts: Texts, request: RemovalRequest): AdaptiveCard {
  const r = texts.removal;
  const name = shownAsText(request.displayName, 'card');
  const by = shownAsText(request.decidedBy?.name ?? '', 'card');
  switch (request.state) {
    case 'removed':
      return card([text(r.removedTitle, { weight: 'Bolder', size: 'Medium', style: 'heading' }), text(r.removed(name, by, texts.when(request.decidedAt)))]);
    case 'notMember':
      return card([text(r.removedTitle, { weight: 'Bolder', size: 'Medium', style: 'heading' }), text(r.notMemberAnyMore(name))]);
    case 'cancelled':
      return card([text(r.cancelledTitle, { weight: 'Bolder', size: 'Medium', style: 'heading' }), text(r.cancelled(name, by))]);
    case 'removing':
      return card([text(r.inProgress(name))]);
    default:
      return removalConfirmCard(texts, request);
  }
}
