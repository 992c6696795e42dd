// The claim on one invitation: one per team and address at a time, across messages, card clicks
// and bot instances sharing the store. It is created if absent (ETag), held with a lease that the
// holder renews while it works, and records how far the invitation got (its phase) before each
// step that changes the directory. Whoever finds a claim whose lease has expired may take it over,
// and then continues from its phase: a claim that reached 'inviting' is never sent again, only
// looked up. The claim is removed once the outcome is recorded; the outcome stays a short while
// in `recentInvitations`, so a second click on the same card gets the first click's result.
import { randomUUID } from 'node:crypto';
import type { ValidInvite } from './email';
import type { TeamRef } from '../team';
import type { CardRef, Person } from '../team';
import type { InvitationOutcome } from './outcome';
import { ConcurrencyError, type DocumentStore } from '../store';

export interface InviteRequest extends ValidInvite {
  resend?: boolean;
  locale?: string;
  /** The card the request came from: a second click on it within a short while gets the first one's result. */
  origin?: string;
}

/**
 * How far an invitation got. Absent: written before this version, before anything was asked of
 * Graph; such an intent is run from the start as it always was.
 * - lookingUp: claimed; nothing has changed in the directory yet;
 * - inviting: POST /invitations is (or may have been) sent: from here on only looked up, never sent again;
 * - invited: Graph answered; `invitation` holds the user and invitation ids;
 * - adding: the group add is under way;
 * - recording: the outcome is decided (`outcome`); the record and the audit entry are being written.
 */
export type IntentPhase = 'lookingUp' | 'inviting' | 'invited' | 'adding' | 'recording';

export interface InviteIntent {
  /** Stable across takeovers: names this invitation's audit entry, so a retried write is not doubled. */
  id?: string;
  team: TeamRef;
  caller: Person;
  request: InviteRequest;
  startedAt: string;
  phase?: IntentPhase;
  /** Who works on it now (one id per attempt) and until when; past that, anyone may take it over. */
  holder?: string;
  leaseUntil?: string;
  /** Whether the person existed before the invitation (a resend): decides invited or re-invited. */
  existed?: boolean;
  invitation?: { userId: string; invitationId?: string; redeemUrl?: string };
  outcome?: InvitationOutcome;
  recordedAt?: string;
  /** Graph's answer to the invitation was ambiguous and no guest was found yet: checked again later. */
  unconfirmed?: boolean;
  /** Cards waiting for this invitation's outcome (a working card, a duplicate's card). */
  cards?: CardRef[];
}

/** A finished invitation, kept briefly to answer a second click on the same card. */
export interface RecentInvitation {
  /** The card (or message) the request came from. */
  origin?: string;
  resend: boolean;
  outcome: InvitationOutcome;
  finishedAt: string;
}

const COLLECTION = 'inviteIntents';
const RECENT = 'recentInvitations';
const keyOf = (groupId: string, email: string) => `${groupId}|${email.toLowerCase()}`;

/** Thrown when a holder finds that another one took its claim over (its lease had expired). */
export class LostClaimError extends Error {
  constructor(key: string) {
    super(`the claim on ${key} was taken over`);
    this.name = 'LostClaimError';
  }
}

export const DEFAULT_CLAIM_LEASE_MS = 60_000;

export function leaseEnd(intent: InviteIntent, leaseMs: number): string {
  return intent.leaseUntil ?? new Date(Date.parse(intent.startedAt) + leaseMs).toISOString();
}

export type Acquired = { kind: 'claimed'; claim: IntentClaim; resumed: boolean } | { kind: 'busy'; intent: InviteIntent };

export class InviteIntents {
  constructor(
    private readonly store: DocumentStore,
    private readonly now: () => Date = () => new Date(),
    readonly leaseMs = DEFAULT_CLAIM_LEASE_MS,
  ) {}

  private leaseFromNow(): string {
    return new Date(this.now().getTime() + this.leaseMs).toISOString();
  }

