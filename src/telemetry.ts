// Application Insights through OpenTelemetry (Azure Monitor's distro). Loaded only when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set, and then before anything else: src/index.ts imports this
// module dynamically, calls startTelemetry, and only afterwards loads the app (restify, botbuilder, the
// Azure SDK), because OpenTelemetry instruments http and the Azure SDK by hooking their first `require`.
//
// What it records: a request span per incoming HTTP request (POST /api/messages, /healthz, ...), dependency
// spans for outgoing calls (Microsoft Graph, the Bot Connector, Entra, Azure Storage Tables), and the standard
// metrics. Logs stay in pino on stdout (the distro has no pino instrumentation; it ships bunyan and winston
// only): each line carries trace_id and span_id of the span active when it was written, so in Log Analytics
// a turn's log lines (App Service console logs) join its request in `requests` / `dependencies` on
// operation_Id == trace_id.
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { shutdownAzureMonitor, useAzureMonitor } from '@azure/monitor-opentelemetry';
import type { TelemetryConfig } from './config';
import type { LogFields } from './logger';

export interface Telemetry {
  /** The pino mixin: trace_id and span_id of the active span, nothing outside a span. */
  logFields: LogFields;
  /** Flushes what is buffered (at most `timeoutMs`), then stops exporting. */
  shutdown(timeoutMs?: number): Promise<void>;
}

export function startTelemetry(config: TelemetryConfig): Telemetry {
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: config.connectionString },
    // Live Metrics keeps a second connection open per instance; the bot does not need it.
    enableLiveMetrics: false,
    instrumentationOptions: {
      http: { enabled: true },
      azureSdk: { enabled: true },
      // Databases and loggers the bot does not use.
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
  });
  return {
    logFields: (): Record<string, string> => {
      const context = trace.getActiveSpan()?.spanContext();
      if (!context || !isSpanContextValid(context)) return {};
      return { trace_id: context.traceId, span_id: context.spanId };
    },
    shutdown: async (timeoutMs = 5000) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        shutdownAzureMonitor().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
