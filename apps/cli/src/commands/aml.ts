import { readFileSync } from 'node:fs';
import {
  AmlError,
  buildScreeningIndex,
  DEFAULT_THRESHOLD,
  type ListRecord,
  readCsvNames,
  readFtmNames,
  screenSubject,
  subjectOf,
} from '@zhirong/aml';
import type { Command } from 'commander';
import { fail, printJson } from '../context.ts';

/**
 * `zhirong aml screen`: screens every name of an input CSV against a sanctions/PEP list (CSV with
 * a `full_name` column, or OpenSanctions FollowTheMoney JSON lines) and prints, per input row, the
 * best list entry at or above the threshold. Bad input prints the error code and message and
 * exits with 2, without a stack trace.
 */
function cliLanguageIsZh(): boolean {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh');
}

function guarded(work: () => void): void {
  try {
    work();
  } catch (error) {
    if (error instanceof AmlError) fail(`${error.code}: ${cliLanguageIsZh() ? error.messageZh : error.message}`);
    throw error;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message);
    throw new AmlError('list_file_unreadable', { file, reason });
  }
}

/** A list file: FollowTheMoney JSON lines when it ends in .json/.jsonl/.ndjson or `--format ftm`, else CSV. */
export function readListFile(file: string, format: string | undefined): ListRecord[] {
  const text = readText(file);
  const ftm = format === 'ftm' || (format === undefined && /\.(json|jsonl|ndjson)$/i.test(file));
  const records = ftm ? readFtmNames(text, file) : readCsvNames(text, file);
  if (records.length === 0) throw new AmlError('list_empty', { file });
  return records;
}

export function registerAmlCommands(program: Command): void {
  const aml = program.command('aml').description('Anti-money-laundering: sanctions and PEP name screening');
  aml
    .command('screen')
    .description('Screen the names of an input CSV against a sanctions/PEP list; one result per input row')
    .requiredOption('--list <file>', 'list: CSV with full_name (date_of_birth, nationality, aliases) or FtM JSON lines')
    .requiredOption('--input <file>', 'CSV with a full_name column (optional date_of_birth, nationality)')
    .option('--threshold <t>', 'score from 0 to 1 at or above which a list entry is a match', String(DEFAULT_THRESHOLD))
    .option('--format <format>', 'list format: csv or ftm (default: from the file name)')
    .option('--explain', 'add the features of each best candidate (tokens matched and how, date of birth, nationality)')
    .option('--json', 'print one JSON array')
    .action((opts) => {
      guarded(() => {
        const threshold = Number(opts.threshold);
        if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1 || String(opts.threshold).trim() === '') {
          throw new AmlError('threshold_invalid');
        }
        if (opts.format !== undefined && opts.format !== 'csv' && opts.format !== 'ftm') {
          fail('--format must be csv or ftm');
        }
        const list = readListFile(opts.list, opts.format);
        const inputs = readCsvNames(readText(opts.input), opts.input);
        const index = buildScreeningIndex(list);
        const results = inputs.map((record, i) => {
          const hit = screenSubject(index, subjectOf(record), threshold);
          return {
            input: i,
            match: hit.entry,
            score: hit.score,
            ...(opts.explain ? { explanation: hit.explanation } : {}),
          };
        });
        if (opts.json) printJson(results);
        else {
          for (const r of results) {
            const input = inputs[r.input]?.fullName ?? '';
            const matched = r.match === null ? '—' : `${list[r.match]?.fullName ?? ''} (row ${r.match})`;
            console.log(`${r.input}\t${input}\t${matched}\t${r.score}`);
          }
        }
      });
    });
}