  /**
   * Claims the invitation of this address for this team: a new claim, or one whose lease expired
   * (taken over as it stands: the caller continues from its phase). Busy while another holds it.
   */
  async acquire(team: TeamRef, caller: Person, request: InviteRequest): Promise<Acquired> {
    const key = keyOf(team.groupId, request.email);
    for (let attempt = 0; attempt < 5; attempt++) {
      const holder = randomUUID();
      const fresh: InviteIntent = {
        id: randomUUID(),
        team,
        caller,
        request,
        startedAt: this.now().toISOString(),
        phase: 'lookingUp',
        holder,
        leaseUntil: this.leaseFromNow(),
      };
      try {
        const etag = await this.store.put(COLLECTION, key, fresh, { ifNoneMatch: '*' });
        return { kind: 'claimed', claim: new IntentClaim(this.store, key, fresh, etag, holder, this.now, this.leaseMs), resumed: false };
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
      }
      const taken = await this.takeOver(key, holder);
      if (taken === 'gone') continue;
      return taken;
    }
    throw new Error(`the claim on ${key} kept changing`);
  }

  private async takeOver(key: string, holder: string): Promise<Acquired | 'gone'> {
    const doc = await this.store.get<InviteIntent>(COLLECTION, key);
    if (!doc) return 'gone';
    if (leaseEnd(doc.value, this.leaseMs) > this.now().toISOString()) return { kind: 'busy', intent: doc.value };
    const taken: InviteIntent = { ...doc.value, id: doc.value.id ?? randomUUID(), holder, leaseUntil: this.leaseFromNow() };
    try {
      const etag = await this.store.put(COLLECTION, key, taken, { ifMatch: doc.etag });
      return { kind: 'claimed', claim: new IntentClaim(this.store, key, taken, etag, holder, this.now, this.leaseMs), resumed: true };
    } catch (e) {
      if (!(e instanceof ConcurrencyError)) throw e;
      return 'gone';
    }
  }

  /** Takes over an expired claim found by background work; undefined when it is live or gone. */
  async takeOverExpired(intent: InviteIntent): Promise<IntentClaim | undefined> {
    const taken = await this.takeOver(keyOf(intent.team.groupId, intent.request.email), randomUUID());
    return taken !== 'gone' && taken.kind === 'claimed' ? taken.claim : undefined;
  }

  async get(groupId: string, email: string): Promise<InviteIntent | undefined> {
    return (await this.store.get<InviteIntent>(COLLECTION, keyOf(groupId, email)))?.value;
  }

  /** Claims whose lease has expired: their holder died, or gave them to background work. */
  async expired(): Promise<InviteIntent[]> {
    const now = this.now().toISOString();
    return (await this.store.list<InviteIntent>(COLLECTION)).map((d) => d.value).filter((i) => leaseEnd(i, this.leaseMs) <= now);
  }

  /**
   * Adds a card to update when the invitation finishes. False when there is no unfinished claim
   * any more (it finished meanwhile): the caller shows the outcome itself.
   */
  async attachCard(groupId: string, email: string, card: CardRef): Promise<boolean> {
    const key = keyOf(groupId, email);
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.store.get<InviteIntent>(COLLECTION, key);
      if (!doc) return false;
      const cards = [...(doc.value.cards ?? []).filter((c) => c.activityId !== card.activityId), card].slice(-5);
      try {
        await this.store.put(COLLECTION, key, { ...doc.value, cards }, { ifMatch: doc.etag });
        return true;
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
      }
    }
    return false;
  }

  async recent(groupId: string, email: string): Promise<RecentInvitation | undefined> {
    return (await this.store.get<RecentInvitation>(RECENT, keyOf(groupId, email)))?.value;
  }

  async remember(groupId: string, email: string, recent: RecentInvitation): Promise<void> {
    await this.store.put(RECENT, keyOf(groupId, email), recent);
  }

  /** Retention: finished invitations older than `ageMs` no longer answer duplicates. */
  async forgetRecent(ageMs: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - ageMs).toISOString();
    let deleted = 0;
    for (const doc of await this.store.list<RecentInvitation>(RECENT)) {
      if (doc.value.finishedAt > cutoff) continue;
      await this.store.delete(RECENT, doc.key, { ifMatch: doc.etag }).then(
        () => deleted++,
        (e: unknown) => {
          if (!(e instanceof ConcurrencyError)) throw e;
        },
      );
    }
    return deleted;
  }
}

