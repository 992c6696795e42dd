// The fault matrix (issue 11 point 7): every Graph step an invitation takes × every way it can
// fail, through the bot's real /api/messages against the sandbox tenant over HTTPS. Each cell is a
// fresh address, one `/invite` by an owner, then background work; it must end either with the
// guest a member of the team and exactly one invitation e-mail, or with nothing created, no
// e-mail, and a reply that says it failed and why. Never a guest left outside the team, never two
// e-mails, never an unanswered turn.
//
// `npm run reliability` runs this file with RELIABILITY_REPORT=docs/reliability.md, which
// rewrites the table between the matrix markers of that page with the outcomes recorded here.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mentionMessage, MARKETING_GROUP, USERS } from '../support/activities';
import { cardOf, cardText, type SentActivity } from '../support/connector';
import { useHarness } from '../support/harness';
import { invitationEmailsTo, type FaultRule } from '../../src/sandbox';
import { en } from '../../src/text/en';

const TIMEOUT_MS = 400;
const h = useHarness({
  env: { GRAPH_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) },
  overrides: { claimLeaseMs: 300, lookupRetryMs: [200, 400], storeRetryMs: [10, 20, 30] },
});

type Match = Pick<FaultRule, 'method' | 'path'>;

/**
 * The member add, by every path Guest Pass may use for it: the group membership
 * (`POST /groups/{id}/members/$ref`) and the Teams membership (`POST /teams/{id}/members`). A fault
 * goes on each; whichever the bot calls gets it.
 */
const MEMBER_ADD_PATHS: Match[] = [
  { method: 'POST', path: /^\/groups\/[^/]+\/members\/\$ref$/ },
  { method: 'POST', path: /^\/teams\/[^/]+\/members$/ },
];

interface Step {
  label: string;
  matches: Match[];
  /** The credential caches its token: a fault on the token endpoint needs a bot without one. */
  freshCredential?: boolean;
}

const STEPS: Record<string, Step> = {
  token: { label: 'token (Entra `POST …/oauth2/v2.0/token`)', matches: [{ method: 'POST', path: /\/oauth2\/v2\.0\/token$/ }], freshCredential: true },
  lookup: { label: 'look-up (`GET /users`)', matches: [{ method: 'GET', path: '/users' }] },
  invitation: { label: 'invitation (`POST /invitations`)', matches: [{ method: 'POST', path: '/invitations' }] },
  add: { label: 'member add (`POST /groups/{id}/members/$ref`, `POST /teams/{id}/members`)', matches: MEMBER_ADD_PATHS },
};

interface Kind {
  label: string;
  fault: Omit<FaultRule, 'method' | 'path'>;
}

const KINDS: Record<string, Kind> = {
  throttled: { label: '429, Retry-After: 1', fault: { status: 429, retryAfterSeconds: 1 } },
  busy: { label: '503, Retry-After: 1', fault: { status: 503, retryAfterSeconds: 1 } },
  error: { label: '500', fault: { status: 500 } },
  // Past the request timeout; then the sandbox goes on (a late effect for a write).
  hang: { label: `hang (past the ${TIMEOUT_MS} ms timeout)`, fault: { kind: 'hang', hangMs: TIMEOUT_MS + 300 } },
  resetBefore: { label: 'reset before the effect', fault: { kind: 'reset' } },
  resetAfter: { label: 'reset after the effect', fault: { kind: 'reset', when: 'after' } },
  gatewayAfter: { label: '504 after the effect', fault: { status: 504, when: 'after' } },
};

/** Cells whose fault lasts longer than one request: an add that fails for a while, then recovers. */
const TIMES: Record<string, number> = { 'add/error': 5 };

interface CellResult {
  step: string;
  kind: string;
  ending: 'member' | 'failed' | 'neither';
  emails: number;
  created: boolean;
  member: boolean;
  /** The failure text the owner reads (the card's or the reply's), by its `failures` key. */
  reason?: string;
  /** What the owner read last (the reply, or the card as background work updated it). */
  shown: string;
  invitationPosts: number;
  addPosts: number;
  backgroundCycles: number;
  httpStatus: number;
  /** Requests the injected fault hit (proof that the cell's fault happened). */
  faultHits: number;
}

const results: CellResult[] = [];
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const isAdd = (method: string, p: string) => MEMBER_ADD_PATHS.some((m) => m.method === method && (typeof m.path === 'string' ? m.path === p : m.path.test(p)));

/** Which of the failure texts (by key) a reply shows, if any. */
function failureShown(text: string): string | undefined {
  for (const [key, make] of Object.entries(en.failures)) {
    const sample = (make as (detail: string) => string)('');
    // The texts' first sentence, without details that vary (a permission name, a domain).
    const head = sample.split(/[.:]/)[0]!;
    if (head && text.includes(head)) return key;
  }
  for (const [key, make] of Object.entries(en.refusals)) {
    const head = (make as (detail: string) => string)('').split(/[.:]/)[0]!;
    if (head.length > 12 && text.includes(head)) return `refused: ${key}`;
  }
  return undefined;
}

/** The first sentence of the failure text the owner read. */
function shownReason(key: string | undefined): string {
  const make = key ? (en.failures as Record<string, (detail: string) => string>)[key] : undefined;
  return make ? make('').split('. ')[0]!.replace(/\.$/, '') : (key ?? '');
}

function viewOf(a: SentActivity): string {
  const card = cardOf(a);
  return card ? cardText(card) : (a.activity.text ?? '');
}

