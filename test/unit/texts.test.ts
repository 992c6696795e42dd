// Two languages from the start (issue 12, point 7): the German catalogue has every text the English
// one has, with the same arguments, and the Teams locale chooses between them. When someone adds a
// text to en.ts, the first test here names the German text still to write.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { de } from '../../src/text/de';
import { en } from '../../src/text/en';
import { textsFor } from '../../src/text';

/** Every leaf of a catalogue: its path and what it is (a text, a function of n arguments, a list of n). */
function shape(value: unknown, path = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'function') out.set(path, `function of ${value.length} argument(s)`);
  else if (Array.isArray(value)) {
    out.set(path, `list of ${value.length}`);
    value.forEach((v, i) => shape(v, `${path}[${i}]`).forEach((kind, p) => out.set(p, kind)));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) shape(v, path ? `${path}.${key}` : key).forEach((kind, p) => out.set(p, kind));
  } else out.set(path, typeof value);
  return out;
}

function missing(from: Map<string, string>, to: Map<string, string>): string[] {
  return [...from.keys()].filter((k) => !to.has(k));
}

describe('the text catalogues', () => {
  const english = shape(en);
  const german = shape(de);

  it('has every English text in German', () => {
    assert.deepEqual(missing(english, german), [], 'German texts to write (src/text/de.ts)');
  });

  it('has no German text that English lacks', () => {
    assert.deepEqual(missing(german, english), [], 'English texts to write, or German ones to remove');
  });

  it('gives each text the same kind and each function the same number of arguments in both', () => {
    const different = [...english].filter(([k, kind]) => german.has(k) && german.get(k) !== kind).map(([k, kind]) => `${k}: ${kind} in English, ${german.get(k)} in German`);
    assert.deepEqual(different, []);
  });

  it('leaves no German text empty where the English one says something', () => {
    const english = flatStrings(en);
    const empty = Object.entries(flatStrings(de)).filter(([k, v]) => v.trim() === '' && (english[k] ?? '').trim() !== '').map(([k]) => k);
    assert.deepEqual(empty, []);
  });

  it('catches a text missing in one language', () => {
    const broken = { ...de, inviteCard: { ...de.inviteCard, submitRequest: undefined } };
    assert.deepEqual(missing(english, shape(JSON.parse(JSON.stringify(broken)) as unknown)).filter((k) => k === 'inviteCard.submitRequest'), ['inviteCard.submitRequest']);
    const fewerArguments = shape({ ...en, result: { ...en.result, resendQuestion: (name: string) => name } });
    assert.notEqual(fewerArguments.get('result.resendQuestion'), english.get('result.resendQuestion'));
  });
});

describe('the language of a turn', () => {
  it('is German for any German Teams locale and English for anything else', () => {
    for (const locale of ['de', 'de-DE', 'de-AT', 'de-CH', 'DE-de']) assert.equal(textsFor(locale), de, locale);
    for (const locale of [undefined, '', 'en-US', 'fr-FR', 'dex', 'nl-BE']) assert.equal(textsFor(locale), en, String(locale));
  });
});

/** The catalogue's plain texts by path. */
function flatStrings(value: unknown, path = '', out: Record<string, string> = {}): Record<string, string> {
  if (typeof value === 'string') out[path] = value;
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatStrings(v, path ? `${path}.${k}` : k, out);
  return out;
}
