// `npm run reliability`: runs the fault matrix (test/integration/fault-matrix.test.ts) and writes
// its outcomes into docs/reliability.md, between the `<!-- matrix:start -->` and
// `<!-- matrix:end -->` markers. Exits non-zero, like the test, when a cell ends the wrong way.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/test.ts', 'test/integration/fault-matrix.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, RELIABILITY_REPORT: path.join(root, 'docs/reliability.md') },
});
process.exit(result.status ?? 1);
