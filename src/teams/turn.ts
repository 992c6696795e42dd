// The turn port: what the Teams layer needs from a bot SDK, and nothing more. The Teams logic
// (handlers, cards, team context, card updates, bulk) is written against these types; each host
// (src/hosts/botbuilder, src/hosts/agents) implements them over its own SDK. Nothing here imports
// an SDK.
import type { AdaptiveCard } from './cards';

/** A channel account as activities carry it (Teams: `id` is the MRI, `aadObjectId` the Entra object id). */
export interface ChannelAccount {
  id: string;
  name?: string;
  aadObjectId?: string;
  role?: string;
}

/** The fields of an incoming activity the Teams layer reads (both SDKs' activities have this shape). */
export interface IncomingActivity {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  textFormat?: string;
  value?: unknown;
  locale?: string;
  replyToId?: string;
  channelId: string;
  serviceUrl: string;
  from: ChannelAccount;
  recipient: ChannelAccount;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean; name?: string };
  channelData?: unknown;
  membersAdded?: ChannelAccount[];
  entities?: { type?: string; mentioned?: { id?: string; name?: string }; text?: string; [key: string]: unknown }[];
  attachments?: { contentType?: string; content?: unknown }[];
}

/**
 * Where a conversation lives, stored with records, requests and bulk jobs so that background work
 * can update their cards later. Stored in botbuilder's shape (`bot`), the shape every stored
 * document already has; a host whose SDK names it otherwise (the Agents SDK: `agent`) maps it on
 * the way in and out, so documents written by one host are updated by the other.
 */
export interface StoredReference {
  activityId?: string;
  user?: ChannelAccount;
  bot?: ChannelAccount;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean; name?: string };
  channelId: string;
  serviceUrl: string;
  locale?: string;
  [key: string]: unknown;
}

/** The team as Teams describes it (`GET /v3/teams/{id}`). */
export interface TeamDetails {
  aadGroupId?: string;
  name?: string;
}

/** Someone in a team's roster (`GET /v3/conversations/{team}/members/{id}`). */
export interface RosterMember {
  /** The Teams user id (MRI). */
  id: string;
  name?: string;
}

/** What the bot answers to an invoke (a card action): the HTTP status and body of the invoke response. */
export interface InvokeAnswer {
  status: number;
  body?: unknown;
}

/** One turn, as the Teams layer sees it. */
export interface TurnPort {
  readonly activity: IncomingActivity;
  /** Posts a message (a text or one Adaptive Card) in the turn's conversation; returns its activity id. */
  send(message: { text: string } | { card: AdaptiveCard }): Promise<string | undefined>;
  /** Replaces an earlier card of this conversation in place. */
  update(activityId: string, card: AdaptiveCard): Promise<void>;
  /** The team's details from Teams; throws when Teams cannot describe it. */
  teamDetails(teamId: string): Promise<TeamDetails>;
  /** A member of the team by Entra object id or MRI; undefined when Teams says they are not in it (404). */
  teamMember(teamId: string, userId: string): Promise<RosterMember | undefined>;
  /** The conversation's reference, in the stored shape. */
  reference(): StoredReference;
}

/** How the turn's logic ended, for the HTTP layer. */
export type TurnOutcome =
  | { kind: 'done'; invokeResponse?: InvokeAnswer }
  /** Authentication failed before the turn started: a 401, never a server fault (REFERENCE.md). */
  | { kind: 'unauthorized'; reason: string }
  /** The activity could not be processed at all (bad serviceUrl, odd fields): a 400. */
  | { kind: 'rejected'; reason: string };

/** The turn's logic: what it answers to an invoke, if anything. */
export type TurnLogic = (turn: TurnPort) => Promise<InvokeAnswer | void>;

/** A bot SDK seen from the Teams layer: it authenticates and runs incoming turns, and continues stored conversations. */
export interface BotHost {
  /** Authenticates the request and runs one activity; every refusal is classified before any work. */
  run(authHeader: string, activity: IncomingActivity, logic: TurnLogic): Promise<TurnOutcome>;
  /** Runs `logic` in a stored conversation, outside any incoming turn (proactive messages and updates). */
  continue(reference: StoredReference, logic: (turn: TurnPort) => Promise<void>): Promise<void>;
}
