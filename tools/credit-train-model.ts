/**
 * Trains the probability-of-default models behind `@zhirong/credit` decisions on simulator loan
 * outcomes (fixed seeds, so the artefacts are reproducible): the WoE scorecard
 * (packages/credit/src/pd-model.json) and a GBDT on the same rows and columns
 * (packages/credit/src/pd-gbdt-model.json). Their content hashes are the model versions stored with
 * every decision; both are measured on the same hold-out (another simulator seed) and the figures
 * printed, so the champion/challenger roles in decision.ts can be set from them.
 * Run: `npx tsx tools/credit-train-model.ts` (about a minute).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEATURE_COLUMNS } from '@zhirong/credit';
import { auc, csvField, frameFromTable, ks, loadModel, parseCsv, serializeModel, trainModel } from '@zhirong/ml';
import { type Loan, runSimulation, type World } from '@zhirong/simulator';

const OUT = fileURLToPath(new URL('../packages/credit/src/pd-model.json', import.meta.url));
const OUT_GBDT = fileURLToPath(new URL('../packages/credit/src/pd-gbdt-model.json', import.meta.url));
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
const gbdtArtefact = trainModel(train, {
  label: 'default',
  kind: 'gbdt',
  seed: 1,
  gbdt: { rounds: 400, learningRate: 0.05, maxDepth: 3, maxLeaves: 8, minChildWeight: 20, lambda: 5 },
});
writeFileSync(OUT_GBDT, serializeModel(gbdtArtefact));
const test = frameFromTable(parseCsv(await loansOf(12, 10_000)));
const labels = test.columns[test.header.indexOf('default')]?.map(Number) ?? [];
const holdout = (a: typeof artefact) => {
  const scores = loadModel(serializeModel(a)).score(test);
  return { auc: auc(labels, scores.probability), ks: ks(labels, scores.probability) };
};
console.log(
  JSON.stringify({
    trainingRows: train.rows,
    holdoutRows: test.rows,
    scorecard: {
      out: OUT,
      version: artefact.contentHash,
      training: artefact.metrics.training,
      holdout: holdout(artefact),
    },
    gbdt: {
      out: OUT_GBDT,
      version: gbdtArtefact.contentHash,
      training: gbdtArtefact.metrics.training,
      holdout: holdout(gbdtArtefact),
    },
  }),
);
