// The Teams face of Guest Pass: turns activities into use cases and outcomes into cards.
// One handler per command and per card verb, each registered in one list below.
import {
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { PolicyConfig } from '../config';
import type { ApprovalRequest, ApprovalRequests } from '../domain/approvals';
import type { AuditExports } from '../domain/auditExport';
import { guestStatus, teamGuests } from '../domain/guestStatus';
import { DirectoryError } from '../domain/directory';
import { parseCommand, parseInviteLines, type Command } from '../domain/commands';
import { checkEmail, domainOf, inviteInputSchema, oversizedFields, validateInvite, type InviteInput, type ValidInvite } from '../domain/email';
import type { AuditAction, AuditEntry } from '../domain/audit';
import type { GuestDirectory } from '../domain/directory';
import { inviteGuest, outcomeOfError, type InviteDeps, type TeamRef } from '../domain/invite';
import { withCard, type InvitationRecord, type InvitationRecords, type Person } from '../domain/invitationRecords';
import { recordCard } from './cardUpdates';
import type { CardPublisher } from './proactive';
import type { BulkInvitations } from './bulk';
import type { GuestRemovals } from './removal';
import type { InvitationOutcome } from '../domain/outcome';
import { domainRefusal, inviteRight, type TeamRole } from '../domain/policy';
import type { TeamRoles } from '../domain/roles';
import { invitationLanguage, textsFor, type Texts } from '../text/en';
import {
  approvalCard,
  cardDateTime,
  infoCard,
  inviteFormCard,
  LIFECYCLE_VERBS,
  OWNER_VIEW_VERBS,
  ownersViewCard,
  resultCard,
  reviewCard,
  withdrawnCard,
  type AdaptiveCard,
  type OwnersView,
  type OwnerViewVerb,
} from './cards';
import type { TeamRoster } from './roster';
import type { ChangeNotifier } from '../domain/backgroundWork';
import { awaitsDecision, reviewDueAt, reviewStateOf, type GuestLifecycle } from '../domain/lifecycle';
import { reviewStateOfCard } from './cardUpdates';
import { callerOf, tenantOf, type Place, type TeamResolver } from './teamContext';
import { shownAsText } from './shownAsText';

export interface BotDeps {
  policy: PolicyConfig;
  /** Tenants served; empty means any (anonymous local runs). */
  allowedTenants: string[];
  teams: TeamResolver;
  roles: TeamRoles;
  /** Entra object ids to Teams user ids, for user-specific views. */
  roster: TeamRoster;
  invite: InviteDeps;
  records: InvitationRecords;
  approvals: ApprovalRequests;
  exports: AuditExports;
  bulk: BulkInvitations;
  /** `/remove` and its confirmation card (src/teams/removal.ts). */
  removal: GuestRemovals;
  /** Base of the links this bot serves itself (the audit export). */
  publicBaseUrl: string;
  directory: GuestDirectory;
  /** Updates cards after the turn (an invitation that outlived the turn's deadline). */
  publisher: CardPublisher;
  /**
   * How long a turn waits for an invitation before answering with a working card: Azure Bot
   * Service gives up on a message turn after 10 to 15 s, Teams on a card action after about 5 s.
   */
  deadlines: { messageMs: number; invokeMs: number };
  /** Rewrites a request's own card when it is decided elsewhere (the /requests list, a reminder). */
  notifier?: Pick<ChangeNotifier, 'requestChanged'>;
  /** Guest reviews and pending guests: Keep, Remove, Withdraw. */
  lifecycle: GuestLifecycle;
  logger: Logger;
}

/** What the invitation itself produced, free of the turn's context (it may outlive the turn). */
type InviteResult = { form: AdaptiveCard } | { outcome: InvitationOutcome; message?: string } | { request: ApprovalRequest };

const LATE = Symbol('late');

/** The work's result, or LATE once `ms` have passed (the work goes on regardless). */
async function beforeDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a card action answers: the clicker's own copy (`card`, shown to them alone), the copy
 * everyone sees (`publicCard`, written over the shared card), or a text for the clicker alone.
 */
interface CardAnswer {
  card?: AdaptiveCard;
  publicCard?: AdaptiveCard;
  text?: string;
}

/** How long an /audit card hands out fresh download links to the owner who asked. */
const AUDIT_CARD_LIFETIME_MS = 60 * 60_000;

interface Turn {
  context: TurnContext;
  texts: Texts;
  log: Logger;
}

/** `formAsks`: the invite form this turn answers was a member's request form ("Ask an owner"). */
type TeamTurn = Turn & { team: TeamRef; caller: Person; formAsks?: boolean };

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/**
 * The message as Teams wrote it: its `text/html` attachment keeps the line breaks (`<br>`, `<p>`,
 * `<div>`) of a list typed with Shift+Enter, which `text` may have joined. Undefined without one.
 */
function htmlOf(activity: TurnContext['activity']): string | undefined {
  const html = activity.attachments?.find((a) => a.contentType === 'text/html' && typeof a.content === 'string')?.content as string | undefined;
  return html && html.trim() !== '' ? html : undefined;
}

export class GuestPassBot extends TeamsActivityHandler {
  private readonly commands: { [K in Command['kind']]: (turn: Turn, command: Extract<Command, { kind: K }>) => Promise<void> } = {
    invite: (turn, command) => this.inviteByCommand(turn, command),
    inviteCard: (turn) => this.postInviteCard(turn),
    status: (turn, command) => this.status(turn, command.email),
    guests: (turn, command) => this.guests(turn, command.page, command.due === true),
    audit: (turn) => this.auditExport(turn),
    requests: (turn) => this.listRequests(turn),
    help: (turn) => this.help(turn),
    unknown: (turn, command) => this.reply(turn, turn.texts.unknownCommandClosest(shownAsText(command.word, 'message'), command.closest, turn.texts.commandExamples[command.closest])),
    remove: (turn, command) => this.removeByCommand(turn, command.email),
    tooLong: (turn, command) => this.reply(turn, turn.texts.commandTooLong(command.length, command.max)),
  };

  private readonly verbs: Record<string, (turn: TeamTurn, data: Record<string, unknown>) => Promise<CardAnswer>> = {
    invite: (turn, data) => this.inviteByCard(turn, data),
    showRedeemLink: (turn, data) => this.invitationCard(turn, data, { refresh: false }),
    refreshInvitation: (turn, data) => this.invitationCard(turn, data, { refresh: true }),
    refreshRequest: (turn, data) => this.requestCard(turn, data),
    [OWNER_VIEW_VERBS.guests]: (turn, data) => this.guestsView(turn, data),
    [OWNER_VIEW_VERBS.requests]: (turn) => this.requestsView(turn),
    [OWNER_VIEW_VERBS.audit]: (turn, data) => this.auditView(turn, data),
    confirmResend: (turn, data) => this.invitationCard(turn, data, { refresh: false, confirmResend: true }),
    resendInvitation: (turn, data) => this.resend(turn, data),
    approveRequest: (turn, data) => this.decide(turn, data, 'approved'),
    declineRequest: (turn, data) => this.decide(turn, data, 'declined'),
    [LIFECYCLE_VERBS.showReview]: (turn, data) => this.reviewView(turn, data),
    [LIFECYCLE_VERBS.keep]: (turn, data) => this.decideReview(turn, data, 'keep'),
    [LIFECYCLE_VERBS.remove]: (turn, data) => this.decideReview(turn, data, 'remove'),
    [LIFECYCLE_VERBS.withdraw]: (turn, data) => this.withdraw(turn, data),
    confirmBulk: (turn, data) => this.deps.bulk.confirm(turn.context, turn.team, turn.caller, data),
    cancelBulk: (turn, data) => this.deps.bulk.cancel(turn.team, turn.caller, data, turn.context.activity.locale),
    bulkResultsCsv: async (turn, data) => this.deps.bulk.resultsCsv(turn.team, turn.caller, data, turn.context.activity.locale, await this.bulkViewers(turn)),
    showBulkResults: async (turn, data) => this.deps.bulk.resultsView(turn.team, turn.caller, data, turn.context.activity.locale, await this.bulkViewers(turn)),
    askRemoval: (turn, data) => this.deps.removal.askFromCard(turn.texts, turn.team, turn.caller, data),
    confirmRemoval: (turn, data) => this.deps.removal.confirm(turn.texts, turn.team, turn.caller, data),
    cancelRemoval: (turn, data) => this.deps.removal.cancel(turn.texts, turn.team, turn.caller, data),
  };

  constructor(private readonly deps: BotDeps) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      await this.welcome(context);
      await next();
    });
  }

  /** Help as a card: what the bot does, the policy in force and, in a team, who its owners are. */
  private async help(turn: Turn): Promise<void> {
    const h = turn.texts.helpCard;
    let owners = '';
    const place = await this.placeOf(turn);
    if (!('refusal' in place) && place.kind === 'team') {
      const names = (await this.deps.roster.owners(turn.context, place.team)).map((o) => shownAsText(o.name));
      if (names.length > 0) owners = h.owners(names.join(', '));
    }
    const commands = h.commands.map((c) => ({ command: shownAsText(c.command), what: c.what }));
    await this.replyCard(turn, infoCard({ title: h.title, paragraphs: [h.intro], commands, policy: h.policies[this.deps.policy.invitePolicy], owners }));
  }

  /** When Guest Pass itself is added to a team: what it does and which policy applies. */
  private async welcome(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (!(a.membersAdded ?? []).some((m) => m.id === a.recipient?.id) || !this.tenantAllowed(context)) return;
    const texts = textsFor(a.locale);
    await context.sendActivity(
      MessageFactory.attachment(
        CardFactory.adaptiveCard(
          infoCard({ title: texts.welcome.title, paragraphs: [texts.welcome.body], commands: [], policy: texts.helpCard.policies[this.deps.policy.invitePolicy], owners: '' }),
        ),
      ),
    );
  }

  /** Who gets the owners' copy of a finished bulk card: the owners and the clicker. */
  private bulkViewers(turn: TeamTurn): Promise<string[]> {
    return this.deps.roster.ownersAnd(turn.context, turn.team, [turn.caller.id]);
  }

  private turnOf(context: TurnContext): Turn {
    const a = context.activity;
    return {
      context,
      texts: textsFor(a.locale),
      log: this.deps.logger.child({ activityId: a.id, conversation: a.conversation?.id, type: a.type, name: a.name }),
    };
  }

  private tenantAllowed(context: TurnContext): boolean {
    const allowed = this.deps.allowedTenants;
    if (allowed.length === 0) return true;
    const tenant = tenantOf(context);
    return tenant !== undefined && allowed.includes(tenant);
  }

  // ---- messages -------------------------------------------------------------------------------

  private async handleMessage(context: TurnContext): Promise<void> {
    const turn = this.turnOf(context);
    if (!this.tenantAllowed(context)) {
      turn.log.warn({ tenant: tenantOf(context) }, 'activity from a tenant this bot does not serve; ignored');
      return;
    }
    const value = context.activity.value as Record<string, unknown> | undefined;
    if (value && typeof value === 'object' && typeof value.verb === 'string') {
      await this.legacySubmit(turn, value);
      return;
    }
    const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
    const command = parseCommand(htmlOf(context.activity) ?? text);
    turn.log.info({ command: command.kind }, 'command');
    if (context.activity.conversation?.conversationType === 'personal' && (command.kind === 'invite' || command.kind === 'inviteCard')) {
      await this.reply(turn, turn.texts.personalChat);
      return;
    }
    const handler = this.commands[command.kind] as (turn: Turn, command: Command) => Promise<void>;
    await handler(turn, command);
  }

  private async reply(turn: Turn, text: string): Promise<void> {
    await turn.context.sendActivity(MessageFactory.text(text));
  }

  private async replyCard(turn: Turn, card: AdaptiveCard): Promise<string | undefined> {
    const sent = await turn.context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    return sent?.id;
  }

  /** Team, caller and tenant checks shared by every path that may lead to an invitation. */
  /** Where the turn happens; a team Teams cannot describe gets a plain answer, not a generic error. */
  private async placeOf(turn: Turn): Promise<Place | { refusal: string }> {
    try {
      return await this.deps.teams.placeOf(turn.context);
    } catch (e) {
      turn.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'team details not available');
      return { refusal: turn.texts.teamUnknown };
    }
  }

  private async teamTurn(turn: Turn): Promise<TeamTurn | { refusal: string }> {
    const place = await this.placeOf(turn);
    if ('refusal' in place) return place;
    if (place.kind !== 'team') return { refusal: place.kind === 'personal' ? turn.texts.personalChat : turn.texts.notInTeam };
    const caller = callerOf(turn.context);
    if (!caller) return { refusal: turn.texts.refusals.callerUnknown() };
    this.deps.roster.learn(turn.context, place.team.teamId);
    return { ...turn, team: place.team, caller };
  }

  private async postInviteCard(turn: Turn): Promise<void> {
    const team = await this.teamTurn(turn);
    if ('refusal' in team) return this.reply(turn, team.refusal);
    // The form is posted per caller: a member under the approval policy sees that it sends a request.
    const role = await this.deps.roles.roleOf(team.team.groupId, team.caller.id).catch(() => 'outsider' as const);
    const asks = inviteRight(role, this.deps.policy.invitePolicy).kind === 'request';
    await this.replyCard(turn, inviteFormCard(turn.texts, { sendEmail: this.deps.policy.sendInvitationEmail, asks }));
  }

  /** The invite form's defaults for this turn (the request form stays one when it comes back with errors). */
  private formDefaults(turn: TeamTurn): { sendEmail: boolean; asks: boolean } {
    return { sendEmail: this.deps.policy.sendInvitationEmail, asks: turn.formAsks === true };
  }

  private async inviteByCommand(turn: Turn, command: Extract<Command, { kind: 'invite' }>): Promise<void> {
    const team = await this.teamTurn(turn);
    if ('refusal' in team) return this.reply(turn, team.refusal);
    if (command.lines.length > 1) {
      const answer = await this.deps.bulk.preview(team.team, team.caller, command.lines, { sendEmail: command.sendEmail, locale: turn.context.activity.locale });
      return answer.card ? void (await this.replyCard(turn, answer.card)) : this.reply(turn, answer.text ?? '');
    }
    const line = command.lines[0]!;
    const typed: InviteInput = { email: line.email, displayName: line.displayName, sendEmail: command.sendEmail };
    const work = this.inviteWork(team, typed, command.resend);
    const result = await beforeDeadline(work, this.deps.deadlines.messageMs);
    if (result === LATE) {
      // Answer now with a working card, and update it in place when the invitation is done.
      const activityId = await this.replyCard(turn, this.workingCard(team, typed));
      if (activityId) this.finishLate(team, typed, work, activityId);
      return;
    }
    const answer = await this.inviteAnswer(team, result);
    if (answer.text) return this.reply(turn, answer.text);
    const card = answer.publicCard ?? answer.card;
    if (!card) return;
    const activityId = await this.replyCard(turn, card);
    if (activityId) await this.rememberCards(team, answer, activityId);
  }

  /** The card shown while an invitation outlives the turn: it says the card updates by itself. */
  private workingCard(turn: TeamTurn, typed: InviteInput): AdaptiveCard {
    const email = typed.email?.trim() ?? '';
    const outcome: InvitationOutcome = { kind: 'inProgress', email, displayName: typed.displayName?.trim() || email };
    return resultCard(turn.texts, outcome, { actorName: turn.caller.name, revealRedeemUrl: false, refreshUserIds: [] });
  }

  /**
   * The invitation outlived the turn: its card (`activityId`) shows the working state. The card is
   * also attached to the invitation's claim, so that if this process dies, the worker that finishes
   * the invitation updates it. When the work is done here, the card is updated in place.
   */
  private finishLate(turn: TeamTurn, typed: InviteInput, work: Promise<InviteResult>, activityId: string): void {
    const reference = TurnContext.getConversationReference(turn.context.activity) as Record<string, unknown>;
    const email = typed.email?.trim();
    const attached = email ? this.deps.invite.intents?.attachCard(turn.team.groupId, email, { reference, activityId }).catch(() => false) : undefined;
    void (async () => {
      await attached;
      const result = await work;
      let remembered: (CardAnswer & { outcome?: InvitationOutcome; request?: ApprovalRequest }) | undefined;
      await this.deps.publisher.update(reference, activityId, async (context) => {
        const later: TeamTurn = { ...turn, context };
        const answer = await this.inviteAnswer(later, result);
        remembered = answer;
        return answer.publicCard ?? answer.card ?? this.workingCard(turn, typed);
      });
      if (remembered) await this.rememberCardsAt(turn, reference, remembered, activityId);
    })().catch((e: unknown) => turn.log.error({ err: e instanceof Error ? e.message : String(e) }, 'invitation finished after the deadline, but its card was not updated'));
  }

  // ---- card actions ---------------------------------------------------------------------------

  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const turn = this.turnOf(context);
    if (!this.tenantAllowed(context)) {
      turn.log.warn({ tenant: tenantOf(context) }, 'card action from a tenant this bot does not serve; refused');
      return { statusCode: 403, type: 'application/vnd.microsoft.error', value: { code: 'Forbidden', message: 'tenant not served' } as never };
    }
    const verb = value?.action?.verb ?? '';
    const data = (value?.action?.data ?? {}) as Record<string, unknown>;
    const answer = await this.cardAction(turn, verb, data);
    if (answer.publicCard && context.activity.replyToId) {
      await context.updateActivity({ id: context.activity.replyToId, type: 'message', attachments: [CardFactory.adaptiveCard(answer.publicCard)] });
    }
    if (answer.card) return { statusCode: 200, type: ADAPTIVE_CARD, value: answer.card as never };
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: (answer.text ?? '') as never };
  }

  /** Invokes Guest Pass does not use (botbuilder would answer 501): acknowledged, logged, ignored. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const response = await super.onInvokeActivity(context);
    if (response.status === 501) {
      this.deps.logger.info({ name: context.activity.name }, 'invoke not used by Guest Pass; ignored');
      return { status: 200 };
    }
    return response;
  }

  /**
   * Clients without Universal Actions send Action.Submit: a message with `value` and `replyToId`.
   * Its answer can only be a message everyone in the channel reads, so only the shared copy of a
   * card is ever written; the clicker's private copy (a redeem link, an owners' list, a CSV) is
   * never posted, and they are told where to see it.
   */
  private async legacySubmit(turn: Turn, value: Record<string, unknown>): Promise<void> {
    const answer = await this.cardAction(turn, String(value.verb), value);
    const replyToId = turn.context.activity.replyToId;
    if (answer.publicCard && replyToId) {
      await turn.context.updateActivity({ id: replyToId, type: 'message', attachments: [CardFactory.adaptiveCard(answer.publicCard)] });
    } else if (answer.publicCard) {
      await this.replyCard(turn, answer.publicCard);
    }
    if ((answer.card && answer.card !== answer.publicCard) || answer.text) await this.reply(turn, turn.texts.privateAnswerNeedsCurrentClient);
  }

  private async cardAction(turn: Turn, verb: string, data: Record<string, unknown>): Promise<CardAnswer> {
    turn.log.info({ verb }, 'card action');
    const handler = this.verbs[verb];
    if (!handler) return { text: turn.texts.cardExpired };
    const team = await this.teamTurn(turn);
    if ('refusal' in team) return { text: team.refusal };
    return handler(team, data);
  }

  private async inviteByCard(turn: TeamTurn, data: Record<string, unknown>): Promise<CardAnswer> {
    turn.formAsks = data.asks === true || data.asks === 'true';
    const parsed = inviteInputSchema.safeParse(data);
    const typed: InviteInput = parsed.success ? parsed.data : {};
    // Field sizes are checked before anything parses them.
    const oversized = oversizedFields(typed);
    if (Object.keys(oversized).length > 0) {
      const card = inviteFormCard(turn.texts, this.formDefaults(turn), typed, oversized);
      return { card, publicCard: card };
    }
    const list = parseInviteLines(typed.bulk ?? '');
    const inEmailField = parseInviteLines(typed.email ?? '');
    if (list.length > 0 || inEmailField.length > 1) {
      // The card's list (plus the address field, which may name several people too) is a bulk invitation.
      const one = inEmailField.length === 1 ? inEmailField[0]! : undefined;
      const single = one ? [{ ...one, displayName: typed.displayName?.trim() || one.displayName, raw: `${typed.email ?? ''} ${typed.displayName ?? ''}`.trim() }] : inEmailField;
      const lines = [...single, ...list];
      const sendEmail = typed.sendEmail === undefined ? undefined : typed.sendEmail === true || typed.sendEmail === 'true';
      return this.deps.bulk.preview(turn.team, turn.caller, lines, { sendEmail, message: typed.message || undefined, locale: turn.context.activity.locale });
    }
    const clicked = await this.inviteByClick(turn, typed, false);
    if ('late' in clicked) return clicked.late;
    const replyToId = turn.context.activity.replyToId;
    if (replyToId) await this.rememberCards(turn, clicked.answer, replyToId);
    return clicked.answer;
  }

  /**
   * An invitation from a card click, raced against the card action's deadline: Teams gives up
   * after about 5 s, so past it the working card replaces the clicked one now, and is updated
   * when the invitation is done.
   */
  private async inviteByClick(turn: TeamTurn, typed: InviteInput, resend: boolean): Promise<{ late: CardAnswer } | { answer: Awaited<ReturnType<GuestPassBot['inviteAnswer']>> }> {
    const replyToId = turn.context.activity.replyToId;
    const work = this.inviteWork(turn, typed, resend, replyToId);
    const result = await beforeDeadline(work, this.deps.deadlines.invokeMs);
    if (result !== LATE) return { answer: await this.inviteAnswer(turn, result) };
    const working = this.workingCard(turn, typed);
    if (replyToId) {
      await turn.context.updateActivity({ id: replyToId, type: 'message', attachments: [CardFactory.adaptiveCard(working)] });
      this.finishLate(turn, typed, work, replyToId);
    }
    return { late: { card: working } };
  }

  // ---- the invitation itself ------------------------------------------------------------------

  private async invite(turn: TeamTurn, typed: InviteInput, resend: boolean): Promise<CardAnswer & { outcome?: InvitationOutcome; request?: ApprovalRequest }> {
    return this.inviteAnswer(turn, await this.inviteWork(turn, typed, resend));
  }

  /**
   * Validation, the caller's right, and the invitation (or the request for approval). Reads all it
   * needs from the turn's context before its first wait: it may go on after the turn has ended.
   */
  private async inviteWork(turn: TeamTurn, typed: InviteInput, resend: boolean, origin?: string): Promise<InviteResult> {
    const { texts, team, caller } = turn;
    const validation = validateInvite(typed, { sendEmail: this.deps.policy.sendInvitationEmail });
    if (!validation.ok) {
      // Field errors come back on the form, with what was typed kept.
      return { form: inviteFormCard(texts, this.formDefaults(turn), typed, validation.errors) };
    }
    const request = { ...validation.value, resend, locale: invitationLanguage(turn.context.activity.locale), origin };
    let outcome: InvitationOutcome;
    let right: ReturnType<typeof inviteRight>;
    try {
      right = inviteRight(await this.deps.roles.roleOf(team.groupId, caller.id), this.deps.policy.invitePolicy);
    } catch (e) {
      // Without knowing the caller's role nothing is done; the card says why (e.g. a missing permission).
      return { outcome: outcomeOfError(e, { kind: 'failed', email: request.email, displayName: request.displayName }, domainOf(request.email)) };
    }
    const domainRule = domainRefusal(domainOf(request.email), this.deps.invite.rules);
    if (right.kind === 'request' && !domainRule && !resend) {
      return { request: await this.requestApproval(turn, validation.value) };
    }
    if (right.kind === 'invite') {
      outcome = await inviteGuest(this.deps.invite, team, caller, request);
    } else {
      const code = right.kind === 'refuse' ? right.code : right.kind === 'request' && domainRule ? domainRule : 'callerNotOwner';
      outcome = { kind: 'refused', email: request.email, displayName: request.displayName, refusal: code, detail: domainRule ? domainOf(request.email) : undefined };
      await this.audit(turn, 'refuse', request.email, 'refused', { reason: code });
    }
    turn.log.info({ outcome: outcome.kind, reason: outcome.refusal ?? outcome.failure, requestId: outcome.trace?.requestId }, 'invitation');
    return { outcome, message: request.message };
  }

  /** The cards for an invitation's result, built with a live context (the turn's, or a proactive one). */
  private async inviteAnswer(turn: TeamTurn, result: InviteResult): Promise<CardAnswer & { outcome?: InvitationOutcome; request?: ApprovalRequest }> {
    if ('form' in result) return { card: result.form, publicCard: result.form };
    if ('request' in result) {
      // The request card @mentions the owners (their Teams ids and roster names).
      const card = approvalCard(turn.texts, result.request, { revealRedeemUrl: false, mentionOwners: await this.deps.roster.owners(turn.context, turn.team) });
      return { card, publicCard: card, request: result.request };
    }
    const cards = await this.outcomeCards(turn, result.outcome, turn.caller.name, result.message);
    return { ...cards, outcome: result.outcome };
  }

  /** The clicker's copy carries the redeem link; the channel's copy only if configuration says so. */
  private async outcomeCards(turn: TeamTurn, outcome: InvitationOutcome, actorName: string, personalMessage?: string) {
    // The inviter's and owners' clients fetch their own copy (with the link) by themselves.
    const refreshUserIds = outcome.redeemUrl ? await this.deps.roster.ownersAnd(turn.context, turn.team, [turn.caller.id]) : [];
    const view = { actorName, refreshUserIds, personalMessage };
    return {
      card: resultCard(turn.texts, outcome, { ...view, revealRedeemUrl: true }),
      publicCard: resultCard(turn.texts, outcome, { ...view, revealRedeemUrl: this.deps.policy.redeemLinkAudience === 'channel' }),
    };
  }

  /** Stores where the card lives, so background work (tracking, pending adds) can update it. */
  private async rememberCards(turn: TeamTurn, answer: { outcome?: InvitationOutcome; request?: ApprovalRequest }, activityId: string): Promise<void> {
    const reference = TurnContext.getConversationReference(turn.context.activity) as Record<string, unknown>;
    await this.rememberCardsAt(turn, reference, answer, activityId);
  }

  private async rememberCardsAt(turn: TeamTurn, reference: Record<string, unknown>, answer: { outcome?: InvitationOutcome; request?: ApprovalRequest }, activityId: string): Promise<void> {
    if (answer.outcome?.userId) {
      await this.deps.records.update(turn.team.groupId, answer.outcome.email, (r) => withCard(r, { reference, activityId }));
    }
    if (answer.request) {
      await this.deps.approvals.patch(turn.team.groupId, answer.request.id, () => ({ card: { reference, activityId } }));
    }
  }

  // ---- approvals --------------------------------------------------------------------------------

  private async requestApproval(turn: TeamTurn, invite: ValidInvite): Promise<ApprovalRequest> {
    const { team, caller } = turn;
    const request = await this.deps.approvals.create({ groupId: team.groupId, teamId: team.teamId, requester: caller, invite });
    await this.audit(turn, 'request', invite.email, 'requested');
    turn.log.info({ requestId: request.id }, 'invitation requested');
    return request;
  }

  private async audit(turn: TeamTurn, action: AuditAction, subject: string, outcome: string, extra: Partial<AuditEntry> = {}): Promise<void> {
    await this.deps.invite.audit.append({
      at: this.deps.invite.now().toISOString(),
      groupId: turn.team.groupId,
      teamId: turn.team.teamId,
      actor: turn.caller,
      action,
      subject,
      outcome,
      ...extra,
    });
  }

  /** Approve or decline: only an owner's click counts, checked now against Graph, never from card data. */
  private async decide(turn: TeamTurn, data: Record<string, unknown>, decision: 'approved' | 'declined'): Promise<CardAnswer> {
    const started = Date.now();
    const requestId = typeof data.requestId === 'string' ? data.requestId : '';
    // Decided from the owners' /requests list: the answer is the list again, the request's own card is rewritten.
    const onList = data.via === 'requests';
    const role = await this.deps.roles.roleOf(turn.team.groupId, turn.caller.id, { fresh: true });
    if (role !== 'owner') {
      turn.log.warn({ requestId, role }, 'decision refused: caller is not an owner');
      await this.audit(turn, 'refuse', requestId, 'refused', { reason: 'callerNotOwner' });
      return { text: turn.texts.approval.onlyOwners };
    }
    const result = await this.deps.approvals.decide(turn.team.groupId, requestId, turn.caller, decision);
    if (result.kind === 'notFound') return { text: turn.texts.approval.notFound };
    if (result.kind === 'alreadyDecided') {
      if (onList) return this.requestsView(turn, this.decisionNote(turn, result.request));
      return { card: approvalCard(turn.texts, result.request, { revealRedeemUrl: false }) };
    }
    let request = result.request;
    await this.audit(turn, decision === 'approved' ? 'approve' : 'decline', request.invite.email, decision, { reason: `request ${request.id}` });
    if (decision === 'approved') {
      // The invitation races the card action's deadline like every other invitation: past it the
      // clicked card shows the approval under way, and is updated when the invitation is done.
      const replyToId = turn.context.activity.replyToId;
      const work = this.inviteApproved(turn, request, onList);
      const result = await beforeDeadline(work, Math.max(0, this.deps.deadlines.invokeMs - (Date.now() - started)));
      if (result === LATE) {
        const working = approvalCard(turn.texts, request, { revealRedeemUrl: false });
        // From the /requests list the clicked card is the owners' list: the request's own card is
        // rewritten when the invitation is done, and the list answers now.
        if (onList) {
          this.finishDecisionLate(turn, work, request.card);
          return this.requestsView(turn, this.decisionNote(turn, request));
        }
        if (!replyToId) return { card: working };
        await turn.context.updateActivity({ id: replyToId, type: 'message', attachments: [CardFactory.adaptiveCard(working)] });
        this.finishDecisionLate(turn, work, { reference: TurnContext.getConversationReference(turn.context.activity) as Record<string, unknown>, activityId: replyToId });
        return { card: working };
      }
      request = result;
    }
    if (request.card && request.card.activityId !== turn.context.activity.replyToId) {
      await this.deps.notifier?.requestChanged(request).catch((e: unknown) => turn.log.warn({ err: (e as Error).message }, 'request card not updated'));
    }
    if (onList) return this.requestsView(turn, this.decisionNote(turn, request));
    return this.decisionCards(turn, request);
  }

  /** The approved request's invitation; the request as it stands afterwards. */
  private async inviteApproved(turn: TeamTurn, request: ApprovalRequest, onList: boolean): Promise<ApprovalRequest> {
    // Read from the turn now: the work may outlive it (its context is revoked when the turn ends).
    const { locale, replyToId } = turn.context.activity;
    const reference = TurnContext.getConversationReference(turn.context.activity) as Record<string, unknown>;
    const outcome = await inviteGuest(this.deps.invite, turn.team, turn.caller, { ...request.invite, locale: invitationLanguage(locale) });
    // Under way elsewhere (another turn invites the same address): background work finishes the request.
    if (outcome.kind !== 'inProgress') request = (await this.deps.approvals.patch(turn.team.groupId, request.id, () => ({ outcome }))) ?? { ...request, outcome };
    const cardAt = onList ? request.card : replyToId ? { reference, activityId: replyToId } : undefined;
    if (outcome.userId && cardAt) await this.deps.records.update(turn.team.groupId, outcome.email, (r) => withCard(r, cardAt));
    return request;
  }

  private async decisionCards(turn: TeamTurn, request: ApprovalRequest): Promise<CardAnswer> {
    const reveal = this.deps.policy.redeemLinkAudience === 'channel';
    const refreshUserIds = request.outcome?.redeemUrl ? await this.deps.roster.ownersAnd(turn.context, turn.team, [turn.caller.id]) : [];
    return {
      card: approvalCard(turn.texts, request, { revealRedeemUrl: true, refreshUserIds }),
      publicCard: approvalCard(turn.texts, request, { revealRedeemUrl: reveal, refreshUserIds }),
    };
  }

  /**
   * An approval whose invitation outlived the card action: the clicked card (`activityId`) shows it
   * under way and is updated in place when the invitation is done (the shared copy; the decider and
   * owners see the redeem link through the card's refresh). If this process dies, background work
   * finishes the approved request and updates its card.
   */
  /** Updates the request's card (`at`) once an approval that outlived the turn's deadline is done. */
  private finishDecisionLate(turn: TeamTurn, work: Promise<ApprovalRequest>, at: { reference: Record<string, unknown>; activityId: string } | undefined): void {
    void (async () => {
      const request = await work;
      if (!at) return;
      await this.deps.publisher.update(at.reference, at.activityId, async (context) => (await this.decisionCards({ ...turn, context }, request)).publicCard!);
    })().catch((e: unknown) => turn.log.error({ err: e instanceof Error ? e.message : String(e) }, 'approval finished after the deadline, but its card was not updated'));
  }

  /** An approval card shown again (its refresh): the redeem link only for the decider and owners. */
  private async requestCard(turn: TeamTurn, data: Record<string, unknown>): Promise<CardAnswer> {
    const requestId = typeof data.requestId === 'string' ? data.requestId : '';
    const request = await this.deps.approvals.get(turn.team.groupId, requestId);
    if (!request) return { text: turn.texts.approval.notFound };
    const reveal =
      this.deps.policy.redeemLinkAudience === 'channel' ||
      request.decidedBy?.id === turn.caller.id ||
      (await this.deps.roles.ownerIds(turn.team.groupId)).includes(turn.caller.id);
    const refreshUserIds = request.outcome?.redeemUrl ? await this.deps.roster.ownersAnd(turn.context, turn.team, [request.decidedBy?.id ?? '']) : [];
    return { card: approvalCard(turn.texts, request, { revealRedeemUrl: reveal, refreshUserIds }) };
  }

  // ---- where guests stand ------------------------------------------------------------------------

  /** Runs a report for a role; Graph failures become the plain-language failure text. */
  private async report(turn: Turn, allowed: (role: TeamRole) => boolean, refusal: string, work: (team: TeamTurn) => Promise<string | undefined>): Promise<void> {
    const team = await this.teamTurn(turn);
    if ('refusal' in team) return this.reply(turn, team.refusal);
    try {
      if (!allowed(await this.deps.roles.roleOf(team.team.groupId, team.caller.id))) return this.reply(turn, refusal);
      const text = await work(team);
      if (text) await this.reply(turn, text);
    } catch (e) {
      if (!(e instanceof DirectoryError)) throw e;
      await this.reply(turn, this.failureText(turn, e));
    }
  }

  /** A Graph failure in plain language, with its request-id. */
  private failureText(turn: Turn, e: DirectoryError): string {
    const outcome = outcomeOfError(e, { kind: 'failed', email: '', displayName: '' }, '');
    turn.log.warn({ kind: e.kind, requestId: e.trace.requestId }, 'report failed');
    return `${turn.texts.failures[outcome.failure ?? 'unexpected'](outcome.detail ?? '')}${e.trace.requestId ? ` (request-id ${e.trace.requestId})` : ''}`;
  }

  /** `/remove <email>`: the confirmation card, or a plain answer why not (src/teams/removal.ts). */
  private async removeByCommand(turn: Turn, email: string): Promise<void> {
    const team = await this.teamTurn(turn);
    if ('refusal' in team) return this.reply(turn, team.refusal);
    const answer = await this.deps.removal.command(turn.texts, team.team, team.caller, email);
    if (answer.card) await this.replyCard(turn, answer.card);
    else await this.reply(turn, answer.text ?? '');
  }

  private async status(turn: Turn, rawEmail: string): Promise<void> {
    const s = turn.texts.status;
    const email = checkEmail(rawEmail);
    if (!email.ok) return this.reply(turn, rawEmail ? turn.texts.fieldErrors[email.code] : s.usage);
    await this.report(turn, (role) => role === 'owner' || role === 'member', s.membersOnly, async (team) => {
      const g = await guestStatus(this.deps, team.team.groupId, email.value);
      if (!g.user && !g.record) return s.notFound(shownAsText(email.value, 'message'));
      return [
        s.heading(shownAsText(g.displayName, 'message'), shownAsText(g.email, 'message')),
        g.record ? s.invited(turn.texts.when(g.record.createdAt), shownAsText(g.record.invitedBy.name, 'message')) : s.notInvitedHere,
        g.state ? s.state(turn.texts.states[g.state], turn.texts.when(g.stateChangedAt)) : '',
        s.inTeam(g.inTeam),
        g.record ? s.lastOutcome(turn.texts.outcomeTitles[g.record.outcome]) : '',
        g.record?.removedAt && !g.inTeam ? s.removed(turn.texts.when(g.record.removedAt), shownAsText(g.record.removedBy?.name ?? '', 'message')) : '',
      ]
        .filter(Boolean)
        .join('\n');
    });
  }

  // /guests, /requests and /audit are for owners only, and a channel is read by members and
  // guests too: the reply is a card whose channel copy names only what it is and who asked; the
  // owners' clients (for /audit: the asker's alone) fetch the content as their own view, checked
  // on the server at every refresh, so a member who picks "Refresh" sees nothing more.

  /** Posts the channel copy of an owners' view, after checking the caller is an owner now. */
  private async postOwnersView(turn: Turn, refusal: string, view: (team: TeamTurn) => Promise<OwnersView>): Promise<void> {
    await this.report(turn, (role) => role === 'owner', refusal, async (team) => {
      await this.replyCard(turn, ownersViewCard(turn.texts, { ...(await view(team)), showButton: true }));
      return undefined;
    });
  }

  private async guests(turn: Turn, page: number, due: boolean): Promise<void> {
    const o = turn.texts.ownersView;
    await this.postOwnersView(turn, turn.texts.guests.ownersOnly, async (team) => ({
      verb: OWNER_VIEW_VERBS.guests,
      data: due ? { page, due } : { page },
      title: o.guestsTitle,
      summary: o.ownersOnly(shownAsText(team.caller.name, 'card')),
      refreshUserIds: await this.deps.roster.ownersAnd(team.context, team.team, [team.caller.id]),
    }));
  }

  private async listRequests(turn: Turn): Promise<void> {
    const o = turn.texts.ownersView;
    await this.postOwnersView(turn, turn.texts.approval.ownersOnly, async (team) => ({
      verb: OWNER_VIEW_VERBS.requests,
      title: o.requestsTitle,
      summary: o.ownersOnly(shownAsText(team.caller.name, 'card')),
      refreshUserIds: await this.deps.roster.ownersAnd(team.context, team.team, [team.caller.id]),
    }));
  }

  private async auditExport(turn: Turn): Promise<void> {
    const o = turn.texts.ownersView;
    await this.postOwnersView(turn, turn.texts.audit.ownersOnly, async (team) => ({
      verb: OWNER_VIEW_VERBS.audit,
      data: { askedBy: team.caller.id, askedAt: this.deps.invite.now().toISOString() },
      title: o.auditTitle,
      summary: o.askerOnly(shownAsText(team.caller.name, 'card')),
      // Only the asker: a link to the team's whole audit log goes to no one else's screen.
      refreshUserIds: await this.deps.roster.teamsIdsOf(team.context, team.team.teamId, [team.caller.id]),
    }));
  }

  /**
   * The owners' own copy of a view, or the channel copy again for anyone else. Checked now,
   * against Graph, whoever asks: the card's data only says which view.
   */
  private async ownersView(turn: TeamTurn, shared: OwnersView, render: () => Promise<Partial<OwnersView> | string>): Promise<CardAnswer> {
    const role = await this.deps.roles.roleOf(turn.team.groupId, turn.caller.id).catch(() => 'outsider' as const);
    if (role !== 'owner') return { card: ownersViewCard(turn.texts, { ...shared, summary: turn.texts.ownersView.notOwner, showButton: false }) };
    try {
      const view = await render();
      if (typeof view === 'string') return { card: ownersViewCard(turn.texts, { ...shared, summary: view, showButton: false }) };
      return { card: ownersViewCard(turn.texts, { ...shared, ...view, showButton: false }) };
    } catch (e) {
      if (!(e instanceof DirectoryError)) throw e;
      return { text: this.failureText(turn, e) };
    }
  }

  private async guestsView(turn: TeamTurn, data: Record<string, unknown>): Promise<CardAnswer> {
    const t = turn.texts.guests;
    const page = typeof data.page === 'number' && Number.isInteger(data.page) && data.page > 0 ? data.page : 1;
    const due = data.due === true;
    const shared = await this.sharedViewOf(turn, OWNER_VIEW_VERBS.guests, turn.texts.ownersView.guestsTitle, due ? { page, due } : { page });
    return this.ownersView(turn, shared, async () => {
      const { reviewMs } = this.deps.lifecycle.times;
      const now = this.deps.invite.now();
      const result = await teamGuests(this.deps, turn.team.groupId, page, 20, due ? (r) => awaitsDecision(r, reviewMs, now) : undefined);
      if (result.total === 0) return due ? turn.texts.lifecycle.dueNone : t.none;
      // These lines are card text now (the owners' view), so escaped as card text.
      const shown = (value: string) => shownAsText(value, 'card');
      const review = (record: InvitationRecord | undefined) => {
        if (!record) return '';
        const state = reviewStateOf(record, reviewMs, now);
        const when = state === 'removed' || state === 'expired' || state === 'withdrawn' ? record.removal?.at : reviewDueAt(record, reviewMs);
        return turn.texts.lifecycle.guestsReview(turn.texts.lifecycle.states[state], cardDateTime(when));
      };
      const lines = result.items.map(
        (g) =>
          t.line(shown(g.displayName), shown(g.email), g.state ? turn.texts.states[g.state] : '?', cardDateTime(g.record?.createdAt), shown(g.record?.invitedBy.name ?? ''), g.inTeam) +
          review(g.record),
      );
      const heading = due ? turn.texts.lifecycle.dueHeading(result.total) : t.heading(result.total, result.page, result.pages);
      return { summary: heading, lines: result.page < result.pages ? [...lines, due ? '' : t.more(result.page + 1)].filter(Boolean) : lines };
    });
  }

  /** The owners' list of open requests, each with Approve and Decline (decided as on the request's card, checked in decide). */
  private async requestsView(turn: TeamTurn, note?: string): Promise<CardAnswer> {
    const a = turn.texts.approval;
    const shared = await this.sharedViewOf(turn, OWNER_VIEW_VERBS.requests, turn.texts.ownersView.requestsTitle);
    return this.ownersView(turn, shared, async () => {
      const open = await this.deps.approvals.openForGroup(turn.team.groupId);
      const shown = (value: string) => shownAsText(value, 'card');
      const requests = open.map((r) => ({
        requestId: r.id,
        text: a.openRequestLine(shown(r.requester.name), `${shown(r.invite.displayName)} (${shown(r.invite.email)})`, cardDateTime(r.createdAt)),
      }));
      return { summary: [note, a.openRequests(open.length)].filter(Boolean).join('\n\n'), requests };
    });
  }

  /** What happened to a request decided from the list, for the owner who clicked. */
  private decisionNote(turn: TeamTurn, request: ApprovalRequest): string {
    const a = turn.texts.approval;
    const guest = `${shownAsText(request.invite.displayName, 'card')} (${shownAsText(request.invite.email, 'card')})`;
    const outcome = request.outcome ? ` ${turn.texts.outcomeTitles[request.outcome.kind]}.` : '';
    return `${a.decidedFromList(shownAsText(request.decidedBy?.name ?? '', 'card'), request.status === 'declined' ? a.declinedWord : a.approvedWord, guest)}${outcome}`;
  }

  private async auditView(turn: TeamTurn, data: Record<string, unknown>): Promise<CardAnswer> {
    const o = turn.texts.ownersView;
    const askedBy = typeof data.askedBy === 'string' ? data.askedBy : '';
    const askedAt = typeof data.askedAt === 'string' ? Date.parse(data.askedAt) : Number.NaN;
    const shared: OwnersView = {
      verb: OWNER_VIEW_VERBS.audit,
      data: { askedBy, askedAt: data.askedAt },
      title: o.auditTitle,
      summary: o.auditTitle,
      refreshUserIds: await this.deps.roster.teamsIdsOf(turn.context, turn.team.teamId, [askedBy]),
    };
    // The card names its asker; only the asker, still an owner, gets a link. Naming yourself in
    // forged card data gains nothing an owner could not get by typing /audit.
    if (askedBy !== turn.caller.id) return { card: ownersViewCard(turn.texts, { ...shared, summary: o.notAsker }) };
    if (!(this.deps.invite.now().getTime() - askedAt < AUDIT_CARD_LIFETIME_MS)) return { card: ownersViewCard(turn.texts, { ...shared, summary: o.auditCardExpired }) };
    return this.ownersView(turn, shared, async () => {
      const { path } = await this.deps.exports.grant(turn.team.groupId, turn.caller);
      await this.audit(turn, 'export', 'audit log', 'link issued');
      const url = `${this.deps.publicBaseUrl}${path}`;
      return { summary: turn.texts.audit.link(url, Math.round(this.deps.exports.ttlMs / 60_000)), linkUrl: url };
    });
  }

  /** The channel copy of an owners' view, as a refresh must keep it (same verb, same viewers). */
  private async sharedViewOf(turn: TeamTurn, verb: OwnerViewVerb, title: string, data?: Record<string, unknown>): Promise<OwnersView> {
    return { verb, data, title, summary: '', refreshUserIds: await this.deps.roster.ownersAnd(turn.context, turn.team, [turn.caller.id]) };
  }

  private async recordFor(turn: TeamTurn, data: Record<string, unknown>): Promise<InvitationRecord | undefined> {
    const email = typeof data.email === 'string' ? data.email : '';
    // The card only names which record; the team comes from the activity, never from card data.
    return email ? this.deps.records.get(turn.team.groupId, email) : undefined;
  }

  private async mayRevealLink(turn: TeamTurn, record: InvitationRecord): Promise<boolean> {
    if (this.deps.policy.redeemLinkAudience === 'channel' || record.invitedBy.id === turn.caller.id) return true;
    return (await this.deps.roles.ownerIds(turn.team.groupId)).includes(turn.caller.id);
  }

  private async invitationCard(turn: TeamTurn, data: Record<string, unknown>, options: { refresh: boolean; confirmResend?: boolean }): Promise<CardAnswer> {
    let record = await this.recordFor(turn, data);
    if (!record) return { text: turn.texts.cardExpired };
    // Teams' automatic refresh right after the invitation: the record is the truth (no Graph round trip).
    if (options.refresh && record.userId && !(Date.now() - Date.parse(record.updatedAt) < 10_000)) {
      const user = await this.deps.directory.getUser(record.userId).catch(() => undefined);
      if (user) {
        const state = user.userType === 'Member' ? 'Member' : (user.externalUserState ?? 'PendingAcceptance');
        record = (await this.deps.records.update(record.groupId, record.email, (r) => ({ ...r, state, stateChangedAt: user.externalUserStateChangeDateTime }))) ?? record;
      }
    }
    const reveal = await this.mayRevealLink(turn, record);
    return { card: await recordCard(turn.texts, record, (r) => this.deps.roster.ownersAnd(turn.context, turn.team, [r.invitedBy.id]), reveal, options.confirmResend) };
  }

  private async resend(turn: TeamTurn, data: Record<string, unknown>): Promise<CardAnswer> {
    const record = await this.recordFor(turn, data);
    if (!record) return { text: turn.texts.cardExpired };
    // Someone who may not invite gets a private answer; the card everyone shares stays as it is.
    const right = inviteRight(await this.deps.roles.roleOf(turn.team.groupId, turn.caller.id), this.deps.policy.invitePolicy);
    if (right.kind !== 'invite') {
      await this.audit(turn, 'refuse', record.email, 'refused', { reason: right.kind === 'refuse' ? right.code : 'callerNotOwner' });
      return { text: turn.texts.refusals[right.kind === 'refuse' ? right.code : 'callerNotOwner']('') };
    }
    const typed = { email: record.email, displayName: record.displayName, sendEmail: record.emailSent ?? this.deps.policy.sendInvitationEmail };
    const clicked = await this.inviteByClick(turn, typed, true);
    if ('late' in clicked) return clicked.late;
    const answer = clicked.answer;
    // Only a new invitation changes the shared card; anything else (already accepted, a Graph failure) is the clicker's.
    return answer.outcome?.kind === 'reinvited' ? answer : { card: answer.card };
  }

  // ---- the guest lifecycle ----------------------------------------------------------------------

  /** A review card's own copy (its refresh): the buttons for an owner, the channel's copy for anyone else; decided reviews show how they ended. */
  private async reviewView(turn: TeamTurn, data: Record<string, unknown>): Promise<CardAnswer> {
    const record = await this.recordFor(turn, data);
    if (!record) return { text: turn.texts.lifecycle.notFound };
    const dueAt = typeof data.dueAt === 'string' ? data.dueAt : '';
    const ended = reviewStateOfCard(record);
    if (record.removal || record.review?.dueAt !== dueAt || !record.review.notifiedAt) {
      return { card: reviewCard(turn.texts, record, dueAt, { state: ended ?? 'kept' }) };
    }
    const deciders = await this.deps.lifecycle.decidersOf(record).catch(() => [] as string[]);
    const role = await this.deps.roles.roleOf(turn.team.groupId, turn.caller.id).catch(() => 'outsider' as const);
    return {
      card: reviewCard(turn.texts, record, dueAt, {
        state: 'open',
        reminder: (record.review.cards ?? []).findIndex((c) => c.activityId === turn.context.activity.replyToId) > 0,
        mentions: await this.deps.roster.members(turn.context, turn.team.teamId, deciders),
        refreshUserIds: await this.deps.roster.teamsIdsOf(turn.context, turn.team.teamId, deciders),
        showButtons: role === 'owner',
      }),
    };
  }

  /** Keep or Remove: only an owner's click counts, checked now against Graph; decided once (ETag claim on the record). */
  private async decideReview(turn: TeamTurn, data: Record<string, unknown>, decision: 'keep' | 'remove'): Promise<CardAnswer> {
    const l = turn.texts.lifecycle;
    const email = typeof data.email === 'string' ? data.email : '';
    const dueAt = typeof data.dueAt === 'string' ? data.dueAt : '';
    const role = await this.deps.roles.roleOf(turn.team.groupId, turn.caller.id, { fresh: true }).catch(() => 'outsider' as const);
    if (role !== 'owner') {
      turn.log.warn({ role, decision }, 'review decision refused: caller is not an owner');
      await this.audit(turn, 'refuse', email, 'refused', { reason: 'callerNotOwner' });
      return { text: l.onlyOwners };
    }
    const result = await this.deps.lifecycle.decide(turn.team.groupId, email, dueAt, turn.caller, decision);
    if (result.kind === 'notFound') return { text: l.notFound };
    if (result.kind === 'alreadyDecided') {
      const ended = reviewStateOfCard(result.record);
      return ended ? { card: reviewCard(turn.texts, result.record, dueAt, { state: ended }) } : { text: l.alreadyDecided };
    }
    if (result.kind === 'failed') {
      turn.log.warn({ err: result.error instanceof Error ? result.error.message : String(result.error) }, 'guest not removed');
      return { text: result.error instanceof DirectoryError ? this.failureText(turn, result.error) : turn.texts.somethingWentWrong('remove') };
    }
    const card = reviewCard(turn.texts, result.record, dueAt, { state: decision === 'keep' ? 'kept' : 'removed' });
    await this.updateOtherCards(turn, result.cards, card);
    return { card, publicCard: card };
  }

  /** Withdraw a pending guest: an owner, or the inviter while they may still invite. */
  private async withdraw(turn: TeamTurn, data: Record<string, unknown>): Promise<CardAnswer> {
    const l = turn.texts.lifecycle;
    const record = await this.recordFor(turn, data);
    if (!record) return { text: l.notFound };
    const role = await this.deps.roles.roleOf(turn.team.groupId, turn.caller.id, { fresh: true }).catch(() => 'outsider' as const);
    const inviter = record.invitedBy.id === turn.caller.id && inviteRight(role, this.deps.policy.invitePolicy).kind === 'invite';
    if (role !== 'owner' && !inviter) {
      await this.audit(turn, 'refuse', record.email, 'refused', { reason: 'callerNotOwner' });
      return { text: l.onlyOwnersOrInviter };
    }
    const result = await this.deps.lifecycle.withdraw(turn.team.groupId, record.email, turn.caller);
    if (result.kind === 'notFound') return { text: l.notFound };
    if (result.kind === 'alreadyDecided') return { text: l.alreadyAccepted };
    if (result.kind === 'failed') {
      return { text: result.error instanceof DirectoryError ? this.failureText(turn, result.error) : turn.texts.somethingWentWrong('withdraw') };
    }
    const card = withdrawnCard(turn.texts, result.record);
    return { card, publicCard: card };
  }

  /** The decided state on the review's other cards (the card and its reminder), not the one clicked. */
  private async updateOtherCards(turn: TeamTurn, cards: { reference: Record<string, unknown>; activityId: string }[], card: AdaptiveCard): Promise<void> {
    for (const at of cards.filter((c) => c.activityId !== turn.context.activity.replyToId)) {
      await this.deps.publisher.update(at.reference, at.activityId, card).catch((e: unknown) => turn.log.warn({ err: (e as Error).message }, 'review card not updated'));
    }
  }
}
