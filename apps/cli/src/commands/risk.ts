import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { messageFor, parseId } from '@zhirong/kernel';
import { type Platform, ProblemError } from '@zhirong/platform';
import {
  createEngineParts,
  DecisionEngine,
  decisionJson,
  type EventInput,
  evaluateOnHistory,
  eventFromInput,
  featureRows,
  modelFeatureNames,
  paysimEvents,
  type RiskService,
  RULESET_PREFIX,
  rulesetJson,
  simulatorEvents,
  trainRiskModel,
} from '@zhirong/risk';
import { FRAUD_TYPES } from '@zhirong/simulator';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';

/**
 * `zhirong risk …`: decisions, rulesets, backtests, training and the quality evaluation. Commands
 * that touch the engine's state open the configured database like the server does; `train` and
 * `evaluate` run on simulated (or PaySim) data in memory.
 */
const zh = () => (process.env.LANG ?? '').toLowerCase().startsWith('zh');

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProblemError) {
      const message = messageFor(error.definition, zh() ? 'zh-CN' : 'en', error.options.params ?? {});
      const errors = (error.options.extensions?.errors ?? []) as {
        ruleId?: string;
        line?: number;
        column?: number;
        en: string;
        zh: string;
      }[];
      const lines = errors.map(
        (e) => `  ${e.ruleId ?? ''}${e.line ? `:${e.line}:${e.column}` : ''} ${zh() ? e.zh : e.en}`,
      );
      fail([`${error.code}: ${message}`, ...lines].join('\n'), 1);
    }
    throw error;
  }
}

function readJsonArg(text: string, what: string): unknown {
  const source = text.startsWith('@') ? readFile(text.slice(1), what) : text;
  try {
    return JSON.parse(source);
  } catch {
    return fail(`${what} is not valid JSON`);
  }
}

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fail(`${what}: cannot read ${path}`);
  }
}

