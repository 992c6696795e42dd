// Bulk lists before any network call: validation, duplicates, domain rules; and the results CSV.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newBulkJob, prepareList, type BulkJob } from '../../src/domain/bulk/bulkJob';
import { resultRows } from '../../src/domain/bulk/results';
import { csvCell } from '../../src/domain/csv';
import { parseInviteLine } from '../../src/domain/commands';
import { bulkPreviewCard, bulkProgressCard, bulkResultsCsv } from '../../src/teams/cards/bulk';
import { parseInviteLines as linesOf } from '../../src/domain/commands';
import { en } from '../../src/text/en';
import { actionTitles, cardText } from '../support/connector';

const rules = { allowedDomains: [], blockedDomains: ['blocked.example'] };
const team = { groupId: 'g', teamId: 't', deepLink: 'https://teams.microsoft.com/l/team/t' };

function job(lines: string[]): BulkJob {
  return newBulkJob({ team, requestedBy: { id: 'u', name: 'Alex' }, lines: lines.map(parseInviteLine), rules, sendEmail: true, now: new Date() });
}

describe('preparing a bulk list', () => {
  it('reads every line form: email, "email, name" and "Name <email>"', () => {
    const { items } = prepareList(linesOf('a@fabrikam.com\nb@fabrikam.com, Bee Jones\r\nCee Smith <c@fabrikam.com>\n\n'), rules);
    assert.deepEqual(
      items.map((i) => [i.line, i.email, i.displayName]),
      [
        [1, 'a@fabrikam.com', 'a'],
        [2, 'b@fabrikam.com', 'Bee Jones'],
        [3, 'c@fabrikam.com', 'Cee Smith'],
      ],
    );
  });

  it('sets bad lines aside with why, and counts an address named twice once', () => {
    const { items, skipped } = prepareList(['ok@fabrikam.com', 'OK@Fabrikam.com Other', 'nope', '.dot@fabrikam.com'].map(parseInviteLine), rules);
    assert.equal(items.length, 1);
    assert.deepEqual(skipped, [
      { line: 2, raw: 'OK@Fabrikam.com Other', reason: 'duplicate', duplicateOf: 1 },
      { line: 3, raw: 'nope', reason: 'emailInvalid' },
      { line: 4, raw: '.dot@fabrikam.com', reason: 'emailDotOrDashAtEdge' },
    ]);
  });

  it('refuses blocked domains before anything is sent', () => {
    const { items } = prepareList([parseInviteLine('x@blocked.example')], rules);
    assert.deepEqual([items[0]?.state, items[0]?.outcome, items[0]?.reason], ['done', 'refused', 'domainBlocked']);
  });

  it('shows the lines set aside on the preview card, with Confirm and Cancel', () => {
    const card = bulkPreviewCard(en, job(['a@fabrikam.com', 'nope', 'x@blocked.example', 'a@fabrikam.com']));
    const text = cardText(card);
    assert.match(text, /Invite 1 person to this team\?/);
    assert.match(text, /nope/);
    assert.match(text, /Enter a valid email address/);
    assert.match(text, /blocked by your organization/);
    assert.deepEqual(actionTitles(card), ['Invite them', 'Cancel']);
  });

  it('offers no Confirm when no line can be sent', () => {
    assert.deepEqual(actionTitles(bulkPreviewCard(en, job(['nope']))), ['Cancel']);
  });
});

describe('bulk results', () => {
  it('lists every line in order, with outcome and reason', () => {
    const j = job(['a@fabrikam.com', 'nope', 'a@fabrikam.com']);
    j.items[0] = { ...j.items[0]!, state: 'done', outcome: 'invited', userId: 'u1' };
    assert.deepEqual(
      resultRows(j).map((r) => [r.line, r.outcome]),
      [
        [1, 'invited'],
        [2, 'invalid'],
        [3, 'duplicate'],
      ],
    );
  });

  it('writes RFC 4180 CSV and defuses spreadsheet formulas', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('-1'), "'-1");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    const j = job(['=cmd@fabrikam.com', 'Smith, "Al" <al@fabrikam.com>']);
    const csv = bulkResultsCsv(j);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'line,email,display name,outcome,reason,user id,graph error code,request id');
    assert.ok(lines.some((l) => l.startsWith("2,'=cmd@fabrikam.com") || l.startsWith("1,'=cmd@fabrikam.com")), csv);
    assert.ok(csv.endsWith('\r\n'));
  });

  it('shows counts while running and a results table at the end', () => {
    const j = job(['a@fabrikam.com', 'b@fabrikam.com', 'nope']);
    j.header.state = 'running';
    j.header.confirmedBy = { id: 'u', name: 'Alex' };
    j.items[0] = { ...j.items[0]!, state: 'done', outcome: 'invited' };
    j.header.counts = { ...j.header.counts, done: 1, invited: 1 };
    assert.match(cardText(bulkProgressCard(en, j)), /1 of 2 done/);
    j.items[1] = { ...j.items[1]!, state: 'done', outcome: 'failed', reason: 'graphUnavailable' };
    j.header.state = 'finished';
    j.header.counts = { ...j.header.counts, done: 2, failed: 1 };
    const shared = bulkProgressCard(en, j);
    assert.match(cardText(shared), /Bulk invitation finished/);
    assert.doesNotMatch(cardText(shared), /Microsoft Graph did not answer/, "each person's result is on the owners' copy only");
    assert.deepEqual(actionTitles(shared), [], 'no buttons once finished');
    const text = cardText(bulkProgressCard(en, j, { owner: true }));
    assert.match(text, /Bulk invitation finished/);
    assert.match(text, /Microsoft Graph did not answer/);
  });
});
