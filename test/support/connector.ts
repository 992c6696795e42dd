// A stand-in for the Teams side of the Bot Framework connector: receives the bot's replies and
// updates, and answers TeamsInfo's team-details and member calls. Real HTTP, on loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

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
  }
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
