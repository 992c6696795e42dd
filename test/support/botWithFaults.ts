// The bot's entry point with directory faults from the environment, for tests that kill the
// process at a chosen moment: GP_TEST_HANG_AFTER_INVITE=1 makes every invitation take effect in
// the sandbox and then never answer, so the test can kill the bot right after the POST.
// GP_TEST_CLAIM_LEASE_MS, GP_TEST_BULK_LEASE_MS, GP_TEST_BACKGROUND_LEASE_MS and GP_TEST_SENDER_LEASE_MS shorten the leases a killed process leaves behind.
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createApp } from '../../src/app';
import { withFaults } from './faultyDirectory';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const leaseMs = Number(process.env.GP_TEST_CLAIM_LEASE_MS);
const bulkLeaseMs = Number(process.env.GP_TEST_BULK_LEASE_MS);
const backgroundLeaseMs = Number(process.env.GP_TEST_BACKGROUND_LEASE_MS);
const senderLeaseMs = Number(process.env.GP_TEST_SENDER_LEASE_MS);
const app = createApp(config, logger, {
  wrapDirectory: (directory) => withFaults(directory, { afterInvite: process.env.GP_TEST_HANG_AFTER_INVITE === '1' ? 'hang' : undefined }),
  claimLeaseMs: leaseMs > 0 ? leaseMs : undefined,
  bulkLeaseMs: bulkLeaseMs > 0 ? bulkLeaseMs : undefined,
  backgroundLeaseMs: backgroundLeaseMs > 0 ? backgroundLeaseMs : undefined,
  senderLeaseMs: senderLeaseMs > 0 ? senderLeaseMs : undefined,
});
void app.listen(config.port, config.host);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
