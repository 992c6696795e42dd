// Cards shown again after the turn: the background work's changes (a redemption, a finished
// pending add, an approved request) reach the original cards in place.
import type { ApprovalRequest } from '../domain/approvals';
import type { ChangeNotifier } from '../domain/backgroundWork';
import { recordOutcome, type CardRef, type InvitationRecord, type Person } from '../domain/invitationRecords';
import type { InvitationOutcome } from '../domain/outcome';
import type { RedeemLinkAudience } from '../config';
import { textsFor, type Texts } from '../text/en';
import { approvalCard, resultCard, type AdaptiveCard } from './cards';
import type { CardPublisher } from './proactive';
import type { TeamRoster } from './roster';

/** The Teams user ids whose clients fetch their own copy of a record's card (inviter and owners). */
export type LinkViewers = (record: InvitationRecord) => Promise<string[]>;

/** The result card for a stored invitation; the redeem link only where `reveal` allows. */
export async function recordCard(texts: Texts, record: InvitationRecord, viewers: LinkViewers, reveal: boolean, confirmResend = false): Promise<AdaptiveCard> {
  const outcome = recordOutcome(record);
  const refreshUserIds = outcome.redeemUrl ? await viewers(record) : [];
  return resultCard(texts, outcome, { actorName: record.invitedBy.name, revealRedeemUrl: reveal, refreshUserIds, confirmResend });
}

export class TeamsChangeNotifier implements ChangeNotifier {
  constructor(
    private readonly publisher: CardPublisher,
    private readonly roster: TeamRoster,
    private readonly audience: RedeemLinkAudience,
  ) {}

  // Every shared copy written here keeps its user-specific view: the same Teams user ids as the
  // turn that posted it, mapped again from the roster (the owners may have changed since).
  async invitationChanged(record: InvitationRecord): Promise<void> {
    if (!record.cards?.length) return;
    const team = { teamId: record.teamId, groupId: record.groupId };
    for (const at of record.cards) {
      await this.publisher.update(at.reference, at.activityId, (context) =>
        recordCard(textsFor(), record, (r) => this.roster.ownersAnd(context, team, [r.invitedBy.id]), this.audience === 'channel'),
      );
    }
  }

  /** An outcome without a record (nothing was created: no redeem link to keep from anyone). */
  async invitationSettled(_team: { groupId: string; teamId: string }, outcome: InvitationOutcome, cards: CardRef[], actor: Person): Promise<void> {
    const card = resultCard(textsFor(), outcome, { actorName: actor.name, revealRedeemUrl: false, refreshUserIds: [] });
    for (const at of cards) await this.publisher.update(at.reference, at.activityId, card);
  }

  async requestChanged(request: ApprovalRequest): Promise<void> {
    if (!request.card) return;
    const team = { teamId: request.teamId, groupId: request.groupId };
    await this.publisher.update(request.card.reference, request.card.activityId, async (context) => {
      const refreshUserIds = request.outcome?.redeemUrl ? await this.roster.ownersAnd(context, team, [request.decidedBy?.id ?? '']) : [];
      return approvalCard(textsFor(), request, { revealRedeemUrl: this.audience === 'channel', refreshUserIds });
    });
  }

  /** The reminder is the request again, with its Approve and Decline buttons, @mentioning the owners. */
  async remind(request: ApprovalRequest): Promise<void> {
    if (!request.card) return;
    const team = { teamId: request.teamId, groupId: request.groupId };
    await this.publisher.post(request.card.reference, async (context) =>
      approvalCard(textsFor(), request, { revealRedeemUrl: false, mentionOwners: await this.roster.owners(context, team), reminder: true }),
    );
  }
}
