// Cards shown again after the turn: the background work's changes (a redemption, a finished
// pending add, an approved request) reach the original cards in place.
import type { ApprovalRequest } from '../domain/approval/approvals';
import type { ChangeNotifier } from '../domain/notifier';
import type { LifecycleNotifier } from '../domain/lifecycle/lifecycle';
import { recordOutcome, type InvitationRecord } from '../domain/invitation/records';
import { type CardRef, type Person } from '../domain/team';
import type { InvitationOutcome } from '../domain/invitation/outcome';
import type { RedeemLinkAudience } from '../config';
import { type Texts } from '../text/en';
import { textsFor } from '../text';
import { approvalCard, pendingReminderCard, resultCard, reviewCard, type AdaptiveCard } from './cards';
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

/** The review card's state for a stored record (what a refresh or a rewrite shows). */
export function reviewStateOfCard(record: InvitationRecord): 'kept' | 'removed' | 'expired' | undefined {
  if (record.removal?.kind === 'expired') return 'expired';
  if (record.removal) return 'removed';
  return record.review?.keptBy ? 'kept' : undefined;
}

/**
 * The language of a card written outside a turn: the one of the turn that posted it (a stored
 * conversation reference keeps the activity's locale), English when it has none.
 */
function textsIn(card: { reference: Record<string, unknown> }): Texts {
  const locale = card.reference.locale;
  return textsFor(typeof locale === 'string' ? locale : undefined);
}

export class TeamsChangeNotifier implements ChangeNotifier, LifecycleNotifier {
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
      await this.publisher.update(at.reference, at.activityId, (turn) =>
        recordCard(textsIn(at), record, (r) => this.roster.ownersAnd(turn, team, [r.invitedBy.id]), this.audience === 'channel'),
      );
    }
  }

  /** An outcome without a record (nothing was created: no redeem link to keep from anyone). */
  async invitationSettled(_team: { groupId: string; teamId: string }, outcome: InvitationOutcome, cards: CardRef[], actor: Person): Promise<void> {
    for (const at of cards) await this.publisher.update(at.reference, at.activityId, resultCard(textsIn(at), outcome, { actorName: actor.name, revealRedeemUrl: false, refreshUserIds: [] }));
  }

  async requestChanged(request: ApprovalRequest): Promise<void> {
    if (!request.card) return;
    const team = { teamId: request.teamId, groupId: request.groupId };
    await this.publisher.update(request.card.reference, request.card.activityId, async (turn) => {
      const refreshUserIds = request.outcome?.redeemUrl ? await this.roster.ownersAnd(turn, team, [request.decidedBy?.id ?? '']) : [];
      return approvalCard(textsIn(request.card!), request, { revealRedeemUrl: this.audience === 'channel', refreshUserIds });
    });
  }

  /** The reminder is the request again, with its Approve and Decline buttons, @mentioning the owners. */
  async remind(request: ApprovalRequest): Promise<void> {
    if (!request.card) return;
    const team = { teamId: request.teamId, groupId: request.groupId };
    await this.publisher.post(request.card.reference, async (turn) =>
      approvalCard(textsIn(request.card!), request, { revealRedeemUrl: false, mentionOwners: await this.roster.owners(turn, team), reminder: true }),
    );
  }

  // ---- the guest lifecycle: posted where the guest's result card lives ------------------------

  async reviewDue(record: InvitationRecord, deciders: string[], reminder: boolean): Promise<CardRef | undefined> {
    const home = record.cards?.[0];
    if (!home) return undefined;
    const dueAt = record.review?.dueAt ?? '';
    const activityId = await this.publisher.post(home.reference, async (turn) =>
      reviewCard(textsIn(home), record, dueAt, {
        state: 'open',
        reminder,
        mentions: await this.roster.members(turn, record.teamId, deciders),
        refreshUserIds: await this.roster.teamsIdsOf(turn, record.teamId, deciders),
      }),
    );
    return activityId ? { reference: home.reference, activityId } : undefined;
  }

  async reviewDecided(record: InvitationRecord, cards: CardRef[]): Promise<void> {
    const state = reviewStateOfCard(record);
    if (!state) return;
    for (const at of cards) await this.publisher.update(at.reference, at.activityId, reviewCard(textsIn(at), record, '', { state }));
  }

  async guestExpired(record: InvitationRecord): Promise<void> {
    const home = record.cards?.[0];
    if (!home) return;
    await this.publisher.post(home.reference, reviewCard(textsIn(home), record, '', { state: 'expired' }));
  }

  /** Posted in the guest's channel and kept as one of the record's cards: it becomes the result card once they accept. */
  async pendingReminder(record: InvitationRecord, recipients: string[]): Promise<CardRef | undefined> {
    const home = record.cards?.[0];
    if (!home) return undefined;
    const activityId = await this.publisher.post(home.reference, async (turn) =>
      pendingReminderCard(textsIn(home), record, (await this.roster.members(turn, record.teamId, recipients))[0]),
    );
    return activityId ? { reference: home.reference, activityId } : undefined;
  }
}
