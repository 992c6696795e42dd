// Text people typed is shown as text: names, messages and pasted lines are escaped for the
// Markdown Teams renders in cards and for the Markdown and HTML it renders in text replies; entities
// in what they send decode without throwing; the personal-message limit holds on the bulk path too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand as parseText } from '../../src/domain/commands';
import { plainText } from '../../src/teams/plainText';

/** As the bot parses a Teams message: its HTML made plain text first. */
const parseCommand = (text: string) => parseText(text, plainText);
import { previewBulk } from '../../src/domain/bulk/bulkInvite';
import { BulkJobs, newBulkJob } from '../../src/domain/bulk/bulkJob';
import { parseInviteLines } from '../../src/domain/commands';
import { AuditLog } from '../../src/domain/audit/audit';
import type { ApprovalRequest } from '../../src/domain/approval/approvals';
import type { InvitationOutcome } from '../../src/domain/invitation/outcome';
import { MemoryStore } from '../../src/store/memoryStore';
import { bulkPreviewCard, bulkProgressCard } from '../../src/teams/cards/bulk';
import { BulkInvitations } from '../../src/teams/bulk';
import { approvalCard, resultCard } from '../../src/teams/cards';
import { shownAsText } from '../../src/teams/shownAsText';
import { en } from '../../src/text/en';
import { cardText } from '../support/connector';

const MARKDOWN_NAME = '**Boss** [click](https://evil.example)';
const ESCAPED_NAME = '\\*\\*Boss\\*\\* \\[click\\](https://evil.example)';
const team = { groupId: 'g', teamId: 't', deepLink: 'https://teams.microsoft.com/l/team/t' };
const rules = { allowedDomains: [], blockedDomains: [] };

