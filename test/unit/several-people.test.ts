// A line that names several people is several people; line breaks arrive as Teams sends them;
// an unknown command gets the nearest known one (issue 12, points 1 and 3).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closestCommand, parseCommand as parseText, parseInviteLines } from '../../src/domain/commands';
import { plainText } from '../../src/teams/plainText';

/** As the bot parses a Teams message: its HTML made plain text first. */
const parseCommand = (text: string) => parseText(text, plainText);
import { checkDisplayName, validateInvite } from '../../src/domain/invitation/email';

const people = (text: string) => parseInviteLines(text).map(({ email, displayName }) => (displayName ? `${email}|${displayName}` : email));

describe('several addresses on one line', () => {
  it('are several people, separated by spaces, commas or semicolons', () => {
    for (const line of ['sam@fabrikam.com tom@fabrikam.com', 'sam@fabrikam.com, tom@fabrikam.com', 'sam@fabrikam.com;tom@fabrikam.com', ' sam@fabrikam.com ;  tom@fabrikam.com , ']) {
      assert.deepEqual(people(line), ['sam@fabrikam.com', 'tom@fabrikam.com'], line);
    }
  });

  it('keeps the names of Outlook-style "Name <email>; Name <email>" lists', () => {
    assert.deepEqual(people('Sam Lee <sam@fabrikam.com>; Tom Roe <tom@fabrikam.com>, ann@fabrikam.com'), [
      'sam@fabrikam.com|Sam Lee',
      'tom@fabrikam.com|Tom Roe',
      'ann@fabrikam.com',
    ]);
  });

  it('leaves one person with a name as one person', () => {
    assert.deepEqual(people('ann@fabrikam.com, Ann Lee'), ['ann@fabrikam.com|Ann Lee']);
    assert.deepEqual(people('Ann Lee <ann@fabrikam.com>'), ['ann@fabrikam.com|Ann Lee']);
  });

  it('makes /invite with two addresses a bulk invitation of two', () => {
    const c = parseCommand('/invite sam@fabrikam.com tom@fabrikam.com');
    assert.equal(c.kind, 'invite');
    assert.deepEqual(c.kind === 'invite' && c.lines.map((l) => [l.email, l.displayName]), [
      ['sam@fabrikam.com', undefined],
      ['tom@fabrikam.com', undefined],
    ]);
  });
});

describe('a display name that is an email address', () => {
  it('is a field error, never a name', () => {
    assert.deepEqual(checkDisplayName('tom@fabrikam.com', 'sam@fabrikam.com'), { ok: false, code: 'displayNameIsEmail' });
    const v = validateInvite({ email: 'sam@fabrikam.com', displayName: ' tom@fabrikam.com ' }, { sendEmail: true });
    assert.deepEqual(v, { ok: false, errors: { displayName: 'displayNameIsEmail' } });
    assert.equal(checkDisplayName('Sam @ Fabrikam', 'sam@fabrikam.com').ok, true, 'an @ in a name is fine');
  });
});

describe('line breaks as Teams sends them', () => {
  it('reads a Shift+Enter list from the HTML of the message', () => {
    for (const html of [
      '<p><at>Guest Pass</at>&nbsp;/invite<br>henry@fabrikam.com<br>ivy@fabrikam.com, Ivy</p>',
      '<div><at>Guest Pass</at> /invite</div><div>henry@fabrikam.com</div><div>ivy@fabrikam.com, Ivy</div>',
      '<p><at>Guest Pass</at> /invite</p><p>henry@fabrikam.com</p><p>ivy@fabrikam.com, Ivy</p>',
    ]) {
      const c = parseCommand(html);
      assert.equal(c.kind, 'invite', html);
      assert.deepEqual(c.kind === 'invite' && c.lines.map((l) => l.email), ['henry@fabrikam.com', 'ivy@fabrikam.com'], html);
    }
  });
});

describe('an unknown command', () => {
  it('gets the closest known command', () => {
    assert.equal(closestCommand('invit'), 'invite');
    assert.equal(closestCommand('stauts'), 'status');
    assert.equal(closestCommand('gusts'), 'guests');
    assert.equal(closestCommand('requets'), 'requests');
    assert.equal(closestCommand('invitehenry'), 'invite', 'a command joined to its argument');
    const c = parseCommand('/invitehenry@fabrikam.com');
    assert.deepEqual(c, { kind: 'unknown', word: 'invitehenry', closest: 'invite' });
  });
});
