// The test command: makes sure the sandbox tenant's certificate exists, then runs Node's test
// runner with NODE_EXTRA_CA_CERTS pointing at it (Node reads that variable only at start-up).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TLS_DIR, ensureSandboxCertificate } from '../src/sandbox';

const root = path.resolve(__dirname, '..');
const { certPath } = ensureSandboxCertificate(path.join(root, DEFAULT_TLS_DIR));
const suites = process.argv.length > 2 ? process.argv.slice(2) : ['test/unit', 'test/integration', 'test/browser'];
const files = suites.filter((s) => existsSync(path.join(root, s))).flatMap((s) =>
  s.endsWith('.ts')
    ? [s]
    : readdirSync(path.join(root, s))
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => path.join(s, f)),
);

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
});
process.exit(result.status ?? 1);
