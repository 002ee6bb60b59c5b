import { readFileSync } from 'node:fs';
import { parseCsv } from './csv.ts';
import { type Frame, frameFromTable } from './data.ts';
import { MlError } from './errors.ts';

/** Largest CSV file read in one go (the parser holds the text in memory). */
export const CSV_BYTES_MAX = 1024 * 1024 * 1024;

/** Reads a CSV file into a frame; an unreadable file is an `option_invalid` error naming it. */
export function readCsvFrame(path: string): Frame {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : 'the file cannot be read';
    throw new MlError('option_invalid', { option: path, reason });
  }
  if (text.length > CSV_BYTES_MAX)
    throw new MlError('option_invalid', { option: path, reason: 'the file is larger than 1 GiB' });
  return frameFromTable(parseCsv(text, { file: path }));
}
