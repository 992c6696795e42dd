// The Teams face of Guest Pass: it only dispatches. An activity from the turn port (any host)
// becomes a Turn, and the one handler for its command or card verb (./handlers) does the work.
import { randomUUID } from 'node:crypto';
import { parseCommand, type Command } from '../domain/commands';
import { textsFor } from '../text';
import type { AdaptiveCard } from './cards';
import { plainText } from './plainText';
import { commandTable, verbTable } from './handlers';
import { welcome } from './handlers/help';
import { reply, replyCard, teamTurnOf, type BotDeps, type CardAnswer, type Turn } from './teamTurn';
import { tenantOf } from './teamContext';
import type { IncomingActivity, InvokeAnswer, TurnPort } from './turn';
import type { Verb } from './verbs';

export type { BotDeps } from './teamTurn';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const MESSAGE = 'application/vnd.microsoft.activity.message';
const ERROR = 'application/vnd.microsoft.error';

/** An invoke answered with an error the client shows (Universal Actions' error response). */
const errorAnswer = (status: number, code: string, message: string): InvokeAnswer => ({ status, body: { statusCode: status, type: ERROR, value: { code, message } } });

/**
 * The message as Teams wrote it: its `text/html` attachment keeps the line breaks (`<br>`, `<p>`,
 * `<div>`) of a list typed with Shift+Enter, which `text` may have joined. Undefined without one.
 */
function htmlOf(activity: IncomingActivity): string | undefined {
  const html = activity.attachments?.find((a) => a.contentType === 'text/html' && typeof a.content === 'string')?.content as string | undefined;
  return html && html.trim() !== '' ? html : undefined;
}

/** The message's text without the @mention of the bot that Teams puts in it. */
function textWithoutMention(activity: IncomingActivity): string {
  const text = activity.text ?? '';
  const mention = (activity.entities ?? []).find((e) => e.type?.toLowerCase() === 'mention' && e.mentioned?.id === activity.recipient?.id);
  return mention?.text ? text.replace(mention.text, '').trim() : text;
}

export class GuestPassBot {
  private readonly commands = commandTable();
  private readonly verbs = verbTable();

  constructor(private readonly deps: BotDeps) {}

  /** One turn, on any host. Every failure is answered here: a reference to quote, never a stack trace. */
  async run(port: TurnPort): Promise<InvokeAnswer | void> {
    const a = port.activity;
    const turn: Turn = {
      port,
      deps: this.deps,
      texts: textsFor(a.locale),
      log: this.deps.logger.child({ activityId: a.id, conversation: a.conversation?.id, type: a.type, name: a.name }),
    };
    try {
      if (a.type === 'message') return await this.message(turn);
      if (a.type === 'invoke') return await this.invoke(turn);
      if (a.type === 'conversationUpdate' && this.tenantAllowed(a)) return await welcome(turn);
    } catch (e) {
      const ref = randomUUID();
      turn.log.error({ err: e, ref }, 'turn failed');
      const text = turn.texts.somethingWentWrong(ref);
      if (a.type === 'invoke') return { status: 200, body: { statusCode: 200, type: MESSAGE, value: text } };
      await port.send({ text });
    }
  }

  private tenantAllowed(activity: IncomingActivity): boolean {
    const allowed = this.deps.allowedTenants;
    if (allowed.length === 0) return true;
    const tenant = tenantOf(activity);
    return tenant !== undefined && allowed.includes(tenant);
  }

  private async message(turn: Turn): Promise<void> {
    const a = turn.port.activity;
    if (!this.tenantAllowed(a)) {
      turn.log.warn({ tenant: tenantOf(a) }, 'activity from a tenant this bot does not serve; ignored');
      return;
    }
    const value = a.value as Record<string, unknown> | undefined;
    if (value && typeof value === 'object' && typeof value.verb === 'string') return this.legacySubmit(turn, value);
    const command = parseCommand(htmlOf(a) ?? textWithoutMention(a), plainText);
    turn.log.info({ command: command.kind }, 'command');
    if (a.conversation?.conversationType === 'personal' && (command.kind === 'invite' || command.kind === 'inviteCard')) {
      return reply(turn, turn.texts.personalChat);
    }
    await this.commands.get(command.kind)!.handle(turn, command as Command);
  }

  private async invoke(turn: Turn): Promise<InvokeAnswer> {
    const a = turn.port.activity;
    // Invokes Guest Pass does not use are acknowledged, logged and ignored.
    if (a.name !== 'adaptiveCard/action') {
      turn.log.info({ name: a.name }, 'invoke not used by Guest Pass; ignored');
      return { status: 200 };
    }
    if (!this.tenantAllowed(a)) {
      turn.log.warn({ tenant: tenantOf(a) }, 'card action from a tenant this bot does not serve; refused');
      return errorAnswer(403, 'Forbidden', 'tenant not served');
    }
    const value = a.value as { action?: { type?: string; verb?: string; data?: unknown } } | undefined;
    if (!value) return errorAnswer(400, 'BadRequest', 'Missing value property');
    if (value.action?.type !== 'Action.Execute') return errorAnswer(400, 'NotSupported', `The action '${String(value.action?.type)}' is not supported.`);
    const data = (value.action.data ?? {}) as Record<string, unknown>;
    const answer = await this.cardAction(turn, value.action.verb ?? '', data);
    if (answer.publicCard && a.replyToId) await turn.port.update(a.replyToId, answer.publicCard);
    if (answer.card) return { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD, value: answer.card as AdaptiveCard } };
    return { status: 200, body: { statusCode: 200, type: MESSAGE, value: answer.text ?? '' } };
  }

  /**
   * Clients without Universal Actions send Action.Submit: a message with `value` and `replyToId`.
   * Its answer can only be a message everyone in the channel reads, so only the shared copy of a
   * card is ever written; the clicker's private copy (a redeem link, an owners' list, a CSV) is
   * never posted, and they are told where to see it.
   */
  private async legacySubmit(turn: Turn, value: Record<string, unknown>): Promise<void> {
    const answer = await this.cardAction(turn, String(value.verb), value);
    const replyToId = turn.port.activity.replyToId;
    if (answer.publicCard && replyToId) await turn.port.update(replyToId, answer.publicCard);
    else if (answer.publicCard) await replyCard(turn, answer.publicCard);
    if ((answer.card && answer.card !== answer.publicCard) || answer.text) await reply(turn, turn.texts.privateAnswerNeedsCurrentClient);
  }

  private async cardAction(turn: Turn, verb: string, data: Record<string, unknown>): Promise<CardAnswer> {
    turn.log.info({ verb }, 'card action');
    const handler = this.verbs.get(verb as Verb);
    if (!handler) return { text: turn.texts.cardExpired };
    const team = await teamTurnOf(turn);
    if ('refusal' in team) return { text: team.refusal };
    return handler.handle(team, data);
  }
}
