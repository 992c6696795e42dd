// A stand-in for the Teams side of the Bot Framework connector: receives the bot's replies and
// updates, and answers TeamsInfo's team-details and member calls. Real HTTP, on loopback.
//
// It shows cards the way Teams does (Microsoft's "User Specific Views" page): a card with a
// `refresh` action is refreshed automatically, as an `adaptiveCard/action` invoke with
// `trigger: "automatic"`, only for the Teams user ids (MRIs, `29:…`) listed in `refresh.userIds`;
// without `userIds` for every viewer when the conversation has at most 60 members; `userIds: []`
// for no one. Entra object ids in `userIds` trigger nothing, as in Teams. `viewOf` is what one
// person sees when the card comes into view.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { BOT, TENANT_ID } from './activities';

/** A member of a team's roster, as TeamsInfo returns it (`objectId`, not `aadObjectId`). */
export interface RosterMember {
  id: string;
  name: string;
  aadObjectId: string;
  userRole?: 'user' | 'guest';
}

/** What a viewer sees of a card, and whether Teams fetched their own copy for it. */
export interface CardView {
  card: Record<string, unknown> | undefined;
  refreshed: boolean;
}

const MAX_AUTOMATIC_REFRESH_MEMBERS = 60;

export interface SentActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** For POST: the activity replied to (if any); for PUT: the activity updated. */
  targetId?: string;
  id: string;
  /** The Authorization header the bot sent with this call (undefined: none). */
  authorization?: string;
  activity: Record<string, unknown> & { type?: string; text?: string; attachments?: { contentType: string; content: Record<string, unknown> }[] };
}

export interface TeamInfo {
  id: string;
  name: string;
  aadGroupId: string;
}

/** Any call the bot made to the connector, with the Authorization header it carried. */
export interface ConnectorCall {
  method: string;
  path: string;
  authorization?: string;
}

