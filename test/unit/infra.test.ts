// infra/azure.bicep, checked without a Bicep compiler (none installs from npm or Debian): scripts/check-infra.ts
// on the real files, and on copies broken one way at a time, each of which it must catch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkInfra, readInfraFiles, type InfraFiles } from '../../scripts/check-infra';

const real = readInfraFiles();

function broken(edit: (f: InfraFiles) => InfraFiles): string[] {
  return checkInfra(edit({ ...real }));
}

function replaced(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  assert.notEqual(out, text, `the test's edit applies: ${String(from)}`);
  return out;
}

describe('infra/azure.bicep', () => {
  it('passes every check as committed', () => {
    assert.deepEqual(checkInfra(real), []);
  });

  it('turns SCM and FTP basic auth off, HTTPS only, TLS 1.2 and FTPS off', () => {
    const scm = broken((f) => ({ ...f, bicep: replaced(f.bicep, /(name: 'scm'\s*properties: \{\s*allow: )false/, '$1true') }));
    assert.match(scm.join('\n'), /basicPublishingCredentialsPolicies 'scm': allow must be false/);
    const noFtp = broken((f) => ({ ...f, bicep: replaced(f.bicep, /resource ftpBasicAuth [\s\S]*?\n\}\n/, '') }));
    assert.match(noFtp.join('\n'), /no basicPublishingCredentialsPolicies 'ftp' resource/);
    assert.match(broken((f) => ({ ...f, bicep: replaced(f.bicep, 'httpsOnly: true', 'httpsOnly: false') })).join(), /httpsOnly must be true/);
    assert.match(broken((f) => ({ ...f, bicep: replaced(f.bicep, "minTlsVersion: '1.2'", "minTlsVersion: '1.0'") })).join(), /minTlsVersion must be '1\.2'/);
    assert.match(broken((f) => ({ ...f, bicep: replaced(f.bicep, "ftpsState: 'Disabled'", "ftpsState: 'FtpsOnly'") })).join(), /ftpsState must be 'Disabled'/);
  });

  it('uses the managed identity for storage by default and sets no secret-looking app setting', () => {
    assert.match(
      broken((f) => ({ ...f, bicep: replaced(f.bicep, "param storageAuth string = 'managedIdentity'", "param storageAuth string = 'connectionString'") })).join(),
      /storageAuth must default to 'managedIdentity'/,
    );
    const key = broken((f) => ({
      ...f,
      bicep: replaced(
        f.bicep,
        "  // Runtime\n",
        "  {\n    name: 'AZURE_STORAGE_CONNECTION_STRING'\n    value: 'AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value}'\n  }\n  // Runtime\n",
      ),
    }));
    assert.match(key.join('\n'), /app setting AZURE_STORAGE_CONNECTION_STRING \(in var baseAppSettings\) looks like a secret/);
    const password = broken((f) => ({ ...f, bicep: replaced(f.bicep, "  // Runtime\n", "  {\n    name: 'MicrosoftAppPassword'\n    value: 'x'\n  }\n  // Runtime\n") }));
    assert.match(password.join('\n'), /MicrosoftAppPassword.*looks like a secret/);
    assert.match(password.join('\n'), /the managed identity needs no secret/);
  });

  it('documents every app setting it sets', () => {
    const extra = broken((f) => ({ ...f, bicep: replaced(f.bicep, "  // Runtime\n", "  {\n    name: 'FEATURE_X'\n    value: 'on'\n  }\n  // Runtime\n") }));
    assert.match(extra.join('\n'), /app setting FEATURE_X is neither in README's configuration table nor in docs\/deployment\.md's app-settings table/);
    const undocumented = broken((f) => ({ ...f, deployment: replaced(f.deployment, /^\| `WEBSITE_RUN_FROM_PACKAGE` .*\n/m, '') }));
    assert.match(undocumented.join('\n'), /app setting WEBSITE_RUN_FROM_PACKAGE is neither/);
  });

  it('keeps resource types and API versions on the allow-list', () => {
    const version = broken((f) => ({ ...f, bicep: replaced(f.bicep, "'Microsoft.Web/sites@2023-12-01'", "'Microsoft.Web/sites@2018-02-01'") }));
    assert.match(version.join('\n'), /Microsoft\.Web\/sites@2018-02-01, the allow-list has @2023-12-01/);
    const type = broken((f) => ({ ...f, bicep: `${f.bicep}\nresource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {\n  name: 'v'\n}\n` }));
    assert.match(type.join('\n'), /type Microsoft\.KeyVault\/vaults is not on the allow-list/);
  });

  it('lets a Contributor deploy: the role assignment is optional', () => {
    const always = broken((f) => ({ ...f, bicep: replaced(f.bicep, /(resource storageTableRole '[^']+' = )if \([^)]*\) /, '$1') }));
    assert.match(always.join('\n'), /role assignment must be optional/);
  });

  it('keeps the parameters file, the syntax and the Node major consistent', () => {
    const params = JSON.parse(real.parameters) as { parameters: Record<string, unknown> };
    const extra = JSON.stringify({ ...params, parameters: { ...params.parameters, unknownThing: { value: 1 } } });
    assert.match(broken((f) => ({ ...f, parameters: extra })).join(), /sets unknownThing, which infra\/azure\.bicep does not declare/);
    assert.match(broken((f) => ({ ...f, bicep: replaced(f.bicep, "'NODE|22-lts'", "'NODE|20-lts'") })).join(), /runs Node 20, which \.ci\/run does not test/);
    assert.match(broken((f) => ({ ...f, bicep: `${f.bicep}\nvar oops = [\n` })).join(), /unclosed bracket/);
    assert.match(broken((f) => ({ ...f, bicep: replaced(f.bicep, 'storage.properties.primaryEndpoints.table', 'storage.properties.?primaryEndpoints.table') })).join(), /safe-dereference/);
    assert.match(broken((f) => ({ ...f, bicep: `param unusedThing string = ''\n${f.bicep}` })).join(), /param unusedThing is never used/);
  });
});
