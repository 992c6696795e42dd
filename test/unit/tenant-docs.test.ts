// Every card that blames a tenant setting links to that setting's entry in docs/deployment.md (section 8),
// under the one docs base URL (DOCS_BASE_URL).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DOCS_BASE_URL } from '../../src/config';
import { setDocsBaseUrl } from '../../src/text/docs';
import { en } from '../../src/text/en';

const deployment = fs.readFileSync(path.resolve(__dirname, '../../docs/deployment.md'), 'utf8');

const cases: [string, () => string, string][] = [
  ['refusals.groupForbidsGuests', () => en.refusals.groupForbidsGuests(), 'tenant-group-allow-guests'],
  ['refusals.tenantBlocksDomain', () => en.refusals.tenantBlocksDomain('tailspin.com'), 'tenant-collaboration-domains'],
  ['refusals.crossTenantBlocked', () => en.refusals.crossTenantBlocked('woodgrove.com'), 'tenant-cross-tenant-access'],
  ['refusals.guestInvitationsDisabled', () => en.refusals.guestInvitationsDisabled(), 'tenant-guest-invite-restrictions'],
  ['failures.missingPermission', () => en.failures.missingPermission('User.Invite.All'), 'tenant-graph-permissions'],
  ['failures.missingPermission (sign-in)', () => en.failures.missingPermission('sign-in'), 'tenant-graph-permissions'],
];

describe('tenant prerequisites: cards link to docs/deployment.md', () => {
  for (const [name, text, anchor] of cases) {
    it(`${name} links to #${anchor}, which the guide has`, () => {
      assert.ok(text().includes(`](${DEFAULT_DOCS_BASE_URL}/deployment.md#${anchor})`), text());
      assert.ok(deployment.includes(`<a id="${anchor}"></a>`), `docs/deployment.md has the anchor ${anchor}`);
    });
  }

  it('takes the base URL from one place, DOCS_BASE_URL', () => {
    try {
      setDocsBaseUrl('https://wiki.contoso.com/guest-pass/');
      assert.match(en.refusals.groupForbidsGuests(), /\]\(https:\/\/wiki\.contoso\.com\/guest-pass\/deployment\.md#tenant-group-allow-guests\)$/);
    } finally {
      setDocsBaseUrl(DEFAULT_DOCS_BASE_URL);
    }
  });
});
