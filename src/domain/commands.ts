// Turns the text of a message into a command. The channel's markup (Teams: light HTML) is the
// caller's to turn into plain text (src/teams/plainText.ts), after the length check here.

export interface InviteLine {
  email: string;
  displayName?: string;
  /** The line as typed, for error reports in bulk. */
  raw: string;
}

export type Command =
  | { kind: 'invite'; lines: InviteLine[]; resend: boolean; sendEmail?: boolean }
  | { kind: 'inviteCard' }
  | { kind: 'status'; email: string }
  | { kind: 'guests'; page: number; due?: boolean }
  | { kind: 'audit' }
  | { kind: 'requests' }
  | { kind: 'remove'; email: string }
  | { kind: 'help' }
  /** `closest`: the known command nearest to what was typed (edit distance). */
  | { kind: 'unknown'; word: string; closest: KnownCommand }
  /** Longer than MAX_COMMAND_TEXT: not parsed. */
  | { kind: 'tooLong'; length: number; max: number };

/** The commands people type, in the order help lists them. */
export const KNOWN_COMMANDS = ['invite', 'status', 'guests', 'requests', 'audit', 'help'] as const;
export type KnownCommand = (typeof KNOWN_COMMANDS)[number];

/** Levenshtein distance; both words are short (an unknown word is cut to MAX_ECHOED_WORD first). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known command nearest to a word; a word that starts with one (`/invitehenry@…`) gets that one. */
export function closestCommand(word: string): KnownCommand {
  const w = word.toLowerCase().replace(/^\//, '').slice(0, MAX_ECHOED_WORD);
  const prefix = KNOWN_COMMANDS.find((c) => w.startsWith(c));
  if (prefix) return prefix;
  let best: KnownCommand = 'help';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of KNOWN_COMMANDS) {
    const d = editDistance(w, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

const unknown = (word: string): Command => {
  const echoed = word.slice(0, MAX_ECHOED_WORD);
  return { kind: 'unknown', word: echoed, closest: closestCommand(echoed) };
};

// Every parser here runs on text anyone in the team can send, so each one is linear in its input:
// plain scans (indexOf, lastIndexOf, one character class at a time) or anchored regexes without
// nested or overlapping quantifiers. test/unit/parsers-linear.test.ts feeds them pathological input.

/**
 * The longest message text parsed at all (longer: a plain answer, nothing parsed). A bulk list of
 * 1,000 lines (MAX_BULK_LINES) must fit: a 60-character line such as `Firstname Lastname
 * <first.last@fabrikam.com>` arrives from Teams as HTML of about 125 characters (`<p>`…`</p>`,
 * `&lt;`/`&gt;`, the address turned into a `mailto:` link), so 200 characters a line leaves room
 * for longer names and addresses.
 */
export const MAX_COMMAND_TEXT = 200_000;
/** How much of an unknown word is repeated back to the person who typed it. */
const MAX_ECHOED_WORD = 40;

const SPACE = /\s/;
const isSpace = (c: string | undefined): boolean => c !== undefined && SPACE.test(c);

const QUOTES = '"\'“”‘’';

/** A name without the quotes around it: the same quote on both sides, or curly opening and closing ones. */
function unquote(s: string): string {
  const t = s.trim();
  if (t.length < 2) return t;
  const first = t[0]!;
  const last = t[t.length - 1]!;
  const quoted = (QUOTES.includes(first) && last === first) || ('“‘'.includes(first) && '”’'.includes(last));
  return quoted ? t.slice(1, -1).trim() : t;
}

/** Shaped like an address (an `@` with something on both sides): which part of a line is the address. */
const hasInnerAt = (token: string): boolean => token.length >= 3 && token.slice(1, -1).includes('@');

/** `Name <email>`: the address between the last `<` and a final `>`, without spaces or angle brackets. */
function angleForm(raw: string): InviteLine | undefined {
  if (!raw.endsWith('>')) return undefined;
  const lt = raw.lastIndexOf('<');
  if (lt === -1) return undefined;
  const address = raw.slice(lt + 1, -1).trim();
  if (!hasInnerAt(address) || /[\s<>]/.test(address)) return undefined;
  let name = raw.slice(0, lt).trimEnd();
  if (name.endsWith(',')) name = name.slice(0, -1);
  return { email: address, displayName: unquote(name) || undefined, raw };
}

/** `Ann Lee ann@x.com` or `Ann Lee, ann@x.com`: the last word, when it looks like an address, after the name. */
function nameFirstForm(raw: string): InviteLine | undefined {
  let space = raw.length - 1;
  while (space >= 0 && !isSpace(raw[space])) space--;
  if (space < 0) return undefined;
  const address = raw.slice(space + 1);
  if (!hasInnerAt(address)) return undefined;
  let nameEnd = space;
  while (nameEnd > 0 && isSpace(raw[nameEnd - 1])) nameEnd--;
  if (nameEnd > 0 && (raw[nameEnd - 1] === ',' || raw[nameEnd - 1] === ';')) nameEnd--;
  return { email: address, displayName: unquote(raw.slice(0, nameEnd)) || undefined, raw };
}

/** One invite line: `email`, `email name`, `email, name`, `email "name"` or `Name <email>`. */
export function parseInviteLine(line: string): InviteLine {
  const raw = line.trim();
  const angle = angleForm(raw);
  if (angle) return angle;
  // The first word ends at the first space, `,` or `;` after its first character.
  let end = 1;
  while (end < raw.length && raw[end] !== ',' && raw[end] !== ';' && !isSpace(raw[end])) end++;
  let first = raw.slice(0, end);
  if (first.endsWith(',') || first.endsWith(';')) first = first.slice(0, -1);
  if (!first.includes('@')) {
    // `"Ann Lee" ann@fabrikam.com` or `Ann Lee, ann@fabrikam.com`: the name came first.
    const nameFirst = nameFirstForm(raw);
    if (nameFirst) return nameFirst;
  }
  let rest = end;
  if (raw[rest] === ',' || raw[rest] === ';') rest++;
  while (rest < raw.length && isSpace(raw[rest])) rest++;
  const name = unquote(raw.slice(rest));
  return { email: first, displayName: name || undefined, raw };
}

const isSeparator = (c: string | undefined): boolean => c === ',' || c === ';' || isSpace(c);

/** How many words of a line look like addresses (words end at spaces, `,` and `;`; `<>` and quotes around them ignored). */
function addressWords(line: string): number {
  let count = 0;
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    if (i < line.length && !isSeparator(line[i])) {
      if (start === -1) start = i;
      continue;
    }
    if (start !== -1) {
      let a = start;
      let b = i;
      while (a < b && (line[a] === '<' || QUOTES.includes(line[a]!))) a++;
      while (b > a && (line[b - 1] === '>' || QUOTES.includes(line[b - 1]!))) b--;
      if (hasInnerAt(line.slice(a, b))) count++;
      start = -1;
    }
  }
  return count;
}

/**
 * A line naming several people (`sam@x.com tom@x.com`, `a@x.com, b@x.com; c@x.com`, or Outlook's
 * `Sam Lee <sam@x.com>; Tom <tom@x.com>`): one piece per person. `Name <email>` keeps its name;
 * any other word stands alone (a word that is not an address is then a line set aside, shown in
 * the preview), so that an address is never taken for a name. One forward scan.
 */
function peopleOnLine(line: string): string[] {
  const pieces: string[] = [];
  const words = (text: string) => {
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
      if (i < text.length && !isSeparator(text[i])) {
        if (start === -1) start = i;
      } else if (start !== -1) {
        pieces.push(text.slice(start, i));
        start = -1;
      }
    }
  };
  let from = 0;
  let lastLt = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '<') lastLt = i;
    else if (c === '>' && lastLt >= from) {
      const address = line.slice(lastLt + 1, i).trim();
      if (hasInnerAt(address) && !/[\s<>]/.test(address)) {
        // The name runs back from `<` to the previous separator `;`/`,` that follows an address; simpler: to `from`.
        const piece = line.slice(from, i + 1).replace(/^[\s,;]+/, '');
        const lt = piece.lastIndexOf('<');
        const name = piece.slice(0, lt);
        // A name made of several address-free words is kept; words before it that are addresses stand alone.
        const nameWords = name.trim() === '' ? [] : [name.trim()];
        if (nameWords.length > 0 && addressWords(name) > 0) {
          words(name);
          pieces.push(piece.slice(lt));
        } else pieces.push(piece);
        from = i + 1;
        lastLt = -1;
      }
    }
  }
  words(line.slice(from));
  return pieces;
}

