// Parsing and validation, before any network call (PRODUCT.md 2 and 3.1).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closestCommand, parseCommand as parseText, parseInviteLine } from '../../src/domain/commands';
import { plainText } from '../../src/teams/plainText';

/** As the bot parses a Teams message: its HTML made plain text first. */
const parseCommand = (text: string) => parseText(text, plainText);
import { checkDisplayName, checkEmail, checkMessage, validateInvite } from '../../src/domain/invitation/email';

describe('parsing commands', () => {
  it('reads /invite with an email and a name, slash optional', () => {
    for (const text of ['/invite alice@fabrikam.com Alice Smith', 'invite alice@fabrikam.com Alice Smith', '  /INVITE   alice@fabrikam.com   Alice Smith ']) {
      const c = parseCommand(text);
      assert.equal(c.kind, 'invite');
      assert.deepEqual(c.kind === 'invite' && c.lines.map(({ email, displayName }) => ({ email, displayName })), [{ email: 'alice@fabrikam.com', displayName: 'Alice Smith' }]);
    }
  });

  it('reads quoted names, "email, name" and "Name <email>"', () => {
    assert.equal(parseInviteLine('alice@fabrikam.com "Alice Smith"').displayName, 'Alice Smith');
    assert.equal(parseInviteLine("o'brien@fabrikam.com 'Pat O'Brien'").displayName, "Pat O'Brien");
    assert.deepEqual(parseInviteLine('alice@fabrikam.com, Alice Smith').displayName, 'Alice Smith');
    assert.deepEqual(((l) => [l.email, l.displayName])(parseInviteLine('"Ann Lee" ann@fabrikam.com')), ['ann@fabrikam.com', 'Ann Lee']);
    assert.deepEqual(((l) => [l.email, l.displayName])(parseInviteLine('Ann Lee, ann@fabrikam.com')), ['ann@fabrikam.com', 'Ann Lee']);
    assert.equal(parseInviteLine('not-an-address Someone').email, 'not-an-address', 'a bad address stays where it was typed');
    const angle = parseInviteLine('Alice Smith <alice@fabrikam.com>');
    assert.equal(angle.email, 'alice@fabrikam.com');
    assert.equal(angle.displayName, 'Alice Smith');
  });

  it('reads several lines as several invitations', () => {
    const c = parseCommand('/invite a@x.com\nb@x.com, Bee\nCee <c@x.com>');
    assert.equal(c.kind, 'invite');
    assert.deepEqual(c.kind === 'invite' && c.lines.map((l) => l.email), ['a@x.com', 'b@x.com', 'c@x.com']);
  });

  it('turns invite without arguments into the card', () => {
    assert.deepEqual(parseCommand('invite'), { kind: 'inviteCard' });
    assert.deepEqual(parseCommand('/invite'), { kind: 'inviteCard' });
  });

  it('reads --resend and --no-email options', () => {
    const c = parseCommand('/invite --resend alice@fabrikam.com --no-email');
    assert.equal(c.kind === 'invite' && c.resend, true);
    assert.equal(c.kind === 'invite' && c.sendEmail, false);
    assert.equal(c.kind === 'invite' && c.lines[0]?.email, 'alice@fabrikam.com');
  });

  it('reads status, guests, requests and help; names an unknown word', () => {
    assert.deepEqual(parseCommand('/status alice@fabrikam.com'), { kind: 'status', email: 'alice@fabrikam.com' });
    assert.deepEqual(parseCommand('guests'), { kind: 'guests', page: 1 });
    assert.deepEqual(parseCommand('/guests 3'), { kind: 'guests', page: 3 });
    assert.deepEqual(parseCommand('/guests due'), { kind: 'guests', page: 1, due: true });
    assert.deepEqual(parseCommand('/guests due 2'), { kind: 'guests', page: 2, due: true });
    assert.deepEqual(parseCommand('/audit'), { kind: 'audit' });
    assert.deepEqual(parseCommand('/requests'), { kind: 'requests' });
    assert.deepEqual(parseCommand(''), { kind: 'help' });
    assert.deepEqual(parseCommand('/frobnicate'), { kind: 'unknown', word: 'frobnicate', closest: closestCommand('frobnicate') });
  });

  it('drops a bot mention that was not stripped before parsing', () => {
    assert.deepEqual(parseCommand('<at>Guest Pass</at> /status a@x.com'), { kind: 'status', email: 'a@x.com' });
  });

  it('drops Teams markup and decodes entities but keeps <email> typed as text', () => {
    assert.equal(plainText('<p>invite <a href="mailto:a@x.com">a@x.com</a></p>').trim(), 'invite a@x.com');
    assert.equal(plainText('Alice &lt;a@x.com&gt;'), 'Alice <a@x.com>');
    assert.equal(plainText('Alice <a@x.com>'), 'Alice <a@x.com>');
  });
});

