// Entry point: configuration, logger, the app, the port, and a clean stop. Nothing else.
import './memory'; // first: V8's heap settings apply to what is loaded after
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { createApp } from './app';

function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const app = createApp(config, logger);
  void app.listen(config.port, config.host);

  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping: finishing in-flight turns');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void app.close().then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main();
