import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths pino censors wherever they appear in a log record. Secrets never reach a log. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  'secret',
  'token',
  'apiKey',
  'databaseUrl',
  'webhooksSecretKey',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.databaseUrl',
  '*.webhooksSecretKey',
  '*.authorization',
];

export function createLogger(options: { level: string; name?: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'zhirong',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
