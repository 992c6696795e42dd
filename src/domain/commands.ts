// Turns the text of a channel message (mention already removed) into a command.
// Teams sends channel text as light HTML: tags are dropped and entities decoded first.

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
  | { kind: 'guests'; page: number }
  | { kind: 'audit' }
  | { kind: 'requests' }
  | { kind: 'help' }
  | { kind: 'unknown'; word: string };

// Only real markup is dropped: `Alice <alice@fabrikam.com>` typed in a plain-text client must survive.
const HTML_TAG = /<\/?(at|p|div|span|a|br|b|i|em|strong|u|s|ul|ol|li|img|code|pre|blockquote|h[1-6])(\s[^>]*)?\/?>/gi;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

export function plainText(html: string): string {
  return html
    // A mention of the bot that botbuilder could not strip (its text did not match exactly) goes too.
    .replace(/<at\b[^>]*>.*?<\/at>/gis, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div)>/gi, '\n')
    .replace(HTML_TAG, '')
    .replace(/&(#\d+|[a-z]+);/gi, (m, name: string) => {
      const key = name.toLowerCase();
      if (ENTITIES[key] !== undefined) return ENTITIES[key];
      if (key.startsWith('#')) return String.fromCodePoint(Number(key.slice(1)));
      return m;
    })
    .replace(/\r\n?/g, '\n');
}

function unquote(s: string): string {
  const t = s.trim();
  const m = /^(["'“”‘’])(.*)\1$/s.exec(t) ?? /^[“‘](.*)[”’]$/s.exec(t);
  return (m ? m[m.length - 1] : t)!.trim();
}

/** One invite line: `email`, `email name`, `email, name`, `email "name"` or `Name <email>`. */
export function parseInviteLine(line: string): InviteLine {
  const raw = line.trim();
  const angle = /^(.*?)<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$/.exec(raw);
  if (angle) {
    const name = unquote(angle[1]!.replace(/,\s*$/, ''));
    return { email: angle[2]!, displayName: name || undefined, raw };
  }
  const m = /^(\S+?)(?:[,;]\s*|\s+|$)(.*)$/s.exec(raw);
  const first = (m?.[1] ?? raw).replace(/[,;]$/, '');
  const last = /^(.*?)[,;]?\s+(\S+@\S+)$/s.exec(raw);
  if (!first.includes('@') && last) {
    // `"Ann Lee" ann@fabrikam.com` or `Ann Lee, ann@fabrikam.com`: the name came first.
    return { email: last[2]!, displayName: unquote(last[1]!) || undefined, raw };
  }
  const name = unquote(m?.[2] ?? '');
  return { email: first, displayName: name || undefined, raw };
}

/** Pasted text (the invite card's list, or the lines of a message): one invitation per non-empty line. */
export function parseInviteLines(text: string): InviteLine[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map(parseInviteLine);
}

const OPTION = /(^|\s)--?(resend|no-email|email)\b/gi;

export function parseCommand(text: string): Command {
  const body = plainText(text).trim();
  const firstLineEnd = body.indexOf('\n');
  const head = firstLineEnd === -1 ? body : body.slice(0, firstLineEnd);
  const rest = firstLineEnd === -1 ? '' : body.slice(firstLineEnd + 1);
  const wordMatch = /^\/?([a-z]+)\b\s*(.*)$/is.exec(head.trim());
  if (!wordMatch) return body === '' ? { kind: 'help' } : { kind: 'unknown', word: head.split(/\s/)[0] ?? '' };
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
      const page = Number.parseInt(args.trim(), 10);
      return { kind: 'guests', page: Number.isFinite(page) && page > 0 ? page : 1 };
    }
    case 'audit':
    case 'export':
      return { kind: 'audit' };
    case 'requests':
      return { kind: 'requests' };
    case 'help':
    case 'hi':
    case 'hello':
      return { kind: 'help' };
    default:
      return { kind: 'unknown', word };
  }
}
