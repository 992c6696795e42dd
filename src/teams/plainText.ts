// Teams sends channel text as light HTML: the bot's mention and tags are dropped, entities decoded.
// Linear in its input like every parser of text anyone in the team can send
// (test/unit/parsers-linear.test.ts feeds it pathological input).
// Only real markup is dropped: `Alice <alice@fabrikam.com>` typed in a plain-text client must survive.
const TAG_START = /<\/?(?:at|p|div|span|a|br|b|i|em|strong|u|s|ul|ol|li|img|code|pre|blockquote|h[1-6])(?=[\s/>])/gi;
const BOT_MENTION_START = /<at\b/gi;
const BOT_MENTION_END = /<\/at>/gi;
const ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const SPACE = /\s/;
const isSpace = (c: string | undefined): boolean => c !== undefined && SPACE.test(c);

/** A mention of the bot that botbuilder could not strip (its text did not match exactly): `<at …>…</at>` goes. */
function withoutMentions(text: string): string {
  let out = '';
  let from = 0;
  BOT_MENTION_START.lastIndex = 0;
  for (let open = BOT_MENTION_START.exec(text); open; open = BOT_MENTION_START.exec(text)) {
    const tagEnd = text.indexOf('>', open.index);
    if (tagEnd === -1) break; // no `>` after this one: no later mention can close either
    BOT_MENTION_END.lastIndex = tagEnd + 1;
    const close = BOT_MENTION_END.exec(text);
    if (!close) break; // likewise for `</at>`
    out += text.slice(from, open.index);
    from = close.index + close[0].length;
    BOT_MENTION_START.lastIndex = from;
  }
  return out + text.slice(from);
}

/** Drops the tags Teams uses (`<p>`, `<a href=…>`, `<b/>`…): a tag ends at the first `>` after its name and a space. */
function withoutTags(text: string): string {
  let out = '';
  let from = 0;
  let nextGt = -1; // the first `>` at or after the current position, found once and reused
  TAG_START.lastIndex = 0;
  for (let tag = TAG_START.exec(text); tag; tag = TAG_START.exec(text)) {
    const after = tag.index + tag[0].length;
    let end: number;
    if (text[after] === '>') end = after;
    else if (text[after] === '/' && text[after + 1] === '>') end = after + 1;
    else if (isSpace(text[after])) {
      if (nextGt < after) nextGt = text.indexOf('>', after);
      if (nextGt === -1) break; // no `>` left: no later tag can end
      end = nextGt;
    } else continue;
    out += text.slice(from, tag.index);
    from = end + 1;
    TAG_START.lastIndex = from;
  }
  return out + text.slice(from);
}

/** `&#N;` and `&#xH;` as their character; what is not a Unicode scalar value becomes U+FFFD, as in HTML. */
function codePoint(digits: string, radix: 10 | 16): string {
  const n = Number.parseInt(digits, radix);
  const valid = Number.isSafeInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff);
  return valid ? String.fromCodePoint(n) : '\ufffd';
}

/** Teams sends channel text as light HTML: the bot's mention and tags are dropped, entities decoded. Never throws. */
export function plainText(html: string): string {
  // Linear as regexes: `<br`'s `\s*` run ends at the next non-space, so no two attempts share work.
  return withoutTags(withoutMentions(html).replace(/<br\s*\/?>/gi, '\n').replace(/<\/(?:p|div)>/gi, '\n'))
    .replace(ENTITY, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (dec !== undefined) return codePoint(dec, 10);
      if (hex !== undefined) return codePoint(hex, 16);
      return ENTITIES[name!.toLowerCase()] ?? m;
    })
    .replace(/\r\n?/g, '\n');
}
