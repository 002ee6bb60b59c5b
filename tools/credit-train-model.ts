/**
 * Trains the probability-of-default scorecard behind `@zhirong/credit` decisions on simulator loan
 * outcomes (fixed seeds, so the artefact is reproducible) and writes it to
 * packages/credit/src/pd-model.json. Its content hash is the model version stored with every
 * decision. Run: `npx tsx tools/credit-train-model.ts` (about 20 s).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEATURE_COLUMNS } from '@zhirong/credit';
import { auc, csvField, frameFromTable, ks, loadModel, parseCsv, serializeModel, trainModel } from '@zhirong/ml';
import { type Loan, runSimulation, type World } from '@zhirong/simulator';

const OUT = fileURLToPath(new URL('../packages/credit/src/pd-model.json', import.meta.url));
const OCCUPATION_KEYS = [
  'office_worker',
  'factory_worker',
  'teacher',
  'civil_servant',
  'doctor',
  'engineer',
  'self_employed',
  'sales',
  'driver',
  'farmer',
  'freelancer',
  'student',
  'retiree',
];

async function loansOf(seed: number, customers: number): Promise<string> {
  let loans: readonly Loan[] = [];
  let world: World | undefined;
  await runSimulation(
    { customers, days: 30, seed, loans: { applicationsPerCustomerYear: 12, defaultRate: 0.08 } },
    {
      sinks: [
        {
          begin(run) {
            loans = run.loans;
            world = run.world;
          },
          day() {},
        },
      ],
    },
  );
  const lines = [[...FEATURE_COLUMNS, 'default'].join(',')];
  for (const loan of loans) {
    const customer = world?.customers[loan.customer];
    if (!customer) continue;
    const f = loan.features;
    const income = customer.monthlyIncomeCny;
    lines.push(
      [
        f.bureauScore,
        f.inquiries6m,
        f.debtToIncome.toFixed(2),
        f.existingLoans,
        f.monthsEmployed,
        f.hasMortgage ? 1 : 0,
        (Number(loan.amountMinor) / 100 / income).toFixed(2),
        loan.termMonths,
        customer.age,
        OCCUPATION_KEYS[customer.occupation] ?? 'other',
        loan.defaulted ? 1 : 0,
      ]
        .map((v) => csvField(String(v)))
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const train = frameFromTable(parseCsv(await loansOf(11, 40_000)));
const artefact = trainModel(train, { label: 'default', kind: 'scorecard', seed: 1 });
writeFileSync(OUT, serializeModel(artefact));
const test = frameFromTable(parseCsv(await loansOf(12, 10_000)));
const model = loadModel(serializeModel(artefact));
const labels = test.columns[test.header.indexOf('default')]?.map(Number) ?? [];
const scores = model.score(test);
console.log(
  JSON.stringify({
    out: OUT,
    version: artefact.contentHash,
    trainingRows: train.rows,
    training: artefact.metrics.training,
    holdout: { auc: auc(labels, scores.probability), ks: ks(labels, scores.probability) },
  }),
);
