// What people typed (names, addresses, personal messages, pasted lines) and names Teams gives us
// are shown as text, never as formatting: Adaptive Card TextBlocks and FactSet values render a
// Markdown subset in Teams, and text replies render Markdown and some HTML. The card templating
// (`${…}`) copies values as they are; escaping is this function's job, applied where a value
// enters card data or a reply, and nowhere else (not to Input values, not to action data).
//
// The rule, kept minimal so that ordinary names read as typed ("O'Brien", "Anne-Marie", "Dr. Lee",
// "Smith & Sons" are unchanged) — Teams desktop and web honour a backslash escape, but some mobile
// clients have shown the backslash itself (microsoft/AdaptiveCards#5590, fixed since), so a
// character is escaped only where Markdown could read it as syntax:
// - a backslash becomes `\\`; `*`, `_`, backtick, `~`, `[`, `]` and `|` always get a backslash
//   (emphasis, code, strike-through, links and images, tables can start anywhere; `(`, `)` and `!`
//   only mean something after `]` or before `[`, which are escaped, so they stay as typed);
// - at the start of a line (after spaces): `#`, `+`, `-`, `=`, `>` get a backslash (headings,
//   lists, rules, quotes), and so does the `.` or `)` of `1.` / `1)` (numbered lists);
// - `<` always (links like `<https://…>`, tags, `<at>` mentions); `&` when it would start an entity.
//   In cards these get a backslash; in text replies, which render HTML, `<`, `>` and `&` all become
//   `&lt;`, `&gt;` and `&amp;` instead.
// Inside a ``` code block (the results CSV) Markdown is not read, but a run of backticks could
// close the block: there no two backticks stay next to each other (a zero-width space goes between).
// Bare addresses and URLs may still be made clickable by Teams, but they show as typed.
// Linear: one pass, a bounded look-ahead at `&`.

/** Where the value goes: card data (TextBlock, FactSet, Table), the text of a message, or a code block in one. */
export type Surface = 'card' | 'message' | 'codeBlock';

const ALWAYS = new Set(['\\', '*', '_', '`', '~', '[', ']', '|']);
const AT_LINE_START = new Set(['#', '+', '-', '=', '>']);
const ENTITY_AHEAD = /&(?:#|[A-Za-z0-9]{1,32};)/y;
const HTML: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** `value` escaped so that Teams shows exactly these characters on `surface`. */
export function shownAsText(value: string, surface: Surface = 'card'): string {
  if (surface === 'codeBlock') return value.replace(/``+/g, (run) => run.split('').join('\u200b'));
  const parts: string[] = [];
  let from = 0; // value[from, i) is copied as it is
  const put = (i: number, replacement: string, next = i + 1) => {
    parts.push(value.slice(from, i), replacement);
    from = next;
  };
  let lineStart = true; // only spaces and tabs so far on this line
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\n' || c === '\r') {
      lineStart = true;
      continue;
    }
    if (lineStart && (c === ' ' || c === '\t')) continue;
    const atLineStart = lineStart;
    lineStart = false;
    if (surface === 'message' && HTML[c] !== undefined) {
      put(i, HTML[c]);
    } else if (ALWAYS.has(c) || c === '<' || (atLineStart && AT_LINE_START.has(c))) {
      put(i, `\\${c}`);
    } else if (c === '&' && ((ENTITY_AHEAD.lastIndex = i), ENTITY_AHEAD.test(value))) {
      put(i, '\\&');
    } else if (atLineStart && isDigit(c)) {
      // `12. ` or `12) ` at the start of a line is a numbered list: escape its `.` or `)`.
      let j = i;
      while (isDigit(value[j])) j++;
      if (value[j] === '.' || value[j] === ')') put(j, `\\${value[j]}`);
      else j--;
      i = j;
    }
  }
  parts.push(value.slice(from));
  return parts.join('');
}
