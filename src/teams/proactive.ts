// Posting and updating cards outside a turn (background work: redemption tracking, pending adds,
// bulk progress), from a stored conversation reference.
import type { AdaptiveCard } from './cards';
import type { BotHost, StoredReference, TurnPort } from './turn';

/** Where a card lives, as the domain stores it (opaque there; written by a host's `reference()`). */
export type CardHome = Record<string, unknown>;

export interface CardPublisher {
  /** Posts a new card in the conversation (built there, if a function: mentions need the roster); returns its activity id. */
  post(reference: CardHome, card: AdaptiveCard | ((turn: TurnPort) => Promise<AdaptiveCard>)): Promise<string | undefined>;
  /** Posts a plain message in the conversation. */
  postText(reference: CardHome, text: string): Promise<void>;
  /**
   * Replaces an earlier card in place, for everyone. `card` may be built inside the conversation
   * (its user-specific view needs the team roster, which only a turn context can read).
   */
  update(reference: CardHome, activityId: string, card: AdaptiveCard | ((turn: TurnPort) => Promise<AdaptiveCard>)): Promise<void>;
}

export class TeamsCardPublisher implements CardPublisher {
  constructor(private readonly host: BotHost) {}

  async post(reference: CardHome, card: AdaptiveCard | ((turn: TurnPort) => Promise<AdaptiveCard>)): Promise<string | undefined> {
    let id: string | undefined;
    await this.host.continue(reference as StoredReference, async (turn) => {
      const content = typeof card === 'function' ? await card(turn) : card;
      id = await turn.send({ card: content });
    });
    return id;
  }

  async postText(reference: CardHome, text: string): Promise<void> {
    await this.host.continue(reference as StoredReference, async (turn) => {
      await turn.send({ text });
    });
  }

  async update(reference: CardHome, activityId: string, card: AdaptiveCard | ((turn: TurnPort) => Promise<AdaptiveCard>)): Promise<void> {
    await this.host.continue(reference as StoredReference, async (turn) => {
      const content = typeof card === 'function' ? await card(turn) : card;
      await turn.update(activityId, content);
    });
  }
}