export class ConnectorStandIn {
  readonly sent: SentActivity[] = [];
  readonly calls: ConnectorCall[] = [];
  readonly teams = new Map<string, TeamInfo>();
  /** Team rosters by team id (the channel conversations of a team share its roster). */
  readonly rosters = new Map<string, RosterMember[]>();
  /** Every automatic refresh this stand-in sent to the bot, as Teams would have. */
  readonly automaticRefreshes: { activityId: string; userId: string }[] = [];
  /** The bot's /api/messages, for the invokes Teams itself sends (automatic refreshes). */
  botUrl = '';
  /** GET /v3/teams calls, to check team resolution is cached. */
  teamDetailCalls = 0;
  private server?: http.Server;
  private waiters: (() => void)[] = [];
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => this.server?.close(() => ok()) ?? ok());
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const authorization = req.headers.authorization;
    this.calls.push({ method: req.method ?? '', path: url.pathname, authorization });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    // /v3/teams/{teamId}
    if (req.method === 'GET' && parts[0] === 'v3' && parts[1] === 'teams' && parts.length === 3) {
      this.teamDetailCalls++;
      const team = this.teams.get(parts[2]!);
      return team ? json(200, team) : json(404, { error: { code: 'NotFound', message: 'team not found' } });
    }
    // /v3/conversations/{id}/members/{userId} (TeamsInfo.getMember / getTeamMember): an MRI or an
    // Entra object id; /v3/conversations/{id}/pagedmembers and /members: the roster.
    if (req.method === 'GET' && parts[0] === 'v3' && parts[1] === 'conversations' && (parts[3] === 'members' || parts[3] === 'pagedmembers')) {
      const roster = this.rosterOf(parts[2]!);
      if (!roster) return json(404, { error: { code: 'ConversationNotFound', message: 'conversation not found' } });
      const accounts = roster.map(toAccount);
      if (parts[3] === 'pagedmembers') return json(200, { members: accounts });
      if (parts.length === 4) return json(200, accounts);
      const who = parts[4]!;
      const hit = accounts.find((m) => m.id === who || m.objectId === who);
      return hit ? json(200, hit) : json(404, { error: { code: 'MemberNotFoundInConversation', message: 'member not found' } });
    }
    // /v3/conversations/{id}/activities[/{activityId}]
    if (parts[0] === 'v3' && parts[1] === 'conversations' && parts[3] === 'activities') {
      const conversationId = parts[2]!;
      if (req.method === 'POST') {
        const id = `bot-${randomUUID()}`;
        this.sent.push({ method: 'POST', conversationId, targetId: parts[4], id, authorization, activity: body });
        this.notify();
        return json(200, { id });
      }
      if (req.method === 'PUT' && parts[4]) {
        this.sent.push({ method: 'PUT', conversationId, targetId: parts[4], id: parts[4], authorization, activity: body });
        this.notify();
        return json(200, { id: parts[4] });
      }
    }
    json(404, { error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } });
  }

  private notify() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Waits (bounded) until an activity matching the predicate has been sent. */
  async waitFor(predicate: (a: SentActivity) => boolean, timeoutMs = 15_000): Promise<SentActivity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.sent.find(predicate);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching activity within ${timeoutMs} ms; sent: ${JSON.stringify(this.sent.map((s) => s.activity.text ?? s.activity.type))}`);
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, left);
        this.waiters.push(() => {
          clearTimeout(t);
          ok();
        });
      });
    }
  }

  clear(): void {
    this.sent.length = 0;
    this.calls.length = 0;
    this.automaticRefreshes.length = 0;
  }

  /** A conversation's roster: a team's channel conversations (`{teamId};messageid=…`) share the team's. */
  private rosterOf(conversationId: string): RosterMember[] | undefined {
    return this.rosters.get(conversationId.split(';')[0]!);
  }

  /** The card everyone shares for a bot activity: its last PUT, else its POST. */
  sharedCard(activityId: string): Record<string, unknown> | undefined {
    const versions = this.sent.filter((s) => s.id === activityId);
    return cardOf(versions[versions.length - 1]);
  }

  /**
   * What `viewer` sees of the bot's card `activityId` when it comes into view in Teams: their own
   * copy, fetched with an automatic refresh, if Teams would run one for them; else the shared card.
   */
  async viewOf(activityId: string, viewer: { id: string; name: string; aadObjectId: string }): Promise<CardView> {
    const posted = this.sent.find((s) => s.method === 'POST' && s.id === activityId);
    const shared = this.sharedCard(activityId);
    const refresh = shared?.refresh as { action?: Record<string, unknown>; userIds?: unknown } | undefined;
    if (!posted || !shared || !refresh?.action) return { card: shared, refreshed: false };
    const roster = this.rosterOf(posted.conversationId) ?? [];
    const eligible = Array.isArray(refresh.userIds) ? refresh.userIds.includes(viewer.id) : roster.length <= MAX_AUTOMATIC_REFRESH_MEMBERS;
    if (!eligible) return { card: shared, refreshed: false };
    if (!this.botUrl) throw new Error('set connector.botUrl to let it send automatic refreshes');
    this.automaticRefreshes.push({ activityId, userId: viewer.id });
    const teamId = posted.conversationId.split(';')[0]!;
    const invoke = {
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `auto-${randomUUID()}`,
      channelId: 'msteams',
      serviceUrl: this.url,
      timestamp: new Date().toISOString(),
      locale: 'en-US',
      from: { id: viewer.id, name: viewer.name, aadObjectId: viewer.aadObjectId },
      recipient: BOT,
      conversation: { id: posted.conversationId, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
      channelData: { tenant: { id: TENANT_ID }, team: { id: teamId }, channel: { id: teamId } },
      replyToId: activityId,
      value: { action: refresh.action, trigger: 'automatic' },
    };
    const res = await fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(invoke),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json().catch(() => undefined)) as { statusCode?: number; type?: string; value?: unknown } | undefined;
    // Teams shows the answer only when it is a card; anything else leaves the shared card in view.
    if (res.status === 200 && body?.type === 'application/vnd.microsoft.card.adaptive' && body.value && typeof body.value === 'object') {
      return { card: body.value as Record<string, unknown>, refreshed: true };
    }
    return { card: shared, refreshed: false };
  }
}

/** What each of these people reads on the bot's card `activityId` (their view, as text). */
export async function viewTexts<K extends string>(connector: ConnectorStandIn, activityId: string, people: Record<K, { id: string; name: string; aadObjectId: string }>): Promise<Record<K, string>> {
  const out = {} as Record<K, string>;
  for (const [key, person] of Object.entries(people) as [K, { id: string; name: string; aadObjectId: string }][]) {
    out[key] = cardText((await connector.viewOf(activityId, person)).card);
  }
  return out;
}

function toAccount(m: RosterMember) {
  return { id: m.id, name: m.name, objectId: m.aadObjectId, aadObjectId: m.aadObjectId, userRole: m.userRole ?? 'user', tenantId: TENANT_ID };
}

/** The Adaptive Card of a sent activity, if it carries one. */
export function cardOf(a: SentActivity | undefined): Record<string, unknown> | undefined {
  return a?.activity.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** All the text a person would read on a card: TextBlocks, facts, input labels, button titles. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const key of ['text', 'title', 'value', 'label', 'placeholder', 'url']) if (typeof o[key] === 'string') out.push(o[key] as string);
      Object.entries(o).forEach(([k, x]) => k !== 'data' && walk(x));
    }
  };
  walk(card);
  return out.join('\n');
}

/** The titles of a card's actions. */
export function actionTitles(card: unknown): string[] {
  const actions = (card as { actions?: { title?: string }[] } | undefined)?.actions ?? [];
  return actions.map((a) => a.title ?? '');
}
