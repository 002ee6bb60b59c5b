import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type {
  LedgerStreamSink as LedgerStreamSinkType,
  OutputFormat,
  Progress,
  SimulationSink,
} from '@zhirong/simulator';
import type { Command } from 'commander';
import { fail, printJson } from '../context.ts';

const numberOption = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) fail(`--${name} must be a number, not "${text}"`);
  return value;
};

/** A progress bar on stderr, redrawn at most ten times a second; only on a terminal. */
function progressBar(startMs: number): ((progress: Progress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let lastDraw = 0;
  return ({ day, days, events }) => {
    const now = performance.now();
    if (now - lastDraw < 100 && day < days) return;
    lastDraw = now;
    const width = 30;
    const filled = Math.round((day / days) * width);
    const seconds = (now - startMs) / 1000;
    const rate = seconds > 0 ? Math.round(events / seconds) : 0;
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] day ${day}/${days} · ${events.toLocaleString('en')} events · ${rate.toLocaleString('en')} events/s `,
    );
    if (day >= days) process.stderr.write('\n');
  };
}

export function registerSimulateCommands(program: Command): void {
  program
    .command('simulate')
    .description(
      'Generate a synthetic bank with labelled fraud, AML and loan outcomes: to files (CSV or JSONL) and/or into a running server',
    )
    .option('--customers <n>', 'customers to simulate (10–2,000,000)', '10000')
    .option('--days <n>', 'days to simulate (1–3,660)', '30')
    .option('--seed <n>', 'seed: the same seed and options give identical output', '1')
    .option('--start <date>', 'first simulated day (YYYY-MM-DD, Asia/Shanghai)')
    .option('--out <dir>', 'directory to write the tables into')
    .option('--format <format>', 'table format: csv or jsonl', 'csv')
    .option('--config <file>', 'JSON file with further settings (rates, thresholds, loans); see docs/simulator.md')
    .option('--to <url>', 'stream accounts and money movements into the server at this URL through its ledger API')
    .option('--api-key <key>', 'API key with the ledger:write scope, for --to')
    .option('--batch-size <n>', 'transfers per batch call with --to (1–8,000)', '4000')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      // Loaded here, so the other commands do not pay for the simulator's start-up.
      const { FileSink, LedgerStreamError, LedgerStreamSink, OUTPUT_FORMATS, runSimulation, SimulationConfigError } =
        await import('@zhirong/simulator');
      const json = Boolean(opts.json);
      const format = opts.format as OutputFormat;
      if (!OUTPUT_FORMATS.includes(format))
        fail(`--format must be ${OUTPUT_FORMATS.join(' or ')}, not "${opts.format}"`);
      if (!opts.out && !opts.to)
        fail('say where the bank goes: --out <dir> for files, --to <url> for a server, or both');
      const apiKey: string | undefined = opts.apiKey;
      if (opts.to && !apiKey) fail('--to needs --api-key with a key that has the ledger:write scope');
      const outDir = opts.out ? resolve(opts.out) : undefined;
      if (outDir && existsSync(outDir) && !statSync(outDir).isDirectory())
        fail(`--out ${opts.out} is a file, not a directory`);

      let fileConfig: Record<string, unknown> = {};
      if (opts.config) {
        try {
          fileConfig = JSON.parse(readFileSync(opts.config, 'utf8'));
        } catch (error) {
          fail(`cannot read --config ${opts.config}: ${(error as Error).message}`);
        }
        if (typeof fileConfig !== 'object' || fileConfig === null || Array.isArray(fileConfig))
          fail(`--config ${opts.config} must hold a JSON object`);
      }
      const input = {
        ...fileConfig,
        customers: numberOption('customers', opts.customers),
        days: numberOption('days', opts.days),
        seed: numberOption('seed', opts.seed),
        ...(opts.start ? { startDate: opts.start } : {}),
      };

      const sinks: SimulationSink[] = [];
      const files = outDir ? new FileSink({ dir: outDir, format }) : undefined;
      if (files) sinks.push(files);
      let stream: LedgerStreamSinkType | undefined;
      try {
        if (opts.to) {
          stream = new LedgerStreamSink({
            url: opts.to,
            apiKey: apiKey as string,
            batchSize: numberOption('batch-size', opts.batchSize) as number,
          });
          sinks.push(stream);
        }
      } catch (error) {
        fail((error as Error).message);
      }

      const startMs = performance.now();
      let summary: Awaited<ReturnType<typeof runSimulation>>;
      try {
        const onProgress = progressBar(startMs);
        summary = await runSimulation(input, { sinks, ...(onProgress ? { onProgress } : {}) });
      } catch (error) {
        if (error instanceof SimulationConfigError) fail(error.message);
        if (error instanceof LedgerStreamError) fail(`streaming to ${opts.to} failed: ${error.message}`, 1);
        const code = (error as NodeJS.ErrnoException).code;
        if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
          fail(`cannot write the tables to ${outDir}: ${(error as Error).message}`, 1);
        throw error;
      }
      const seconds = (performance.now() - startMs) / 1000;
      const eventsPerSecond = Math.round(summary.counts.events / seconds);
      const missed = summary.baseRates.filter((rate) => !rate.within);
      const result = {
        ...summary,
        seconds: Math.round(seconds * 1000) / 1000,
        eventsPerSecond,
        ...(outDir ? { out: outDir, format, files: files?.files } : {}),
        ...(stream ? { stream: { url: opts.to, ...stream.report } } : {}),
      };
      if (json) printJson(result);
      else {
        const c = summary.counts;
        console.log(
          `simulated ${c.customers} customers, ${c.merchants} merchants over ${summary.config.days} days (seed ${summary.seed})`,
        );
        console.log(
          `  ${c.events.toLocaleString('en')} events in ${result.seconds}s: ${eventsPerSecond.toLocaleString('en')} events/s`,
        );
        console.log(
          `  ${Object.entries(c.eventsByType)
            .map(([type, n]) => `${type} ${n}`)
            .join(', ')}; ${c.paymentsDeclined} payments declined`,
        );
        console.log(
          `  fraud: ${c.fraudScenarios} scenarios, ${c.fraudEvents} events; AML: ${c.amlScenarios} scenarios, ${c.amlEvents} events`,
        );
        console.log(`  loans: ${c.loans} applications, ${c.loansDefaulted} defaulted`);
        if (outDir) console.log(`  wrote ${files?.files.join(', ')}, manifest.json to ${outDir}`);
        if (stream) {
          const r = stream.report;
          console.log(
            `  streamed to ${opts.to}: ${r.accountsCreated} accounts created (${r.accountsExisting} existed), ${r.transfersCreated} transfers created (${r.transfersExisting} existed, ${r.transfersFailed} failed)`,
          );
        }
        for (const rate of missed)
          console.error(`warning: ${rate.name} is ${rate.actual}, expected ${rate.expected} ± ${rate.tolerance}`);
      }
      if (stream && stream.report.transfersFailed > 0) {
        if (!json)
          console.error(
            `error: ${stream.report.transfersFailed} transfers were refused, e.g. ${stream.report.failures.map((f) => `${f.eventId} ${f.code}`).join(', ')}`,
          );
        process.exitCode = 1;
      }
    });
}
