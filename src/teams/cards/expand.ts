// What every card shares: expanding a template with typed data (the verbs added), dates each
// reader sees in their own time zone, and @mentions.
import { Template } from 'adaptivecards-templating';
import { VERBS } from '../verbs';

/** A date and time each reader's Teams shows in their own time zone and format (ISO 8601 with Z, no fraction; TextBlocks only). */
export function cardDateTime(iso: string | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  const z = `${new Date(iso).toISOString().slice(0, 19)}Z`;
  return `{{DATE(${z}, SHORT)}} {{TIME(${z})}}`;
}

export type AdaptiveCard = Record<string, unknown>;

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

export function expand<T extends object>(template: object, data: T): AdaptiveCard {
  return withoutNulls(new Template(template).expand({ $root: { ...data, verbs: VERBS } })) as AdaptiveCard;
}


/** A Teams @mention on a card: the `<at>` text in the card and its entity must match exactly. */
export interface CardMention {
  id: string;
  name: string;
}

/** The mention text for a name; `<` and `>` would end the tag early. */
export const atText = (name: string) => `<at>${name.replace(/[<>]/g, '')}</at>`;


export function withMentions(card: AdaptiveCard, mentions: CardMention[]): AdaptiveCard {
  if (mentions.length > 0) card.msteams = { entities: mentions.map((m) => ({ type: 'mention', text: atText(m.name), mentioned: { id: m.id, name: m.name } })) };
  return card;
}