/**
 * Pasted text (the invite card's list, or the lines of a message): one invitation per non-empty
 * line, and one per address on a line that names several people.
 */
export function parseInviteLines(text: string): InviteLine[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .flatMap((l) => (addressWords(l) > 1 ? peopleOnLine(l) : [l]))
    .map(parseInviteLine);
}

// Constant work at each position: a fixed word after one space and one or two dashes.
const OPTION = /(^|\s)--?(resend|no-email|email)\b/gi;

/** `asPlainText`: the channel's markup to plain text, run only on text within MAX_COMMAND_TEXT. */
export function parseCommand(text: string, asPlainText: (markup: string) => string = (t) => t): Command {
  // Checked before anything parses the text.
  if (text.length > MAX_COMMAND_TEXT) return { kind: 'tooLong', length: text.length, max: MAX_COMMAND_TEXT };
  const body = asPlainText(text).trim();
  const firstLineEnd = body.indexOf('\n');
  const head = firstLineEnd === -1 ? body : body.slice(0, firstLineEnd);
  const rest = firstLineEnd === -1 ? '' : body.slice(firstLineEnd + 1);
  const wordMatch = /^\/?([a-z]+)\b\s*(.*)$/is.exec(head.trim()); // anchored: one attempt
  if (!wordMatch) return body === '' ? { kind: 'help' } : unknown(head.split(/\s/)[0] ?? '');
  const word = wordMatch[1]!.toLowerCase();
  let args = wordMatch[2] ?? '';

  switch (word) {
    case 'invite': {
      let resend = false;
      let sendEmail: boolean | undefined;
      args = args.replace(OPTION, (_m, lead: string, opt: string) => {
        const o = opt.toLowerCase();
        if (o === 'resend') resend = true;
        else if (o === 'no-email') sendEmail = false;
        else sendEmail = true;
        return lead;
      });
      const lines = parseInviteLines(`${args}\n${rest}`);
      if (lines.length === 0) return { kind: 'inviteCard' };
      return { kind: 'invite', lines, resend, sendEmail };
    }
    case 'status':
      return { kind: 'status', email: args.trim().split(/\s+/)[0] ?? '' };
    case 'guests': {
      const words = args.trim().toLowerCase().split(/\s+/);
      const due = words[0] === 'due';
      const page = Number.parseInt(due ? (words[1] ?? '') : (words[0] ?? ''), 10);
      return { kind: 'guests', page: Number.isFinite(page) && page > 0 ? page : 1, ...(due ? { due } : {}) };
    }
    case 'audit':
    case 'export':
      return { kind: 'audit' };
    case 'requests':
      return { kind: 'requests' };
    case 'remove':
      return { kind: 'remove', email: args.trim().split(/\s+/)[0] ?? '' };
    case 'help':
    case 'hi':
    case 'hello':
      return { kind: 'help' };
    default:
      return unknown(word);
  }
}