function intOption(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** Opens the platform with the risk engine's state loaded (rulesets, lists, models, features). */
async function withRisk<T>(work: (risk: RiskService, platform: Platform) => Promise<T>): Promise<T> {
  return withPlatform(configFromEnv(), async (platform) => {
    const risk = platform.service<RiskService>('risk');
    await risk.reload();
    await risk.rebuild();
    const result = await guarded(() => work(risk, platform));
    // Publish to the started modules' consumers (a drain with none subscribed would drop the events).
    platform.start();
    await platform.relay.stop();
    await platform.relay.drain();
    return result;
  });
}

/**
 * The simulation behind `train` and `evaluate`. Fraud is injected at `--fraud-rate` scenarios per
 * 1,000 customers per 30 days for each pattern — far above the simulator's default base rate, so a
 * laptop-sized run has enough fraud to learn from and to measure recall on. Value recall and the
 * false-positive rate do not depend on the base rate; precision does, and is reported as measured.
 */
function simulationOptions(opts: { customers: string; days: string; seed: string; fraudRate: string }) {
  const rate = Number(opts.fraudRate);
  if (!(rate >= 0 && rate <= 1000)) fail('--fraud-rate must be a number from 0 to 1000');
  return {
    customers: intOption('customers', opts.customers, 10, 2_000_000),
    days: intOption('days', opts.days, 7, 3660),
    seed: intOption('seed', opts.seed, 0, 2 ** 31),
    fraudRates: Object.fromEntries(FRAUD_TYPES.map((t) => [t, rate])),
  };
}

export function registerRiskCommands(program: Command): void {
  const risk = program
    .command('risk')
    .description('Real-time risk decisions: decide, rules, backtest, train, evaluate');

  risk
    .command('decide')
    .description(
      'Decide on one event, e.g. --event \'{"id":"e1","type":"payment","customerId":"c1","amount":"100.00","currency":"CNY"}\'',
    )
    .requiredOption('--event <json|@file>', 'the event as JSON (the body of POST /v1/risk/decisions), or @file')
    .option('--json', 'print the whole decision as JSON')
    .action(async (opts) => {
      const input = readJsonArg(opts.event, '--event') as EventInput;
      await withRisk(async (service, platform) => {
        const event = eventFromInput(input, () => platform.context.clock.now());
        const view = decisionJson(await service.decide(event));
        if (opts.json) return printJson(view);
        console.log(`${view.id} ${view.decision} score ${view.score} (${view.latencyUs} µs)`);
        for (const r of view.reasons) console.log(`  ${r.points > 0 ? '+' : ''}${r.points} ${zh() ? r.zh : r.en}`);
      });
    });

  const rules = risk.command('rules').description('Rulesets: list, check, create, promote, roll back');
  rules
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withRisk(async (service) => {
        const items = (await service.listRulesets()).map(rulesetJson);
        if (opts.json) return printJson({ items });
        for (const r of items) console.log(`${r.id} ${r.name}@${r.version} ${r.status} ${r.rules.length} rules`);
      });
    });
  rules
    .command('check')
    .description('Check a ruleset file ({ name, eventTypes, rules, thresholds? }) and print every error')
    .requiredOption('--file <path>', 'the ruleset JSON')
    .action(async (opts) => {
      const body = readJsonArg(`@${opts.file}`, '--file') as { rules?: unknown };
      await withRisk(async (service) => {
        const lists = Object.fromEntries((await service.listLists()).map((l) => [l.name, 'string' as const]));
        const result = service.checkRules((body.rules ?? []) as never, lists);
        if (result.ok) return console.log('ok');
        for (const e of result.errors)
          console.error(`${e.ruleId ?? ''}${e.line ? `:${e.line}:${e.column}` : ''} ${e.code}: ${zh() ? e.zh : e.en}`);
        process.exitCode = 1;
      });
    });
  rules
    .command('create')
    .description('Save a ruleset file as a new draft version')
    .requiredOption('--file <path>', 'the ruleset JSON')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const body = readJsonArg(`@${opts.file}`, '--file') as never;
      await withRisk(async (service) => {
        const r = rulesetJson(await service.createRuleset(body, 'cli'));
        if (opts.json) return printJson(r);
        console.log(`${r.id} ${r.name}@${r.version} draft`);
      });
    });
  rules
    .command('promote <id>')
    .requiredOption('--to <status>', 'shadow or live')
    .action(async (id: string, opts) => {
      if (opts.to !== 'shadow' && opts.to !== 'live') fail('--to must be shadow or live');
      await withRisk(async (service) => {
        const r = await service.promote(rulesetUuid(id), opts.to, 'cli');
        console.log(`${r.name}@${r.version} ${r.status}`);
      });
    });
  rules.command('rollback <name>').action(async (name: string) => {
    await withRisk(async (service) => {
      const r = await service.rollback(name, 'cli');
      console.log(`${r.name}@${r.version} live again`);
    });
  });

  risk
    .command('backtest <rulesetId>')
    .description('Re-decide stored decisions with a ruleset version: hits, precision, recall, decision mix')
    .option('--from <date-time>', 'first event time')
    .option('--to <date-time>', 'end of the period (exclusive)')
    .option('--limit <n>', 'most decisions', '1000000')
    .option('--json', 'print JSON')
    .action(async (id: string, opts) => {
      await withRisk(async (service) => {
        const report = await service.backtest(rulesetUuid(id), {
          ...(opts.from ? { from: dateOption('from', opts.from) } : {}),
          ...(opts.to ? { to: dateOption('to', opts.to) } : {}),
          limit: intOption('limit', opts.limit, 1, 10_000_000),
        });
        if (opts.json) return printJson(report);
        console.log(`${report.ruleset}: ${report.events} events, ${report.labelled} labelled (${report.frauds} fraud)`);
        console.log(
          `  precision ${report.precision ?? '–'} recall ${report.recall ?? '–'}; ${report.changed} decisions change`,
        );
        console.log(
          `  before ${JSON.stringify(report.decisions.before)} after ${JSON.stringify(report.decisions.after)}`,
        );
        for (const r of report.rules) console.log(`  ${r.ruleId}: ${r.hits} hits, ${r.fraudHits} fraud`);
      });
    });

  risk
    .command('train')
    .description('Train the fraud GBDT on simulated history (and register it with --register)')
    .option('--customers <n>', 'simulated customers', '1000')
    .option('--days <n>', 'simulated days', '60')
    .option('--seed <n>', 'seed of the simulation and the model', '7')
    .option('--fraud-rate <x>', 'fraud scenarios per 1,000 customers per 30 days, per pattern', '20')
    .option('--out <file>', 'write the model artefact here')
    .option('--register <version>', 'register the model in the database under this version')
    .option('--promote <role>', 'after registering: champion or challenger')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const sim = simulationOptions(opts);
      if (opts.promote && !['champion', 'challenger'].includes(opts.promote))
        fail('--promote must be champion or challenger');
      if (opts.promote && !opts.register) fail('--promote needs --register');
      const parts = createEngineParts();
      const engine = new DecisionEngine(parts.store, parts.graph, parts.describe);
      const rows = await featureRows(simulatorEvents(sim), engine);
      const names = modelFeatureNames(parts.catalog.definitions);
      const version = opts.register ?? `sim-${sim.seed}`;
      const trained = trainRiskModel(rows, names, {
        version,
        seed: sim.seed,
        threads: Math.min(2, availableParallelism()),
      });
      if (opts.out) writeFileSync(opts.out, trained.artefact);
      const summary = {
        version,
        rows: rows.labels.length,
        frauds: rows.labels.reduce((s, y) => s + y, 0),
        features: names.length,
        trees: (trained.model.artefact.model as { trees: unknown[] }).trees.length,
        trainingAuc: trained.trainingAuc,
        contentHash: trained.model.artefact.contentHash,
        ...(opts.out ? { file: opts.out } : {}),
      };
      if (opts.register) {
        await withRisk(async (service) => {
          await service.registerModel({
            version,
            artefact: trained.artefact,
            description: `GBDT on ${sim.customers} simulated customers × ${sim.days} days (seed ${sim.seed})`,
            metrics: { trainingAuc: trained.trainingAuc, rows: summary.rows, frauds: summary.frauds },
            baselineScores: trained.baselineScores,
          });
          if (opts.promote) await service.promoteModel(version, opts.promote);
        });
      }
      if (opts.json) return printJson(summary);
      console.log(
        `model ${version}: ${summary.trees} trees over ${summary.features} features, ${summary.rows} payments (${summary.frauds} fraud), training AUC ${summary.trainingAuc.toFixed(4)}`,
      );
    });

  risk
    .command('evaluate')
    .description(
      'Train on a simulated period, score a later held-out one: precision, recall, AUC, FPR overall and per pattern',
    )
    .option('--customers <n>', 'simulated customers (memory grows with customers × days)', '1000')
    .option('--days <n>', 'simulated days', '60')
    .option('--seed <n>', 'seed', '7')
    .option('--fraud-rate <x>', 'fraud scenarios per 1,000 customers per 30 days, per pattern', '20')
    .option('--paysim <file>', 'also evaluate on a PaySim CSV (e.g. ../shared/data/paysim-sample/paysim_sample.csv)')
    .option('--fpr <x>', 'legitimate payments that may be flagged', '0.005')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const sim = simulationOptions(opts);
      const fpr = Number(opts.fpr);
      if (!(fpr > 0 && fpr < 1)) fail('--fpr must be between 0 and 1');
      const threads = Math.min(2, availableParallelism());
      const simulated = await evaluateOnHistory(simulatorEvents(sim), {
        seed: sim.seed,
        falsePositiveTarget: fpr,
        threads,
      });
      const paysim = opts.paysim
        ? await evaluateOnHistory(paysimEvents(opts.paysim).events, {
            seed: sim.seed,
            falsePositiveTarget: fpr,
            threads,
          })
        : undefined;
      const report = { simulation: { ...sim, ...simulated }, ...(paysim ? { paysim } : {}) };
      if (opts.json) return printJson(report);
      for (const [name, r] of Object.entries({ simulation: simulated, ...(paysim ? { paysim } : {}) })) {
        const e = r.engine;
        console.log(
          `${name}: ${r.rows.test} held-out payments (${r.rows.testFrauds} fraud), review at score ${r.thresholds.reviewAt}`,
        );
        console.log(
          `  fraud value caught ${pct(e.valueRecall)}, recall ${pct(e.recall)}, precision ${pct(e.precision)}, FPR ${pct(e.falsePositiveRate)}, AUC ${e.auc?.toFixed(4)}`,
        );
        for (const [p, s] of Object.entries(e.perPattern))
          console.log(`    ${p}: ${s.caught}/${s.frauds} caught, value ${pct(s.valueRecall)}`);
        console.log(`  target (≥ 90% of fraud value at ≤ ${pct(fpr)} FPR): ${r.target.met ? 'met' : 'NOT met'}`);
      }
    });
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(2)}%`);

function dateOption(name: string, text: string): Date {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) fail(`--${name} must be an ISO 8601 date-time`);
  return new Date(ms);
}

function rulesetUuid(text: string): string {
  const parsed = parseId(RULESET_PREFIX, text);
  if (!parsed.ok) fail(`id_malformed: ${text} is not a ruleset id (${RULESET_PREFIX}_…)`);
  return parsed.value;
}