/**
 * A held claim. Every write is conditional on the last ETag; a write that loses to someone who
 * only attached a card is merged and retried, one that finds another holder throws LostClaimError.
 */
export class IntentClaim {
  private heartbeat?: NodeJS.Timeout;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: DocumentStore,
    readonly key: string,
    public intent: InviteIntent,
    private etag: string,
    readonly holder: string,
    private readonly now: () => Date,
    private readonly leaseMs: number,
  ) {}

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work, work);
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async write(change: Partial<InviteIntent>, renew = true): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const next: InviteIntent = { ...this.intent, ...change, ...(renew ? { leaseUntil: new Date(this.now().getTime() + this.leaseMs).toISOString() } : {}) };
      try {
        this.etag = await this.store.put(COLLECTION, this.key, next, { ifMatch: this.etag });
        this.intent = next;
        return;
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
        await this.reread();
      }
    }
    throw new Error(`the claim on ${this.key} kept changing`);
  }

  /** After a lost ETag race: still ours (someone attached a card), or taken over. */
  private async reread(): Promise<void> {
    const doc = await this.store.get<InviteIntent>(COLLECTION, this.key);
    if (!doc || doc.value.holder !== this.holder) throw new LostClaimError(this.key);
    this.intent = { ...this.intent, cards: doc.value.cards };
    this.etag = doc.etag;
  }

  /** Records progress (and renews the lease). */
  update(change: Partial<InviteIntent>): Promise<void> {
    return this.serially(() => this.write(change));
  }

  /** Renews the lease every third of it while the holder works (a long Retry-After included). */
  startHeartbeat(onLost: (e: unknown) => void): void {
    this.heartbeat = setInterval(() => {
      this.serially(() => this.write({})).catch(onLost);
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
  }

  stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /**
   * Leaves the claim to background work: no more renewals, and a lease that ends `afterMs` from
   * now (the unfinished work is taken over once it has passed).
   */
  async handOver(change: Partial<InviteIntent>, afterMs = this.leaseMs): Promise<void> {
    this.stopHeartbeat();
    await this.serially(() => this.write({ ...change, leaseUntil: new Date(this.now().getTime() + afterMs).toISOString() }, false));
  }

  /** Removes the finished claim; returns the cards that were waiting for it. */
  async release(): Promise<CardRef[]> {
    this.stopHeartbeat();
    return this.serially(async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await this.store.delete(COLLECTION, this.key, { ifMatch: this.etag });
          return this.intent.cards ?? [];
        } catch (e) {
          if (!(e instanceof ConcurrencyError)) throw e;
          await this.reread();
        }
      }
      throw new Error(`the claim on ${this.key} kept changing`);
    });
  }
}

/** Stands in for a claim where no intents are kept (unit tests of the use case alone). */
export function unclaimed(team: TeamRef, caller: Person, request: InviteRequest, now: () => Date): IntentClaim {
  const noStore: DocumentStore = {
    get: async () => undefined,
    put: async () => 'x',
    list: async () => [],
    delete: async () => undefined,
    ping: async () => true,
  };
  return new IntentClaim(noStore, '', { team, caller, request, startedAt: now().toISOString(), phase: 'lookingUp' }, 'x', 'x', now, DEFAULT_CLAIM_LEASE_MS);
}
