// The record of every guest Guest Pass brought into a team: what /status, /guests, tracking and
// the audit log read. One record per team and address, updated as the guest's story moves on.
import { updateDocument, type DocumentStore } from '../store';
import type { CardRef, Person } from '../team';
import type { InvitationOutcome, OutcomeKind, SubjectState } from './outcome';
import type { FailureCode, RefusalCode } from '../errors';

export interface InvitationRecord {
  groupId: string;
  teamId: string;
  email: string;
  displayName: string;
  userId?: string;
  invitationId?: string;
  /** Sensitive; kept so the inviter and owners can see it again on the card. Never logged. */
  redeemUrl?: string;
  invitedBy: Person;
  createdAt: string;
  updatedAt: string;
  outcome: OutcomeKind;
  state?: SubjectState;
  stateChangedAt?: string;
  inGroup: boolean;
  emailSent?: boolean;
  requestId?: string;
  /** Why the last outcome was a refusal or a failure (a team add refused after the invitation). */
  refusal?: RefusalCode;
  failure?: FailureCode;
  /** When an owner last removed this guest from the team (the account stays), and who. */
  removedAt?: string;
  removedBy?: Person;
  /**
   * Where this guest's cards live (the original result card first), opaque to the domain: the
   * Teams adapter's conversation references. Background work updates all of them.
   */
  cards?: CardRef[];
  /** The guest's review (lifecycle): absent until its first due date is acted on (see reviewDueAt). */
  review?: GuestReview;
  /** The pending guest's one reminder to the inviter was sent then (claimed before posting). */
  pendingRemindedAt?: string;
  /** Taken out of the team through Guest Pass: by an owner's Remove, by expiry, or withdrawn while pending. */
  removal?: { kind: 'removed' | 'expired' | 'withdrawn'; at: string; by: Person };
}

export interface GuestReview {
  /** When the review is due; Keep moves it on by a review period. */
  dueAt: string;
  /** The review card for this due date was posted then (claimed before posting, so once). */
  notifiedAt?: string;
  /** The one reminder was sent then. */
  remindedAt?: string;
  /** The review cards for this due date (the card, then its reminder), updated once decided. */
  cards?: CardRef[];
  /** The last decision: who kept the guest and when (the new due date is `dueAt`). */
  keptBy?: Person;
  keptAt?: string;
}

const MAX_CARDS = 5;

/** The record with one more card to keep up to date (the original is never dropped). */
export function withCard(record: InvitationRecord, card: CardRef): InvitationRecord {
  const others = (record.cards ?? []).filter((c) => c.activityId !== card.activityId);
  const cards = [...others, card];
  return { ...record, cards: cards.length > MAX_CARDS ? [cards[0]!, ...cards.slice(-(MAX_CARDS - 1))] : cards };
}

/** The record as an outcome, for cards shown again later (no redeem link once accepted). */
export function recordOutcome(record: InvitationRecord): InvitationOutcome {
  return {
    kind: record.outcome,
    email: record.email,
    displayName: record.displayName,
    userId: record.userId,
    invitationId: record.invitationId,
    redeemUrl: record.state === 'Accepted' ? undefined : record.redeemUrl,
    emailSent: record.emailSent,
    state: record.state,
    refusal: record.refusal,
    failure: record.failure,
  };
}

const COLLECTION = 'invitations';
const keyOf = (groupId: string, email: string) => `${groupId}|${email.toLowerCase()}`;

export class InvitationRecords {
  constructor(private readonly store: DocumentStore) {}

  async get(groupId: string, email: string): Promise<InvitationRecord | undefined> {
    return (await this.store.get<InvitationRecord>(COLLECTION, keyOf(groupId, email)))?.value;
  }

  async save(record: InvitationRecord): Promise<void> {
    await this.store.put(COLLECTION, keyOf(record.groupId, record.email), record);
  }

  /** Read-modify-write with ETag retry, so concurrent updates (a card, the tracker) do not clobber each other. */
  async update(groupId: string, email: string, change: (r: InvitationRecord) => InvitationRecord): Promise<InvitationRecord | undefined> {
    return (await updateDocument(this.store, COLLECTION, keyOf(groupId, email), change))?.value;
  }


  async listForGroup(groupId: string): Promise<InvitationRecord[]> {
    return (await this.store.list<InvitationRecord>(COLLECTION, `${groupId}|`)).map((d) => d.value);
  }

  async listAll(): Promise<InvitationRecord[]> {
    return (await this.store.list<InvitationRecord>(COLLECTION)).map((d) => d.value);
  }
}
