// The botbuilder host: the turn port (src/teams/turn.ts) over botbuilder's CloudAdapter and TurnContext.
import { CardFactory, MessageFactory, TeamsInfo, TurnContext, type ConversationReference } from 'botbuilder';
import type { Activity } from 'botframework-schema';
import type { Logger } from 'pino';
import type { BotIdentityConfig } from '../../config';
import type { BotHost, IncomingActivity, StoredReference, TurnLogic, TurnOutcome, TurnPort } from '../../teams/turn';
import { GuestPassAdapter } from './adapter';

/** Teams answers 404 for someone who is not in the team. */
const NOT_IN_TEAM = 404;

function portOf(context: TurnContext): TurnPort {
  return {
    activity: context.activity as unknown as IncomingActivity,
    async send(message) {
      const activity = 'text' in message ? MessageFactory.text(message.text) : MessageFactory.attachment(CardFactory.adaptiveCard(message.card));
      return (await context.sendActivity(activity))?.id;
    },
    async update(activityId, card) {
      await context.updateActivity({ id: activityId, type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
    },
    async teamDetails(teamId) {
      const details = await TeamsInfo.getTeamDetails(context, teamId);
      return { aadGroupId: details.aadGroupId, name: details.name };
    },
    async teamMember(teamId, userId) {
      try {
        const member = await TeamsInfo.getTeamMember(context, teamId, userId);
        return member?.id ? { id: member.id, name: member.name } : undefined;
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === NOT_IN_TEAM) return undefined;
        throw e;
      }
    },
    reference() {
      return TurnContext.getConversationReference(context.activity) as unknown as StoredReference;
    },
  };
}

export class BotbuilderHost implements BotHost {
  readonly adapter: GuestPassAdapter;

  constructor(
    private readonly identity: BotIdentityConfig,
    logger: Logger,
  ) {
    this.adapter = new GuestPassAdapter(identity);
    // The Teams layer answers its own failures (src/teams/bot.ts); this is the last resort for a
    // failure outside it (sending that answer failed): logged, and the HTTP layer still answers.
    this.adapter.onTurnError = async (context, error) => {
      logger.error({ err: error, activityId: context.activity.id }, 'turn failed in the botbuilder host');
      throw error;
    };
  }

  run(authHeader: string, activity: IncomingActivity, logic: TurnLogic): Promise<TurnOutcome> {
    return this.adapter.run(authHeader, activity as unknown as Activity, async (context) => {
      const answer = await logic(portOf(context));
      // botbuilder takes an invoke's HTTP answer from an `invokeResponse` activity of the turn.
      if (answer && context.activity.type === 'invoke') await context.sendActivity({ type: 'invokeResponse', value: answer });
    });
  }

  async continue(reference: StoredReference, logic: (turn: TurnPort) => Promise<void>): Promise<void> {
    await this.adapter.continueConversationAsync(this.identity.appId ?? '', reference as unknown as Partial<ConversationReference>, (context) => logic(portOf(context)));
  }
}