describe('validating an address as Graph does for invitedUserEmailAddress', () => {
  it('accepts ordinary addresses, underscores and apostrophes, and lower-cases them', () => {
    for (const ok of ['alice@fabrikam.com', 'first.last@sub.fabrikam.co.uk', 'a_b@x.io', "o'brien@contoso.com", 'x-y@x.com']) {
      const r = checkEmail(ok);
      assert.ok(r.ok, ok);
    }
    assert.deepEqual(checkEmail('Alice@Fabrikam.COM'), { ok: true, value: 'alice@fabrikam.com' });
  });

  for (const ch of '~!#$%^&*()+=[]{}\\/|;:"<>?,') {
    it(`refuses ${ch} in the local part`, () => {
      assert.deepEqual(checkEmail(`a${ch}b@fabrikam.com`), { ok: false, code: 'emailForbiddenCharacter' });
    });
  }

  it('refuses . or - first or last in the local part', () => {
    for (const bad of ['.a@x.com', 'a.@x.com', '-a@x.com', 'a-@x.com', 'a..b@x.com']) assert.deepEqual(checkEmail(bad), { ok: false, code: 'emailDotOrDashAtEdge' }, bad);
  });

  it('refuses empty, missing @, double @, bad domains and absurd lengths', () => {
    assert.deepEqual(checkEmail(''), { ok: false, code: 'emailRequired' });
    assert.deepEqual(checkEmail('alice'), { ok: false, code: 'emailInvalid' });
    assert.deepEqual(checkEmail('a@b@c.com'), { ok: false, code: 'emailInvalid' });
    assert.deepEqual(checkEmail('a@fabrikam'), { ok: false, code: 'emailDomainInvalid' });
    assert.deepEqual(checkEmail('a@-x.com'), { ok: false, code: 'emailDomainInvalid' });
    assert.deepEqual(checkEmail(`${'a'.repeat(65)}@x.com`), { ok: false, code: 'emailTooLong' });
    assert.deepEqual(checkEmail(`a@${'b'.repeat(250)}.com`), { ok: false, code: 'emailTooLong' });
  });
});

describe('validating the display name and message', () => {
  it('trims the name and defaults it to the local part', () => {
    assert.deepEqual(checkDisplayName('  Alice  ', 'alice@x.com'), { ok: true, value: 'Alice' });
    assert.deepEqual(checkDisplayName('', 'alice@x.com'), { ok: true, value: 'alice' });
  });

  it('refuses names over 256 characters or with control characters', () => {
    assert.deepEqual(checkDisplayName('a'.repeat(257), 'a@x.com'), { ok: false, code: 'displayNameTooLong' });
    assert.ok(checkDisplayName('a'.repeat(256), 'a@x.com').ok);
    assert.deepEqual(checkDisplayName('Al\u0007ice', 'a@x.com'), { ok: false, code: 'displayNameControlCharacter' });
  });

  it('refuses a personal message over 1,000 characters', () => {
    assert.deepEqual(checkMessage('m'.repeat(1001)), { ok: false, code: 'messageTooLong' });
    assert.deepEqual(checkMessage('m'.repeat(1000)), { ok: true, value: 'm'.repeat(1000) });
  });

  it('reports every field error at once and takes the email toggle default from configuration', () => {
    const bad = validateInvite({ email: 'x', displayName: 'a'.repeat(300), message: 'm'.repeat(2000) }, { sendEmail: true });
    assert.deepEqual(bad, { ok: false, errors: { email: 'emailInvalid', displayName: 'displayNameTooLong', message: 'messageTooLong' } });
    const good = validateInvite({ email: 'a@x.com' }, { sendEmail: false });
    assert.deepEqual(good, { ok: true, value: { email: 'a@x.com', displayName: 'a', message: undefined, sendEmail: false } });
    assert.equal(validateInvite({ email: 'a@x.com', sendEmail: 'true' }, { sendEmail: false }).ok && true, true);
  });
});
