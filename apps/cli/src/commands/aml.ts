import { readFileSync, writeFileSync } from 'node:fs';
import {
  AmlError,
  type AmlScreeningService,
  alertJson,
  amlWorkbenchOf,
  buildScreeningIndex,
  DEFAULT_SCENARIO_PARAMS,
  DEFAULT_THRESHOLD,
  defaultScenarios,
  detectBatch,
  evaluateMonitoring,
  type ListRecord,
  parseColumnMap,
  REPORT_PREFIX,
  type ReportError,
  type ReportRecord,
  readCsvNames,
  readFtmNames,
  readTransactionsCsv,
  reportJson,
  SCENARIO_KEYS,
  scenarioParamsJson,
  screenSubject,
  subjectOf,
  validateReportCsv,
  validateReportXml,
} from '@zhirong/aml';
import { formatId, parseId } from '@zhirong/kernel';
import type { Platform } from '@zhirong/platform';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';

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
  registerReportCommands(aml);
}

async function guardedAsync(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof AmlError) fail(`${error.code}: ${cliLanguageIsZh() ? error.messageZh : error.message}`);
    throw error;
  }
}

function withAml(work: (aml: ReturnType<typeof amlWorkbenchOf>, platform: Platform) => Promise<void>): Promise<void> {
  return withPlatform(configFromEnv(), (platform) =>
    guardedAsync(() => work(amlWorkbenchOf(platform.service<AmlScreeningService>('aml'), platform.context), platform)),
  );
}

function reportIdOf(text: string): string {
  const parsed = parseId(REPORT_PREFIX, text);
  if (!parsed.ok) fail(`not a report id: ${text}`);
  return parsed.value;
}

function printReport(r: ReportRecord, json: boolean): void {
  if (json) printJson(reportJson(r));
  else {
    const what = r.businessDay ?? r.caseId ?? '';
    console.log(
      `${formatId(REPORT_PREFIX, r.id)}\t${r.kind}\t${what}\t${r.entryCount} entries\t${r.status}\tdue ${r.dueAt.toISOString()}`,
    );
  }
}

function printErrors(errors: readonly ReportError[], label: string): void {
  if (errors.length === 0) console.log(`${label}: valid`);
  for (const e of errors) console.log(`${label}\t${e.path}\t${e.code}\t${e.message}`);
}

/**
 * `zhirong aml report generate|suspicious|list|file|validate|submit`: PBoC large-value and
 * suspicious-transaction reports on the configured database; `validate --file` checks a report
 * file offline and lists every error (exit 1 when there is any).
 */
function registerReportCommands(aml: Command): void {
  const report = aml.command('report').description('PBoC large-value and suspicious transaction reports');
  report
    .command('generate')
    .description('Generate the large-value report of a business day (YYYY-MM-DD, reporting time zone)')
    .requiredOption('--date <day>', 'business day')
    .option('--json', 'print JSON')
    .action((opts) =>
      withAml(async (w) => {
        const { report: r } = await w.reports.generateLargeValue(opts.date, 'cli');
        printReport(r, Boolean(opts.json));
      }),
    );
  report
    .command('suspicious')
    .description('Generate the suspicious-transaction report of a case decided suspicious')
    .requiredOption('--case <id>', 'case id (amc_…)')
    .option('--json', 'print JSON')
    .action((opts) =>
      withAml(async (w) => {
        const parsed = parseId('amc', opts.case);
        if (!parsed.ok) fail(`not a case id: ${opts.case}`);
        const { report: r } = await w.reports.generateSuspicious(parsed.value, 'cli');
        printReport(r, Boolean(opts.json));
      }),
    );
  report
    .command('list')
    .description('Reports, nearest deadline first')
    .option('--kind <kind>', 'large_value or suspicious')
    .option('--overdue', 'only reports past their deadline and not submitted')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action((opts) =>
      withAml(async (w) => {
        if (opts.kind !== undefined && opts.kind !== 'large_value' && opts.kind !== 'suspicious') {
          fail('--kind must be large_value or suspicious');
        }
        const items = await w.reports.list({
          ...(opts.kind ? { kind: opts.kind } : {}),
          ...(opts.overdue ? { overdue: true } : {}),
          limit: Number(opts.limit),
        });
        if (opts.json) printJson(items.map(reportJson));
        else for (const r of items) printReport(r, false);
      }),
    );
  report
    .command('file')
    .description('Write a report file (XML or CSV) to --out or stdout')
    .requiredOption('--id <id>', 'report id (amr_…)')
    .requiredOption('--format <format>', 'xml or csv')
    .option('--out <file>', 'output file')
    .action((opts) =>
      withAml(async (w) => {
        if (opts.format !== 'xml' && opts.format !== 'csv') fail('--format must be xml or csv');
        const r = await w.reports.get(reportIdOf(opts.id));
        const text = opts.format === 'xml' ? r.xml : r.csv;
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text);
      }),
    );
  report
    .command('validate')
    .description('Validate a stored report (--id) or a report file (--file, .xml or .csv); lists every error')
    .option('--id <id>', 'report id (amr_…)')
    .option('--file <file>', 'report file')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      if ((opts.id === undefined) === (opts.file === undefined)) fail('give exactly one of --id and --file');
      let results: Record<string, readonly ReportError[]>;
      if (opts.file !== undefined) {
        const text = readText(opts.file);
        const isXml = /\.xml$/i.test(opts.file) || text.trimStart().startsWith('<');
        results = { [isXml ? 'xml' : 'csv']: (isXml ? validateReportXml(text) : validateReportCsv(text)).errors };
      } else {
        let checked: Record<string, readonly ReportError[]> = {};
        await withAml(async (w) => {
          checked = await w.reports.validate(reportIdOf(opts.id));
        });
        results = checked;
      }
      if (opts.json) printJson(results);
      else for (const [label, errors] of Object.entries(results)) printErrors(errors, label);
      if (Object.values(results).some((errors) => errors.length > 0)) process.exitCode = 1;
    });
  report
    .command('submit')
    .description('Record the submission of a validated report file')
    .requiredOption('--id <id>', 'report id (amr_…)')
    .requiredOption('--format <format>', 'xml or csv')
    .requiredOption('--reference <text>', "the regulator's receipt or batch reference")
    .option('--json', 'print JSON')
    .action((opts) =>
      withAml(async (w) => {
        if (opts.format !== 'xml' && opts.format !== 'csv') fail('--format must be xml or csv');
        const r = await w.reports.submit(
          reportIdOf(opts.id),
          { format: opts.format, reference: opts.reference },
          'cli',
        );
        printReport(r, Boolean(opts.json));
      }),
    );
}
