import { createLogger, type Logger } from './logger.ts';

/** One parsed pino record: `level` is pino's number (10 trace … 60 fatal), `msg` the message. */
export interface LogRecord {
  readonly level: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/** A logger built as in production (same redaction), whose output is kept in memory for assertions. */
export function captureLogger(level = 'trace'): { logger: Logger; lines: string[]; records: LogRecord[] } {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const logger = createLogger(
    { level },
    {
      write(line: string) {
        lines.push(line);
        records.push(JSON.parse(line) as LogRecord);
      },
    },
  );
  return { logger, lines, records };
}
