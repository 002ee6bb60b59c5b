import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { SeededRng } from '@zhirong/kernel';
import {
  calibrationTable,
  columnOf,
  confusion,
  csvField,
  evaluate,
  GBDT_DEFAULTS,
  kFold,
  LOGISTIC_DEFAULTS,
  labelsOf,
  liftTable,
  loadModel,
  MlError,
  MODEL_KINDS,
  type Model,
  type ModelKind,
  numberFromCell,
  psi,
  readCsvFrame,
  SCORECARD_DEFAULTS,
  serializeModel,
  stratifiedSplit,
  takeFrameRows,
  timeSplit,
  trainModel,
} from '@zhirong/ml';
import type { Command } from 'commander';
import { fail, printJson } from '../context.ts';

/**
 * `zhirong ml …`: train, evaluate, predict and explain on CSV files with no configuration — any
 * file with a header row and a 0/1 label column. Bad input (a missing file or column, a label
 * that is not 0/1, a tampered model) prints the error code and message and exits with 2.
 */
function cliLanguageIsZh(): boolean {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh');
}

async function guarded(work: () => Promise<void> | void): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof MlError) fail(`${error.code}: ${cliLanguageIsZh() ? error.messageZh : error.message}`);
    throw error;
  }
}

function readModel(path: string): Model {
  return loadModel(readText(path));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new MlError('option_invalid', { option: path, reason: 'the file cannot be read' });
  }
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function fraction(name: string, text: string): number {
  const n = Number(text);
  if (!(n > 0 && n < 1)) fail(`--${name} must be a number strictly between 0 and 1`);
  return n;
}

/** `--param key=value` pairs, checked against the chosen model's parameters. */
function modelParams(kind: ModelKind, pairs: readonly string[]): Record<string, number | boolean> {
  const defaults: Record<string, number | boolean> =
    kind === 'gbdt' ? { ...GBDT_DEFAULTS } : kind === 'logistic' ? { ...LOGISTIC_DEFAULTS } : { ...SCORECARD_DEFAULTS };
  const out: Record<string, number | boolean> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    const text = at < 0 ? '' : pair.slice(at + 1);
    if (!Object.hasOwn(defaults, key))
      fail(`--param ${key}: ${kind} has no such parameter; it has ${Object.keys(defaults).join(', ')}`);
    if (typeof defaults[key] === 'boolean') {
      if (text !== 'true' && text !== 'false') fail(`--param ${key} must be true or false`);
      out[key] = text === 'true';
    } else {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) fail(`--param ${key} must be a number`);
      out[key] = value;
    }
  }
  return out;
}

const round = (n: number, digits = 6) => Math.round(n * 10 ** digits) / 10 ** digits;

