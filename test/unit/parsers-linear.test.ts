// Slow-to-parse input cannot stall the bot: every parser that reads what people send does work
// linear in its input. Not a speed test: for each pathological input the time at 4n is compared
// with the time at n (linear work gives about 4, the old quadratic regexes gave about 16), with a
// floor of 100 ms so that small timings on a busy machine cannot fail on noise (the old parsers
// took seconds on these inputs at 100 kB: more than 10 s for `x <` and `@`s), and 100 kB must take
// well under a second.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_COMMAND_TEXT, parseCommand as parseText, parseInviteLine, parseInviteLines } from '../../src/domain/commands';
import { plainText } from '../../src/teams/plainText';

/** As the bot parses a Teams message: its HTML made plain text first. */
const parseCommand = (text: string) => parseText(text, plainText);
import { checkDisplayName, checkEmail, checkMessage, MAX_FIELD_INPUT, oversizedFields, validateInvite } from '../../src/domain/invitation/email';
import { toCsv } from '../../src/domain/csv';
import { shownAsText } from '../../src/teams/shownAsText';

/** Pathological shapes, each as a function of the wanted length. */
const INPUTS: Record<string, (n: number) => string> = {
  '`x <` then `@`s': (n) => `x <${'@'.repeat(n - 3)}`,
  '`a@` repeated': (n) => 'a@'.repeat(n / 2),
  'a long run of spaces between words': (n) => `a${' '.repeat(n - 2)}b`,
  'a long run of spaces before an address': (n) => `Ann${' '.repeat(n - 10)}a@x.com`,
  'spaces then a dangling `@`': (n) => `a${' '.repeat(n - 3)}b@`,
  '`<` repeated': (n) => '<'.repeat(n),
  '`<` and `a@` repeated': (n) => `<${'a@'.repeat(n / 2)}`,
  '`"` repeated': (n) => '"'.repeat(n),
  'curly quotes repeated': (n) => '“‘'.repeat(n / 2),
  '`&#` repeated': (n) => '&#'.repeat(n / 2),
  '`&#` and a huge number': (n) => `&#${'9'.repeat(n - 2)}`,
  '`&` and letters without `;`': (n) => `&${'a'.repeat(n - 1)}`,
  'nested opening tags without `>`': (n) => '<p '.repeat(n / 3),
  'mentions that never close': (n) => '<at>'.repeat(n / 4),
  'mention openings without `>`': (n) => '<at '.repeat(n / 4),
  'nested tags': (n) => `${'<b><i><span class="x">'.repeat(n / 46)}${'</span></i></b>'.repeat(n / 46)}`,
  '`<br` and spaces without `>`': (n) => '<br     '.repeat(n / 8),
  'commas and semicolons': (n) => ',;'.repeat(n / 2),
  '`, a@` repeated': (n) => ', a@'.repeat(n / 4),
  'options repeated': (n) => ' --resend --no-email'.repeat(n / 20),
  'markdown specials repeated': (n) => '*_[]()#+-.!|~><`\\&'.repeat(n / 18),
  'backtick runs': (n) => '`'.repeat(n),
  'one very long word': (n) => 'a'.repeat(n),
};

/** Every parser or escaper that reads text people typed. */
const PARSERS: Record<string, (s: string) => unknown> = {
  plainText,
  parseInviteLine,
  parseInviteLines,
  'parseCommand (/invite)': (s) => parseCommand(`/invite ${s}`),
  'parseCommand (word first)': (s) => parseCommand(s),
  'parseCommand (/status)': (s) => parseCommand(`/status ${s}`),
  checkEmail: (s) => checkEmail(s),
  checkDisplayName: (s) => checkDisplayName(s, 'a@x.com'),
  checkMessage: (s) => checkMessage(s),
  'validateInvite (every field)': (s) => validateInvite({ email: s, displayName: s, message: s }, { sendEmail: true }),
  oversizedFields: (s) => oversizedFields({ email: s, displayName: s, message: s, bulk: s }),
  'shownAsText (card)': (s) => shownAsText(s),
  'shownAsText (message)': (s) => shownAsText(s, 'message'),
  'shownAsText (code block)': (s) => shownAsText(s, 'codeBlock'),
  'toCsv (a cell)': (s) => toCsv([[s, s]]),
};

const N = 25_000;

/** The fastest of three runs: the work itself, with as little of the machine's other load as possible. */
function millis(parse: (s: string) => unknown, input: string): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    parse(input);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('parsers stay linear on pathological input', () => {
  for (const [parserName, parse] of Object.entries(PARSERS)) {
    it(`${parserName} does linear work on every pathological input`, () => {
      for (const [inputName, make] of Object.entries(INPUTS)) {
        const small = make(N);
        const large = make(4 * N);
        parse(make(1_000)); // warm up
        const t1 = millis(parse, small);
        const t4 = millis(parse, large);
        assert.ok(t4 < Math.max(10 * t1, 100), `${inputName}: ${t1.toFixed(2)} ms at ${small.length} characters, ${t4.toFixed(2)} ms at ${large.length} (quadratic work grows 16-fold)`);
        assert.ok(t4 < 1_000, `${inputName}: ${t4.toFixed(0)} ms for ${large.length} characters`);
      }
    });
  }

  it('answers 100 kB of `x <` and `@`s, which froze the old parser for over 10 s, well within a second', () => {
    const field = `x <${'@'.repeat(100_000)}`;
    const start = performance.now();
    const line = parseInviteLine(field);
    const command = parseCommand(`/invite ${field}`);
    const elapsed = performance.now() - start;
    assert.ok(elapsed < 1_000, `${elapsed.toFixed(0)} ms`);
    // No `>`, so not `Name <email>`; the last word has an `@` inside, so it is the address and `x` the name.
    assert.deepEqual([line.email.length, line.displayName], [100_001, 'x']);
    assert.equal(command.kind === 'invite' && command.lines[0]!.email.length, 100_001);
  });
});

