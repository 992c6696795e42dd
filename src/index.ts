// Entry point: configuration, telemetry (only when configured, and before anything it instruments is loaded),
// logger, the app, the port, and a clean stop. Nothing else.
//
// The app is loaded with a dynamic import so that src/telemetry.ts can hook http and the Azure SDK first.
// Without APPLICATIONINSIGHTS_CONNECTION_STRING, src/telemetry.ts and OpenTelemetry are never loaded.
import './memory'; // first: V8's heap settings apply to what is loaded after
import { ConfigError, loadConfig, type AppConfig } from './config';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const telemetry = config.telemetry ? (await import('./telemetry.js')).startTelemetry(config.telemetry) : undefined;
  const { createLogger } = await import('./logger.js');
  const { createApp } = await import('./app.js');

  const logger = createLogger(config.logLevel, undefined, telemetry?.logFields);
  if (telemetry) logger.info('telemetry: Application Insights through OpenTelemetry');
  const app = createApp(config, logger);
  void app.listen(config.port, config.host);

  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping: finishing in-flight turns');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void app
      .close()
      .then(() => telemetry?.shutdown())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
