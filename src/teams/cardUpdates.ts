// Cards shown again after the turn: the background work's changes (a redemption, a finished
// pending add, an approved request) reach the original cards in place.
import type { ApprovalRequest } from '../domain/approvals';
import type { ChangeNotifier } from '../domain/backgroundWork';
import { recordOutcome, type InvitationRecord } from '../domain/invitationRecords';
import type { TeamRoles } from '../domain/roles';
import type { RedeemLinkAudience } from '../config';
import { textsFor, type Texts } from '../text/en';
import { approvalCard, resultCard, type AdaptiveCard } from './cards';
import type { CardPublisher } from './proactive';
import { shownAsText } from './shownAsText';

/** The result card for a stored invitation; the redeem link only where `reveal` allows. */
export async function recordCard(texts: Texts, record: InvitationRecord, roles: TeamRoles, reveal: boolean): Promise<AdaptiveCard> {
  const outcome = recordOutcome(record);
  const ownerIds = outcome.redeemUrl ? await roles.ownerIds(record.groupId) : [];
  const refreshUserIds = outcome.redeemUrl ? [...new Set([record.invitedBy.id, ...ownerIds])] : [];
  return resultCard(texts, outcome, { actorName: record.invitedBy.name, revealRedeemUrl: reveal, refreshUserIds });
}

export class TeamsChangeNotifier implements ChangeNotifier {
  constructor(
    private readonly publisher: CardPublisher,
    private readonly roles: TeamRoles,
    private readonly audience: RedeemLinkAudience,
  ) {}

  async invitationChanged(record: InvitationRecord): Promise<void> {
    if (!record.cards?.length) return;
    const card = await recordCard(textsFor(), record, this.roles, this.audience === 'channel');
    for (const at of record.cards) await this.publisher.update(at.reference, at.activityId, card);
  }

  async requestChanged(request: ApprovalRequest): Promise<void> {
    if (!request.card) return;
    await this.publisher.update(request.card.reference, request.card.activityId, approvalCard(textsFor(), request, { revealRedeemUrl: this.audience === 'channel' }));
  }

  async remind(request: ApprovalRequest): Promise<void> {
    if (!request.card) return;
    const shown = (value: string) => shownAsText(value, 'message');
    const text = textsFor().approval.reminder(shown(request.requester.name), `${shown(request.invite.displayName)} (${shown(request.invite.email)})`);
    await this.publisher.postText(request.card.reference, text);
  }
}