describe('input is capped before it is parsed', () => {
  // What an owner pastes for the largest bulk invitation, with longer names than most.
  const people = Array.from({ length: 1_000 }, (_, i) => `Firstname${i} Lastname-Longer <first${i}.last-name@fabrikam-partners.com>`);

  it('reads a list of 1,000 people pasted in the card, under the list cap', () => {
    const list = people.join('\n');
    assert.ok(list.length <= MAX_FIELD_INPUT.bulk, `${list.length} characters`);
    assert.deepEqual(oversizedFields({ bulk: list }), {});
    const lines = parseInviteLines(list);
    assert.equal(lines.length, 1_000);
    assert.deepEqual([lines[999]!.email, lines[999]!.displayName], ['first999.last-name@fabrikam-partners.com', 'Firstname999 Lastname-Longer']);
  });

  it('reads a list of 1,000 people sent as a Teams message (HTML, mailto links), under the message cap', () => {
    const html = people
      .map((p) => p.replace(/<(.*)>/, (_m, a: string) => `&lt;<a href="mailto:${a}">${a}</a>&gt;`))
      .map((p) => `<p>${p}</p>`)
      .join('');
    const text = `<p><at>Guest Pass</at> /invite</p>${html}`;
    assert.ok(text.length <= MAX_COMMAND_TEXT, `${text.length} characters`);
    const command = parseCommand(text);
    assert.equal(command.kind, 'invite');
    assert.equal(command.kind === 'invite' && command.lines.length, 1_000);
    assert.equal(command.kind === 'invite' && command.lines[0]!.email, 'first0.last-name@fabrikam-partners.com');
  });

  it('does not parse a message text over the cap and says how long it was', () => {
    assert.deepEqual(parseCommand(`/invite ${'x <'.repeat(MAX_COMMAND_TEXT)}`), { kind: 'tooLong', length: 8 + 3 * MAX_COMMAND_TEXT, max: MAX_COMMAND_TEXT });
    assert.equal(parseCommand('x'.repeat(MAX_COMMAND_TEXT)).kind, 'unknown', 'at the cap it is still read');
  });

  it('names every card field over its cap, and none within it', () => {
    const over = { email: 'e'.repeat(MAX_FIELD_INPUT.email + 1), displayName: 'd'.repeat(MAX_FIELD_INPUT.displayName + 1), message: 'm'.repeat(MAX_FIELD_INPUT.message + 1), bulk: 'b'.repeat(MAX_FIELD_INPUT.bulk + 1) };
    assert.deepEqual(oversizedFields(over), { email: 'emailTooLong', displayName: 'displayNameTooLong', message: 'messageTooLong', bulk: 'bulkTooLong' });
    const at = { email: 'e'.repeat(MAX_FIELD_INPUT.email), displayName: 'd'.repeat(MAX_FIELD_INPUT.displayName), message: 'm'.repeat(MAX_FIELD_INPUT.message), bulk: 'b'.repeat(MAX_FIELD_INPUT.bulk) };
    assert.deepEqual(oversizedFields(at), {});
  });

  it('repeats at most a short part of an unknown word', () => {
    const command = parseCommand(`${'z'.repeat(50_000)} please`);
    assert.equal(command.kind, 'unknown');
    assert.ok(command.kind === 'unknown' && command.word.length <= 40);
  });
});

describe('the linear parsers read ordinary input as before', () => {
  it('finds name and address in every line form', () => {
    const read = (line: string) => ((l) => [l.email, l.displayName])(parseInviteLine(line));
    assert.deepEqual(read('"Ann Lee" <ann@x.com>'), ['ann@x.com', 'Ann Lee']);
    assert.deepEqual(read('Lee, Ann, < ann@x.com >'), ['ann@x.com', 'Lee, Ann']);
    assert.deepEqual(read('Ann Lee,   ann@x.com'), ['ann@x.com', 'Ann Lee']);
    assert.deepEqual(read('Ann Lee; ann@x.com'), ['ann@x.com', 'Ann Lee']);
    assert.deepEqual(read('ann@x.com; Ann Lee'), ['ann@x.com', 'Ann Lee']);
    assert.deepEqual(read('ann@x.com\t“Ann Lee”'), ['ann@x.com', 'Ann Lee']);
    assert.deepEqual(read('Ann <ann@x.com> extra'), ['Ann', '<ann@x.com> extra'], 'not a final <address>: the first word stays the address');
    assert.deepEqual(read('Ann <a b@x.com>'), ['b@x.com>', 'Ann <a'], 'no spaces inside the angle brackets');
  });

  it('drops Teams markup and mentions but keeps text that only looks like a tag', () => {
    assert.equal(plainText('<p><at id="0">Guest Pass</at> /invite</p><p>a@x.com <b>Ann</b><br/>b@x.com</p>'), ' /invite\na@x.com Ann\nb@x.com\n');
    assert.equal(plainText('<at>Guest Pass</at> x <at>Other</at>'), ' x ');
    assert.equal(plainText('<bx> <p class="a" <at unclosed'), '<bx> <p class="a" <at unclosed', 'no `>`: not a tag');
    assert.equal(plainText('Ann <ann@x.com> <i/ >'), 'Ann <ann@x.com> <i/ >');
  });
});
