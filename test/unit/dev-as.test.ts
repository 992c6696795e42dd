// `npm run dev -- --as <person>`: the Playground starts as another seeded person (issue 12, point 8).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { playgroundConfigAs, SEEDED_PEOPLE } from '../../scripts/dev';

const yaml = readFileSync(path.join(__dirname, '..', '..', '.m365agentsplayground.yml'), 'utf8');
const currentUserId = (text: string) => /^currentUser:\n(?: {2}#.*\n)* {2}id: (\S+)/m.exec(text)?.[1];
const userIds = (text: string) => [...text.matchAll(/^ {2}- (?:# .*\n {4})?id: (\S+)/gm)].map((m) => m[1]);

describe('the Playground as another seeded person', () => {
  for (const [role, person] of Object.entries(SEEDED_PEOPLE)) {
    it(`makes ${role} the current user and keeps the other five as users`, () => {
      const out = playgroundConfigAs(yaml, role);
      assert.equal(currentUserId(out), person.userId);
      const users = userIds(out);
      assert.equal(users.length, 5, out);
      assert.ok(!users.includes(person.userId));
      assert.equal(new Set([...users, person.userId]).size, 6, 'nobody lost, nobody twice');
      assert.match(out, /^team:\n {2}id: 19:contoso-marketing@thread\.tacv2/m, 'the rest is as it was');
    });
  }

  it('accepts a first name and refuses someone not seeded', () => {
    assert.equal(currentUserId(playgroundConfigAs(yaml, 'Adele')), 'user-adelev');
    assert.throws(() => playgroundConfigAs(yaml, 'mallory'), /not a seeded person/);
  });
});