async function runCell(stepKey: string, kindKey: string): Promise<CellResult> {
  const step = STEPS[stepKey]!;
  const kind = KINDS[kindKey]!;
  const email = `${stepKey}-${kindKey}@fabrikam.com`.toLowerCase();
  h.sandbox.reset();
  h.sandbox.clearRequests();
  h.connector.clear();
  if (step.freshCredential) {
    await h.restart();
    // The bot before the restart held the background lease; it ended, so its lease is let go.
    await h.app.store.delete('leases', 'background');
  }
  for (const match of step.matches) h.sandbox.addFault({ ...match, ...kind.fault, times: TIMES[`${stepKey}/${kindKey}`] ?? 1 });

  const activity = mentionMessage({ serviceUrl: h.where.serviceUrl }, USERS.alexOwner, `/invite ${email}`);
  const answer = await h.post(activity);
  const reply = await h.connector.waitFor((a) => a.method === 'POST' && a.targetId === activity.id, 30_000);

  const state = () => {
    const snapshot = h.sandbox.snapshot();
    const user = snapshot.users.find((u) => u.mail?.toLowerCase() === email);
    const member = !!user && snapshot.groups.find((g) => g.id === MARKETING_GROUP)!.members.includes(user.id);
    return { created: !!user, member, emails: invitationEmailsTo(snapshot, email) };
  };
  const shown = () => {
    const updates = h.connector.sent.filter((a) => a.method === 'PUT' && a.targetId === reply.id);
    return viewOf(updates.at(-1) ?? reply);
  };

  // Background work: a pending add, an unconfirmed invitation (once its claim's lease is over), a
  // late effect of a hang. Until the guest is in, or nothing is left to do.
  let cycles = 0;
  await pause(TIMEOUT_MS + 400); // any late effect of a hang has happened
  for (; cycles < 6 && !state().member; cycles++) {
    await pause(350);
    const report = await h.app.background.runOnce();
    assert.ok(report.ran, 'background work ran');
    const busy = report.addsCompleted + report.addsFailed + report.invitationsFinished + report.requestsFinished;
    const pending = (await h.app.store.list('pendingAdds')).length;
    if (busy === 0 && pending === 0 && cycles >= 1) break;
  }
  await pause(100); // a card update after the last cycle reaches the connector

  const end = state();
  const text = shown();
  const reason = failureShown(text);
  const ending = end.member && end.emails === 1 ? 'member' : !end.created && end.emails === 0 && reason ? 'failed' : 'neither';
  const requests = h.sandbox.requests();
  return {
    step: stepKey,
    kind: kindKey,
    ending,
    ...end,
    reason,
    shown: text,
    invitationPosts: requests.filter((r) => r.method === 'POST' && r.path === '/v1.0/invitations').length,
    addPosts: requests.filter((r) => r.path.startsWith('/v1.0/') && isAdd(r.method, r.path.slice('/v1.0'.length))).length,
    backgroundCycles: cycles,
    httpStatus: answer.status,
    faultHits: requests.filter((r) => r.fault).length,
  };
}

describe('the fault matrix: every Graph step × every fault kind', () => {
  for (const stepKey of Object.keys(STEPS)) {
    for (const kindKey of Object.keys(KINDS)) {
      it(`${stepKey} × ${KINDS[kindKey]!.label}: the guest ends a member with one e-mail, or nothing is created and the reply says why`, async () => {
        const cell = await runCell(stepKey, kindKey);
        results.push(cell);
        const seen = JSON.stringify({ ...cell, shown: cell.shown.slice(0, 400) });
        assert.ok(cell.faultHits >= 1, `the fault was hit: ${seen}`);
        assert.equal(cell.httpStatus, 200, `the turn was answered: ${seen}`);
        assert.ok(cell.emails <= 1, `never two e-mails: ${seen}`);
        assert.ok(!(cell.created && !cell.member), `never a guest created but left outside the team: ${seen}`);
        assert.notEqual(cell.ending, 'neither', `ends in one of the two ways: ${seen}`);
      });
    }
  }
});

after(() => {
  const target = process.env.RELIABILITY_REPORT;
  if (!target) return;
  const file = path.resolve(target);
  const page = readFileSync(file, 'utf8');
  const start = '<!-- matrix:start -->';
  const end = '<!-- matrix:end -->';
  if (!page.includes(start) || !page.includes(end)) throw new Error(`${target} has no ${start} … ${end} section`);
  const kinds = Object.keys(KINDS);
  const cellText = (c: CellResult | undefined) => {
    if (!c) return 'not run';
    const posts = `${c.invitationPosts} invitation POST${c.invitationPosts === 1 ? '' : 's'}, ${c.addPosts} add POST${c.addPosts === 1 ? '' : 's'}`;
    const later = c.backgroundCycles > 0 && c.ending === 'member' ? ' (after background work)' : '';
    if (c.ending === 'member') return `member, 1 e-mail${later}; ${posts}`;
    if (c.ending === 'failed') return `failed: “${shownReason(c.reason)}”; ${posts}`;
    return `**neither**: created ${c.created}, member ${c.member}, ${c.emails} e-mails; ${posts}`;
  };
  const lines = [
    start,
    `| step \\ fault | ${kinds.map((k) => KINDS[k]!.label).join(' | ')} |`,
    `| --- | ${kinds.map(() => '---').join(' | ')} |`,
    ...Object.entries(STEPS).map(([s, step]) => `| ${step.label} | ${kinds.map((k) => cellText(results.find((c) => c.step === s && c.kind === k))).join(' | ')} |`),
    '',
    `Generated by \`npm run reliability\` (${results.length} cells, ${results.filter((c) => c.ending !== 'neither').length} ending in one of the two allowed ways).`,
    end,
  ];
  const before = page.slice(0, page.indexOf(start));
  const rest = page.slice(page.indexOf(end) + end.length);
  writeFileSync(file, before + lines.join('\n') + rest);
});
