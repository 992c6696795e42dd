// Structured JSON logs (pino). Redaction is the safety net; the code also never passes secrets,
// tokens or redeem links to the logger in the first place.
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'redeemUrl',
  '*.redeemUrl',
  'inviteRedeemUrl',
  '*.inviteRedeemUrl',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'token',
  '*.token',
  'clientSecret',
  '*.clientSecret',
  'password',
  '*.password',
  'connectionString',
  '*.connectionString',
];

/**
 * Fields added to every line, child loggers included (each turn's logger is a child): with telemetry on,
 * src/telemetry.ts passes the active span's trace_id and span_id, so a turn's lines join its request in
 * Application Insights. Without telemetry there is no mixin at all.
 */
export type LogFields = () => Record<string, string>;

export function createLogger(level: string, destination?: pino.DestinationStream, fields?: LogFields): Logger {
  return pino(
    {
      level,
      base: { service: 'guest-pass' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(fields ? { mixin: fields } : {}),
    },
    destination,
  );
}
