import { readFileSync } from 'node:fs';
import {
  AmlError,
  alertJson,
  buildScreeningIndex,
  DEFAULT_SCENARIO_PARAMS,
  DEFAULT_THRESHOLD,
  defaultScenarios,
  detectBatch,
  evaluateMonitoring,
  type ListRecord,
  parseColumnMap,
  readCsvNames,
  readFtmNames,
  readTransactionsCsv,
  SCENARIO_KEYS,
  scenarioParamsJson,
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

function readText(
  file: string,
  code: 'list_file_unreadable' | 'transactions_file_unreadable' = 'list_file_unreadable',
): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message);
    throw new AmlError(code, { file, reason });
  }
}

const SEEDS_MAX = 20;

/** A list file: FollowTheMoney JSON lines when it ends in .json/.jsonl/.ndjson or `--format ftm`, else CSV. */
export function readListFile(file: string, format: string | undefined): ListRecord[] {
  const text = readText(file);
  const ftm = format === 'ftm' || (format === undefined && /\.(json|jsonl|ndjson)$/i.test(file));
  const records = ftm ? readFtmNames(text, file) : readCsvNames(text, file);
  if (records.length === 0) throw new AmlError('list_empty', { file });
  return records;
}

export function registerAmlCommands(program: Command): void {
  const aml = program
    .command('aml')
    .description('Anti-money-laundering: sanctions and PEP name screening, transaction monitoring');
  aml
    .command('detect')
    .description(
      'Run every monitoring scenario over a transactions CSV; print the alerts with the transaction ids they cover',
    )
    .requiredOption('--transactions <file>', 'CSV with one transaction per row')
    .requiredOption('--map <map>', 'columns: id=COL,from=COL,to=COL,amount=COL,time=COL[,currency=COL][,cash=COL]')
    .option('--currency <code>', 'currency of the amounts when no currency column is mapped', 'CNY')
    .option('--evidence', 'add the edges (from, to, amount, time) and findings of each alert')
    .option('--json', 'print one JSON document')
    .action((opts) => {
      guarded(() => {
        const map = parseColumnMap(String(opts.map));
        const transactions = readTransactionsCsv(
          readText(opts.transactions, 'transactions_file_unreadable'),
          opts.transactions,
          map,
          { currency: opts.currency },
        );
        const alerts = detectBatch(transactions, { scenarios: defaultScenarios() }).map(alertJson);
        const out = alerts.map((a) => ({
          id: a.id,
          scenario: a.scenario,
          score: a.score,
          focus: a.focus,
          parties: a.parties,
          transactionIds: a.transactionIds,
          firstAt: a.firstAt,
          lastAt: a.lastAt,
          scenarios: [...new Set(a.findings.map((f) => `${f.scenario}@${f.version}`))],
          ...(opts.evidence ? { edges: a.edges, findings: a.findings } : {}),
        }));
        if (opts.json) printJson({ transactions: transactions.length, alerts: out });
        else {
          console.log(`${transactions.length} transactions, ${out.length} alerts`);
          for (const a of out)
            console.log(`${a.id}\t${a.scenario}\t${a.score}\t${a.focus}\t${a.transactionIds.join(' ')}`);
        }
      });
    });
  aml
    .command('evaluate')
    .description('Simulate a bank (seeded), detect, and print precision, recall and F1 per typology and overall')
    .option('--customers <n>', 'simulated customers', '10000')
    .option('--days <n>', 'simulated days', '60')
    .option('--seeds <list>', 'comma-separated seeds; each is evaluated on its own', '11,12,13')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const customers = Number(opts.customers);
      const days = Number(opts.days);
      const seeds = String(opts.seeds).split(',').map(Number);
      if (!Number.isInteger(customers) || customers < 100 || customers > 200_000)
        fail('--customers must be 100 to 200000');
      if (!Number.isInteger(days) || days < 7 || days > 366) fail('--days must be 7 to 366');
      if (seeds.length > SEEDS_MAX || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
        fail(`--seeds must be at most ${SEEDS_MAX} non-negative integers`);
      }
      const runs = [];
      for (const seed of seeds) runs.push(await evaluateMonitoring({ customers, days, seed }));
      const params = Object.fromEntries(SCENARIO_KEYS.map((k) => [k, scenarioParamsJson(DEFAULT_SCENARIO_PARAMS[k])]));
      const result = { params, runs };
      if (opts.json) printJson(result);
      else {
        for (const run of runs) {
          console.log(`seed ${run.config.seed}: ${run.transactions} transactions, ${run.alerts} alerts`);
          const row = (name: string, m: (typeof run)['overall']) =>
            console.log(
              `  ${name.padEnd(22)} transactions P ${m.transactionLevel.precision} R ${m.transactionLevel.recall} F1 ${m.transactionLevel.f1}` +
                `   scenarios P ${m.scenarioLevel.precision} R ${m.scenarioLevel.recall} F1 ${m.scenarioLevel.f1} (${m.scenarios})`,
            );
          row('overall', run.overall);
          for (const [name, m] of Object.entries(run.typologies)) row(name, m);
        }
      }
    });
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