/** Every string in a card (TextBlock texts, fact values…), for "nothing unescaped anywhere" checks. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('shownAsText: what people typed shows as typed', () => {
  it('shows a markdown-laden display name literally in a card', () => {
    assert.equal(shownAsText(MARKDOWN_NAME), ESCAPED_NAME);
  });

  it('leaves ordinary names readable, without backslashes', () => {
    for (const name of ["O'Brien", 'Anne-Marie', 'Dr. Lee', 'Smith & Sons', 'Zoë Ångström', 'Alice (Sales)', 'Jean-Luc Picard!', 'alice@fabrikam.com', 'Ann #2']) {
      assert.equal(shownAsText(name), name, name);
      assert.equal(shownAsText(name, 'message'), name.replace('&', '&amp;'), name);
    }
  });

  it('escapes a backslash first, so an escape typed by the user stays visible', () => {
    assert.equal(shownAsText('a\\*b'), 'a\\\\\\*b');
    assert.equal(shownAsText('C:\\temp'), 'C:\\\\temp');
  });

  it('escapes emphasis, code, strike-through, links, images and tables wherever they are', () => {
    assert.equal(shownAsText('a_b_c'), 'a\\_b\\_c');
    assert.equal(shownAsText('x `code` ~~gone~~'), 'x \\`code\\` \\~\\~gone\\~\\~');
    assert.equal(shownAsText('![img](https://x)'), '!\\[img\\](https://x)');
    assert.equal(shownAsText('a | b'), 'a \\| b');
  });

  it('escapes list, heading, quote and rule markers only at the start of a line', () => {
    assert.equal(shownAsText('- item'), '\\- item');
    assert.equal(shownAsText('+ item'), '\\+ item');
    assert.equal(shownAsText('# Heading'), '\\# Heading');
    assert.equal(shownAsText('> quoted'), '\\> quoted');
    assert.equal(shownAsText('==='), '\\===');
    assert.equal(shownAsText('1. First'), '1\\. First');
    assert.equal(shownAsText('12) Twelfth'), '12\\) Twelfth');
    assert.equal(shownAsText('Hello\n  - one\n2. two\nthree - four'), 'Hello\n  \\- one\n2\\. two\nthree - four');
    assert.equal(shownAsText('Room 12. Floor 3'), 'Room 12. Floor 3', 'digits not at a line start are text');
  });

  it('keeps tags, mentions and entities from being read in cards', () => {
    assert.equal(shownAsText('<at>Megan</at> <https://evil.example>'), '\\<at>Megan\\</at> \\<https://evil.example>');
    assert.equal(shownAsText('AT&amp;T &#42;'), 'AT\\&amp;T \\&#42;');
  });

  it('turns <, > and & into entities in text replies, which render HTML', () => {
    assert.equal(shownAsText('<b>Boss</b> & > co', 'message'), '&lt;b&gt;Boss&lt;/b&gt; &amp; &gt; co');
    assert.equal(shownAsText(MARKDOWN_NAME, 'message'), ESCAPED_NAME);
  });

  it('never lets a value close a code block', () => {
    const shown = shownAsText('a```\nb ``x`` c ` d', 'codeBlock');
    assert.ok(!shown.includes('``'), shown);
    assert.equal(shown.replace(/\u200b/g, ''), 'a```\nb ``x`` c ` d', 'only zero-width spaces were added');
  });
});

const outcome: InvitationOutcome = {
  kind: 'invited',
  email: 'first_last@fabrikam.com',
  displayName: MARKDOWN_NAME,
  userId: 'u1',
  state: 'PendingAcceptance',
  redeemUrl: 'https://login.example/redeem',
  emailSent: true,
};

describe('cards show typed values as text', () => {
  it('escapes the name, address, inviter and personal message on the result card', () => {
    const card = resultCard(en, outcome, { actorName: '_Alex_', revealRedeemUrl: false, refreshUserIds: [], personalMessage: '# Welcome\n- bring [snacks](https://x)' });
    const text = cardText(card);
    assert.ok(text.includes(`Guest Pass invited ${ESCAPED_NAME} as a guest`), 'summary');
    assert.ok(strings(card).includes(ESCAPED_NAME), 'the Name fact');
    assert.ok(strings(card).includes('first\\_last@fabrikam.com'), 'the Email fact');
    assert.ok(strings(card).includes('\\_Alex\\_'), 'the Invited by fact');
    assert.ok(strings(card).includes('\\# Welcome\n\\- bring \\[snacks\\](https://x)'), 'the personal message');
    assert.ok(!strings(card).some((s) => s.includes('**Boss**')), 'no unescaped copy anywhere');
    const actions = JSON.stringify(card.actions);
    assert.ok(actions.includes('"email":"first_last@fabrikam.com"'), 'action data keeps the address as it is');
  });

  it('escapes requester, guest, decider and message on the approval card', () => {
    const request: ApprovalRequest = {
      id: 'r1',
      groupId: 'g',
      teamId: 't',
      requester: { id: 'm', name: '[Adele](https://evil.example)' },
      invite: { email: 'bob@fabrikam.com', displayName: MARKDOWN_NAME, message: '**urgent**', sendEmail: true },
      createdAt: '2025-01-01T00:00:00Z',
      status: 'approved',
      decidedBy: { id: 'o', name: '~~Megan~~' },
      decidedAt: '2025-01-01T01:00:00Z',
      outcome: { ...outcome, email: 'bob@fabrikam.com' },
    };
    const all = strings(approvalCard(en, request, { revealRedeemUrl: false }));
    assert.ok(all.includes('\\[Adele\\](https://evil.example)'), 'requester fact');
    assert.ok(all.includes('\\~\\~Megan\\~\\~'), 'decided by fact');
    assert.ok(all.includes('\\*\\*urgent\\*\\*'), 'message');
    assert.ok(all.some((s) => s.startsWith('\\~\\~Megan\\~\\~ approved this request.') && s.includes(`Guest Pass invited ${ESCAPED_NAME}`)), 'summary');
    assert.ok(!all.some((s) => s.includes('**Boss**') || s.includes('[Adele]') || s.includes('~~Megan~~')), 'no unescaped copy anywhere');
    const open = strings(approvalCard(en, { ...request, status: 'open', decidedBy: undefined, outcome: undefined }, { revealRedeemUrl: false }));
    assert.ok(open.includes(`\\[Adele\\](https://evil.example) asks to invite ${ESCAPED_NAME} (bob@fabrikam.com) to this team. Any team owner can approve or decline.`));
  });

  it('escapes pasted lines on the bulk preview and addresses and the confirmer on the progress card', () => {
    const job = newBulkJob({
      team,
      requestedBy: { id: 'u', name: '**Alex**' },
      lines: parseInviteLines('**not** an [address](https://x)\nfirst_last@fabrikam.com'),
      rules,
      sendEmail: true,
      now: new Date(),
    });
    const preview = strings(bulkPreviewCard(en, job));
    assert.ok(preview.some((s) => s.includes('\\*\\*not\\*\\* an \\[address\\](https://x)')), 'the set-aside line');
    job.header.state = 'finished';
    job.items[0] = { ...job.items[0]!, state: 'done', outcome: 'invited' };
    const progress = strings(bulkProgressCard(en, job, { owner: true }));
    assert.ok(progress.some((s) => s.startsWith('Confirmed by \\*\\*Alex\\*\\*;')), 'the confirmer');
    assert.ok(progress.includes('first\\_last@fabrikam.com'), 'the address row');
    assert.ok(!progress.concat(preview).some((s) => s.includes('**')), 'no unescaped copy anywhere');
  });

  it('keeps the results CSV whole in its code block whatever the names contain', async () => {
    const store = new MemoryStore();
    const jobs = new BulkJobs(store);
    const job = newBulkJob({ team, requestedBy: { id: 'u', name: 'Alex' }, lines: parseInviteLines('a@fabrikam.com ```\n```evil``` <b@fabrikam.com>'), rules, sendEmail: true, now: new Date() });
    job.header.state = 'finished';
    await jobs.create(job);
    const bulk = new BulkInvitations({
      jobs,
      runner: {} as never,
      audit: new AuditLog(store),
      roles: { roleOf: async () => 'owner' } as never,
      policy: { invitePolicy: 'approval', sendInvitationEmail: true, allowedDomains: [], blockedDomains: [], redeemLinkAudience: 'owners' },
      publisher: { update: async () => undefined },
      logger: { info() {}, warn() {}, error() {} } as never,
    });
    const answer = await bulk.resultsCsv(team, { id: 'u', name: 'Alex' }, { jobId: job.header.id });
    const block = JSON.stringify(answer.card).match(/"type":"CodeBlock","codeSnippet":("(?:[^"\\]|\\.)*")/);
    assert.ok(block, 'the CSV is a code block on the owner\'s card');
    assert.ok((JSON.parse(block[1]!) as string).includes(',```evil```,'), 'the name is all there, as typed: a code block shows no Markdown');
  });
});

describe('entities in what people send decode without throwing', () => {
  it('turns code points that are not characters into U+FFFD', () => {
    assert.equal(plainText('a&#99999999;b'), 'a\ufffdb');
    assert.equal(plainText('&#xD800;&#0;&#x110000;'), '\ufffd\ufffd\ufffd');
    assert.equal(plainText(`&#${'9'.repeat(400)};`), '\ufffd');
    assert.doesNotThrow(() => parseCommand('/invite a@x.com &#99999999;'));
  });

  it('decodes decimal and hexadecimal entities', () => {
    assert.equal(plainText('&#65;&#x42;&#X43;&#x1F600;&#39;'), "ABC😀'");
    assert.equal(plainText('O&#x27;Brien &amp; &lt;a@x.com&gt;'), "O'Brien & <a@x.com>");
  });

  it('leaves unknown or unfinished entities as typed', () => {
    assert.equal(plainText('&bogus; &#; &#x; &amp'), '&bogus; &#; &#x; &amp');
  });
});

describe('the personal message limit on the bulk path', () => {
  const deps = () => {
    const store = new MemoryStore();
    return { jobs: new BulkJobs(store), audit: new AuditLog(store), rules, now: () => new Date() };
  };
  const input = (message: string) => ({ team, caller: { id: 'u', name: 'Alex' }, lines: parseInviteLines('a@fabrikam.com\nb@fabrikam.com'), sendEmail: true, message });

  it('refuses a bulk invitation whose message is over 1,000 characters, storing nothing', async () => {
    const d = deps();
    assert.deepEqual(await previewBulk(d, input('m'.repeat(1001))), { kind: 'invalidMessage', code: 'messageTooLong' });
    assert.deepEqual(await d.jobs.listHeaders(), []);
  });

  it('accepts a message of 1,000 characters, trimmed as for one invitation', async () => {
    const result = await previewBulk(deps(), input(`  ${'m'.repeat(1000)}  `));
    assert.equal(result.kind === 'preview' && result.job.header.message, 'm'.repeat(1000));
  });
});
