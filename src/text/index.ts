// The text catalogues, chosen from the Teams locale. test/unit/texts.test.ts compares them.
import { de } from './de';
import { en, type Texts } from './en';

export type { Texts } from './en';

/** The catalogue for a Teams locale: German for `de`, `de-DE`, `de-AT`, `de-CH`…; English for anything else. */
export function textsFor(locale?: string): Texts {
  return /^de(?:-|$)/i.test(locale ?? '') ? de : en;
}
