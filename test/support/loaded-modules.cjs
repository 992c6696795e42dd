// Preloaded into a bot process by test/integration/telemetry.test.ts (node --require): when the process
// exits, writes the files it loaded, in load order (require.cache keeps insertion order), to
// $LOADED_MODULES_OUT.
/* global require, process */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload, before tsx is registered
const fs = require('node:fs');
const out = process.env.LOADED_MODULES_OUT;
if (out) {
  process.on('exit', () => {
    fs.writeFileSync(out, JSON.stringify(Object.keys(require.cache)));
  });
}
