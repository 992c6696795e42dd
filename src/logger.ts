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
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'guest-pass' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
