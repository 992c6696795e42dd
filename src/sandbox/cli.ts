// Runs the sandbox tenant as a standalone process for local development and e2e runs:
//   node --import tsx src/sandbox/cli.ts --port 3979 --data .sandbox/directory.json [--latency 100] [--throttle] [--reset]
// Prints the URL and the environment the bot needs to use it, and stops cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { DEFAULT_TLS_DIR, sandboxRunContract, startSandboxTenant } from '.';

const USAGE = `usage: node --import tsx src/sandbox/cli.ts [--port 3979] [--data .sandbox/directory.json] [--tls ${DEFAULT_TLS_DIR}]
       [--latency MS] [--throttle] [--reset]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3979' },
      data: { type: 'string' },
      tls: { type: 'string', default: DEFAULT_TLS_DIR },
      latency: { type: 'string', default: '0' },
      throttle: { type: 'boolean', default: false },
      reset: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const latencyMs = Number(values.latency);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(latencyMs) || latencyMs < 0) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const sandbox = await startSandboxTenant({ port, dataFile: values.data, tlsDir: values.tls, latencyMs, enforceThrottling: values.throttle });
  if (values.reset) sandbox.reset();

  console.log(`Sandbox tenant listening on ${sandbox.url}  (directory view: ${sandbox.url}/ )`);
  console.log(values.data ? `Directory persisted in ${values.data}${values.reset ? ' (reset to seed)' : ''}` : 'Directory in memory only (use --data to persist)');
  console.log('\nPoint the bot at it with:\n');
  for (const [k, v] of Object.entries(sandboxRunContract(sandbox))) console.log(`${k}=${v}`);
  console.log(`\nControl plane: ${sandbox.url}/_sandbox/{state,reset,settings,faults,redeem,requests}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping sandbox tenant`);
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
