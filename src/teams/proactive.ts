// Posting and updating cards outside a turn (background work: redemption tracking, pending adds,
// bulk progress), from a stored conversation reference.
import { CardFactory, type ConversationReference, type TurnContext } from 'botbuilder';
import type { CloudAdapter } from 'botbuilder';
import type { AdaptiveCard } from './cards';

/** Where a card lives, as stored by the domain (opaque there). */
export type StoredReference = Record<string, unknown>;

export interface CardPublisher {
  /** Posts a new card in the conversation (built there, if a function: mentions need the roster); returns its activity id. */
  post(reference: StoredReference, card: AdaptiveCard | ((context: TurnContext) => Promise<AdaptiveCard>)): Promise<string | undefined>;
  /** Posts a plain message in the conversation. */
  postText(reference: StoredReference, text: string): Promise<void>;
  /**
   * Replaces an earlier card in place, for everyone. `card` may be built inside the conversation
   * (its user-specific view needs the team roster, which only a turn context can read).
   */
  update(reference: StoredReference, activityId: string, card: AdaptiveCard | ((context: TurnContext) => Promise<AdaptiveCard>)): Promise<void>;
}

export class TeamsCardPublisher implements CardPublisher {
  constructor(
    private readonly adapter: CloudAdapter,
    /** The bot's app id; empty for anonymous local runs. */
    private readonly appId: string,
  ) {}

  async post(reference: StoredReference, card: AdaptiveCard | ((context: TurnContext) => Promise<AdaptiveCard>)): Promise<string | undefined> {
    let id: string | undefined;
    await this.adapter.continueConversationAsync(this.appId, reference as Partial<ConversationReference>, async (context) => {
      const content = typeof card === 'function' ? await card(context) : card;
      id = (await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(content)] }))?.id;
    });
    return id;
  }

  async postText(reference: StoredReference, text: string): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, reference as Partial<ConversationReference>, async (context) => {
      await context.sendActivity(text);
    });
  }

  async update(reference: StoredReference, activityId: string, card: AdaptiveCard | ((context: TurnContext) => Promise<AdaptiveCard>)): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, reference as Partial<ConversationReference>, async (context) => {
      const content = typeof card === 'function' ? await card(context) : card;
      await context.updateActivity({ id: activityId, type: 'message', attachments: [CardFactory.adaptiveCard(content)] });
    });
  }
}
