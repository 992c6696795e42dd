// What every handler works with: the turn (port, texts, log, the bot's dependencies), the team
// turn once the team and caller are known, and the few things every handler does with them.
import type { Logger } from 'pino';
import type { PolicyConfig } from '../config';
import type { ApprovalRequests } from '../domain/approval/approvals';
import { auditAction, type AuditAction, type AuditEntry } from '../domain/audit/audit';
import type { AuditExports } from '../domain/audit/export';
import type { ChangeNotifier } from '../domain/notifier';
import { DirectoryError, type GuestDirectory } from '../domain/directory';
import type { InvitationRecords } from '../domain/invitation/records';
import type { Person } from '../domain/team';
import type { InviteDeps } from '../domain/invitation/deps';
import type { TeamRef } from '../domain/team';
import type { GuestLifecycle } from '../domain/lifecycle/lifecycle';
import type { TeamRole } from '../domain/policy';
import type { TeamRoles } from '../domain/roles';
import type { Texts } from '../text/en';
import type { BulkInvitations } from './bulk';
import type { AdaptiveCard } from './cards';
import type { CardPublisher } from './proactive';
import { directoryFailureText } from './reasons';
import type { GuestRemovals } from './removal';
import type { TeamRoster } from './roster';
import { callerOf, type Place, type TeamResolver } from './teamContext';
import type { TurnPort } from './turn';

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

export interface Turn {
  port: TurnPort;
  texts: Texts;
  log: Logger;
  deps: BotDeps;
}

/** `formAsks`: the invite form this turn answers was a member's request form ("Ask an owner"). */
export type TeamTurn = Turn & { team: TeamRef; caller: Person; formAsks?: boolean };

/**
 * What a card action answers: the clicker's own copy (`card`, shown to them alone), the copy
 * everyone sees (`publicCard`, written over the shared card), or a text for the clicker alone.
 */
export interface CardAnswer {
  card?: AdaptiveCard;
  publicCard?: AdaptiveCard;
  text?: string;
}

export const LATE = Symbol('late');

/** The work's result, or LATE once `ms` have passed (the work goes on regardless). */
export async function beforeDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof LATE> {
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

export async function reply(turn: Turn, text: string): Promise<void> {
  await turn.port.send({ text });
}

export async function replyCard(turn: Turn, card: AdaptiveCard): Promise<string | undefined> {
  return turn.port.send({ card });
}

/** Where the turn happens; a team Teams cannot describe gets a plain answer, not a generic error. */
export async function placeOf(turn: Turn): Promise<Place | { refusal: string }> {
  try {
    return await turn.deps.teams.placeOf(turn.port);
  } catch (e) {
    turn.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'team details not available');
    return { refusal: turn.texts.teamUnknown };
  }
}

/** Team, caller and tenant checks shared by every path that may lead to an invitation. */
export async function teamTurnOf(turn: Turn): Promise<TeamTurn | { refusal: string }> {
  const place = await placeOf(turn);
  if ('refusal' in place) return place;
  if (place.kind !== 'team') return { refusal: place.kind === 'personal' ? turn.texts.personalChat : turn.texts.notInTeam };
  const caller = callerOf(turn.port.activity);
  if (!caller) return { refusal: turn.texts.refusals.callerUnknown() };
  turn.deps.roster.learn(turn.port, place.team.teamId);
  return { ...turn, team: place.team, caller };
}

/** The same turn in another conversation context (a proactive one, after the turn has ended). */
export function inPort<T extends Turn>(turn: T, port: TurnPort): T {
  return { ...turn, port };
}

export async function audit(turn: TeamTurn, action: AuditAction, subject: string, outcome: string, extra: Partial<AuditEntry> = {}): Promise<void> {
  await auditAction(turn.deps.invite, turn.team, turn.caller, { ...extra, action, subject, outcome });
}

/** A Graph failure in plain language, with its request-id. */
export function failureText(turn: Turn, e: DirectoryError): string {
  turn.log.warn({ kind: e.kind, requestId: e.trace.requestId }, 'report failed');
  return directoryFailureText(turn.texts, e);
}

/** Runs a report for a role; Graph failures become the plain-language failure text. */
export async function report(turn: Turn, allowed: (role: TeamRole) => boolean, refusal: string, work: (team: TeamTurn) => Promise<string | undefined>): Promise<void> {
  const team = await teamTurnOf(turn);
  if ('refusal' in team) return reply(turn, team.refusal);
  try {
    if (!allowed(await turn.deps.roles.roleOf(team.team.groupId, team.caller.id))) return reply(turn, refusal);
    const text = await work(team);
    if (text) await reply(turn, text);
  } catch (e) {
    if (!(e instanceof DirectoryError)) throw e;
    await reply(turn, failureText(turn, e));
  }
}

/** The card's home now: the clicked card (`replyToId`) in this conversation, as stored with records and requests. */
export function clickedCard(turn: Turn): { reference: Record<string, unknown>; activityId: string } | undefined {
  const activityId = turn.port.activity.replyToId;
  return activityId ? { reference: turn.port.reference() as Record<string, unknown>, activityId } : undefined;
}