export function registerMlCommands(program: Command): void {
  const ml = program
    .command('ml')
    .description(
      'Machine learning on CSV files: train, eval, predict, explain (GBDT, logistic regression, scorecards)',
    );

  ml.command('train')
    .description('Train a model on a CSV with a header row and a 0/1 label column; writes a checked JSON artefact')
    .requiredOption('--data <file>', 'training CSV')
    .requiredOption('--label <column>', 'the 0/1 label column')
    .option('--model <kind>', `one of ${MODEL_KINDS.join(', ')}`, 'gbdt')
    .requiredOption('--out <file>', 'where to write the model artefact (JSON)')
    .option('--seed <n>', 'seed: the same data and seed give the same model', '42')
    .option('--exclude <columns>', 'comma-separated columns never used as features')
    .option('--param <key=value...>', 'override a model parameter (see docs/ml.md)')
    .option('--threads <n>', 'threads for GBDT histograms, 1 or 2 (the model is the same either way)')
    .option('--json', 'print one JSON document')
    .action((opts) =>
      guarded(() => {
        const kind = String(opts.model) as ModelKind;
        if (!MODEL_KINDS.includes(kind)) fail(`--model must be one of ${MODEL_KINDS.join(', ')}`);
        const seed = integer('seed', opts.seed, 0, 2 ** 31);
        const params = modelParams(kind, opts.param ?? []);
        const threads =
          opts.threads === undefined ? Math.min(2, availableParallelism()) : integer('threads', opts.threads, 1, 2);
        const started = performance.now();
        const frame = readCsvFrame(opts.data);
        const artefact = trainModel(frame, {
          label: opts.label,
          kind,
          seed,
          threads,
          exclude: opts.exclude
            ? String(opts.exclude)
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : [],
          ...(kind === 'gbdt' ? { gbdt: params } : kind === 'logistic' ? { logistic: params } : { scorecard: params }),
        });
        writeFileSync(opts.out, serializeModel(artefact));
        const seconds = (performance.now() - started) / 1000;
        const training = artefact.metrics.training;
        const model = artefact.model as {
          rounds?: number;
          iterations?: number;
          converged?: boolean;
          earlyStopped?: boolean;
        };
        const summary = {
          model: opts.out,
          kind,
          rows: artefact.training.rows,
          positives: artefact.training.positives,
          features: artefact.features.map((f) => ({ name: f.name, type: f.type })),
          dropped: artefact.dropped,
          ...(model.rounds !== undefined ? { rounds: model.rounds, earlyStopped: model.earlyStopped } : {}),
          ...(model.iterations !== undefined ? { iterations: model.iterations, converged: model.converged } : {}),
          training: { auc: round(training.auc), ks: round(training.ks), logloss: round(training.logloss) },
          ...(artefact.metrics.validationLoss !== undefined
            ? { validationLogloss: round(artefact.metrics.validationLoss) }
            : {}),
          fingerprint: artefact.training.fingerprint,
          contentHash: artefact.contentHash,
          seconds: round(seconds, 3),
        };
        if (opts.json) return printJson(summary);
        console.log(
          `trained ${kind} on ${summary.rows} rows (${summary.positives} positive) in ${summary.seconds}s → ${opts.out}`,
        );
        console.log(
          `  features: ${summary.features.length}; dropped: ${artefact.dropped.map((d) => `${d.name} (${d.reason})`).join(', ')}`,
        );
        if (model.rounds !== undefined)
          console.log(`  rounds: ${model.rounds}${model.earlyStopped ? ' (early stopping)' : ''}`);
        console.log(`  training AUC ${summary.training.auc}, KS ${summary.training.ks}`);
      }),
    );

  ml.command('eval')
    .description(
      'Evaluate a model on a labelled CSV: AUC, KS, Gini, PR-AUC, log loss, Brier, confusion, lift, calibration',
    )
    .requiredOption('--model <file>', 'model artefact')
    .requiredOption('--data <file>', 'labelled CSV')
    .option('--label <column>', 'the 0/1 label column (default: the one the model was trained on)')
    .option('--threshold <p>', 'probability threshold of the confusion matrix', '0.5')
    .option('--json', 'print one JSON document')
    .action((opts) =>
      guarded(() => {
        const model = readModel(opts.model);
        const frame = readCsvFrame(opts.data);
        const label = opts.label ?? model.artefact.label;
        const threshold = Number(opts.threshold);
        if (!(threshold >= 0 && threshold <= 1)) fail('--threshold must be a number from 0 to 1');
        const y = labelsOf(frame, label);
        if (!y.includes(0) || !y.includes(1)) throw new MlError('label_one_class', { column: label });
        const scores = model.score(frame);
        const e = evaluate(y, scores.probability);
        const deciles = y.length >= 10;
        const result = {
          rows: e.rows,
          positives: e.positives,
          auc: round(e.auc),
          ks: round(e.ks),
          gini: round(e.gini),
          prAuc: round(e.prAuc),
          logloss: round(e.logloss),
          brier: round(e.brier),
          confusion: confusion(y, scores.probability, threshold),
          ...(deciles
            ? { lift: liftTable(y, scores.probability), calibration: calibrationTable(y, scores.probability) }
            : {}),
          model: { kind: model.artefact.kind, contentHash: model.artefact.contentHash },
        };
        if (opts.json) return printJson(result);
        console.log(`${result.rows} rows, ${result.positives} positive`);
        console.log(`  AUC ${result.auc}  KS ${result.ks}  Gini ${result.gini}  PR-AUC ${result.prAuc}`);
        console.log(`  log loss ${result.logloss}  Brier ${result.brier}`);
      }),
    );

  ml.command('predict')
    .description('Score a CSV (extra columns are ignored): probability per row, and points for scorecards')
    .requiredOption('--model <file>', 'model artefact')
    .requiredOption('--data <file>', 'CSV to score')
    .option('--out <file>', 'write the predictions as CSV here (default: standard output)')
    .option('--id <column>', 'copy this column into the output')
    .option('--json', 'print one JSON document instead of CSV')
    .action((opts) =>
      guarded(() => {
        const model = readModel(opts.model);
        const frame = readCsvFrame(opts.data);
        const ids = opts.id === undefined ? undefined : columnOf(frame, opts.id);
        if (opts.id !== undefined && ids === undefined) throw new MlError('column_missing', { column: opts.id });
        const scores = model.score(frame);
        const rows = Array.from(scores.probability, (p, r) => ({
          row: r,
          ...(ids ? { id: ids[r] } : {}),
          probability: round(p, 8),
          ...(scores.score ? { score: round(scores.score[r] as number, 2) } : {}),
        }));
        if (opts.json) return printJson({ rows: rows.length, predictions: rows });
        const header = ['row', ...(ids ? [String(opts.id)] : []), 'probability', ...(scores.score ? ['score'] : [])];
        const lines = [header.map(csvField).join(',')];
        for (const r of rows) {
          lines.push(
            [
              r.row,
              ...(ids ? [csvField(String(r.id))] : []),
              r.probability,
              ...(r.score !== undefined ? [r.score] : []),
            ].join(','),
          );
        }
        const text = `${lines.join('\n')}\n`;
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text);
      }),
    );

  ml.command('explain')
    .description(
      'Explain one row: exact TreeSHAP for GBDT, per-feature log-odds and points for logistic and scorecards',
    )
    .requiredOption('--model <file>', 'model artefact')
    .requiredOption('--data <file>', 'CSV holding the row')
    .requiredOption('--row <n>', 'data row to explain, counted from 0 (the header is not a row)')
    .option('--top <n>', 'contributions to print (text output)', '10')
    .option('--json', 'print one JSON document')
    .action((opts) =>
      guarded(() => {
        const model = readModel(opts.model);
        const frame = readCsvFrame(opts.data);
        const row = Number(opts.row);
        if (!Number.isInteger(row)) fail('--row must be a whole number');
        const top = integer('top', opts.top, 1, 10_000);
        const e = model.explain(frame, row);
        if (opts.json) return printJson(e);
        console.log(
          `row ${e.row}: probability ${round(e.probability, 4)}${e.score !== undefined ? `, score ${round(e.score, 1)}` : ''} (log-odds ${round(e.margin, 4)} = expected ${round(e.expected, 4)} + contributions)`,
        );
        for (const c of e.contributions.slice(0, top)) {
          const points =
            c.points !== undefined ? `  points ${round(c.points, 1)} (−${round(c.pointsLost ?? 0, 1)})` : '';
          console.log(
            `  ${c.contribution >= 0 ? '+' : ''}${round(c.contribution, 4)}  ${c.feature} = ${c.value}${points}`,
          );
        }
        console.log(`  reasons: ${e.reasons.join(', ') || '(none)'}`);
      }),
    );

  ml.command('split')
    .description('Split a labelled CSV into train.csv and test.csv (stratified or by time), or k folds')
    .requiredOption('--data <file>', 'CSV to split')
    .requiredOption('--label <column>', 'the 0/1 label column')
    .requiredOption('--out-dir <dir>', 'directory for the files')
    .option('--test <fraction>', 'share of rows in the test set', '0.2')
    .option('--time <column>', 'split by this time column (latest rows are the test set) instead of at random')
    .option('--folds <k>', 'write k stratified folds (fold-N-train.csv, fold-N-test.csv) instead')
    .option('--seed <n>', 'seed of the random split', '42')
    .option('--json', 'print one JSON document')
    .action((opts) =>
      guarded(() => {
        const frame = readCsvFrame(opts.data);
        const y = labelsOf(frame, opts.label);
        const rng = new SeededRng(integer('seed', opts.seed, 0, 2 ** 31));
        mkdirSync(opts.outDir, { recursive: true });
        const write = (name: string, indices: Uint32Array) => {
          const table = takeFrameRows(frame, indices);
          const text = [table.header, ...table.rows].map((r) => r.map(csvField).join(',')).join('\n');
          writeFileSync(join(opts.outDir, name), `${text}\n`);
          return { file: join(opts.outDir, name), rows: indices.length };
        };
        let files: { file: string; rows: number }[];
        if (opts.folds !== undefined) {
          const k = integer('folds', opts.folds, 2, 100);
          files = kFold(y, k, rng).flatMap((s, i) => [
            write(`fold-${i + 1}-train.csv`, s.train),
            write(`fold-${i + 1}-test.csv`, s.test),
          ]);
        } else {
          const test = fraction('test', opts.test);
          let split: { train: Uint32Array; test: Uint32Array };
          if (opts.time !== undefined) {
            const cells = columnOf(frame, opts.time);
            if (cells === undefined) throw new MlError('column_missing', { column: opts.time });
            split = timeSplit(
              cells.map((c) => {
                const v = numberFromCell(c);
                return v !== undefined && !Number.isNaN(v) ? v : c;
              }),
              test,
            );
          } else split = stratifiedSplit(y, test, rng);
          files = [write('train.csv', split.train), write('test.csv', split.test)];
        }
        if (opts.json) return printJson({ files });
        for (const f of files) console.log(`${f.file}: ${f.rows} rows`);
      }),
    );

  ml.command('psi')
    .description('Population stability of a model score (or one column) between a baseline CSV and a recent CSV')
    .requiredOption('--baseline <file>', 'baseline CSV (e.g. the training data)')
    .requiredOption('--current <file>', 'recent CSV')
    .option('--model <file>', "compare this model's probabilities")
    .option('--column <name>', 'compare one numeric column instead (CSI)')
    .option('--json', 'print one JSON document')
    .action((opts) =>
      guarded(() => {
        if ((opts.model === undefined) === (opts.column === undefined))
          fail('give exactly one of --model and --column');
        const baseline = readCsvFrame(opts.baseline);
        const current = readCsvFrame(opts.current);
        let values: [Float64Array, Float64Array];
        if (opts.model !== undefined) {
          const model = readModel(opts.model);
          values = [model.score(baseline).probability, model.score(current).probability];
        } else {
          const read = (frame: typeof baseline) => {
            const cells = columnOf(frame, opts.column);
            if (cells === undefined) throw new MlError('column_missing', { column: opts.column });
            return Float64Array.from(cells, (c) => numberFromCell(c) ?? Number.NaN);
          };
          values = [read(baseline), read(current)];
        }
        const result = psi(values[0], values[1]);
        if (opts.json) return printJson(result);
        console.log(
          `PSI ${round(result.value, 4)} (${result.value < 0.1 ? 'stable' : result.value < 0.25 ? 'watch' : 'shifted'})`,
        );
      }),
    );
}
