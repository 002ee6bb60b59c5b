// Evaluation of the monitor on the simulator's labelled AML typologies: precision, recall and F1 per typology and overall, at transaction and scenario level.
import { AML_TYPOLOGIES, runSimulation, type SimEvent, type SimulationRun } from '@zhirong/simulator';
import { type AccountProfile, type Alert, detectBatch, type MonitoredTransaction } from './monitor.ts';
import { defaultScenarios, type ScenarioKey, type ScenarioVersion } from './scenarios.ts';

/** Simulated transactions with their labels (typology and scenario id of the labelled AML events). */
export interface LabelledTransactions {
  readonly transactions: MonitoredTransaction[];
  readonly labels: Map<string, { typology: string; scenario: string }>;
  readonly profiles: Map<string, AccountProfile>;
}

/**
 * The simulator's completed payments as monitored transactions. Money at other banks is named by
 * its external reference (`X…`, `K…`), cash by `CASH`, so the clearing account is not one node.
 */
export function transactionOf(e: SimEvent, run: SimulationRun): MonitoredTransaction | undefined {
  if (e.type !== 'payment' || e.status !== 'completed' || e.from < 0 || e.to < 0) return undefined;
  const { world } = run;
  const node = (account: number) => {
    if (account === world.bank.cash) return 'CASH';
    if (account === world.bank.external) return e.externalRef !== '' ? e.externalRef : 'EXTERNAL';
    return world.accounts[account]?.id ?? `A${account}`;
  };
  return {
    id: e.id,
    from: node(e.from),
    to: node(e.to),
    amountMinor: e.amountMinor,
    currency: 'CNY',
    atMs: e.tsMs,
    cash: e.subtype === 'cash_deposit' || e.subtype === 'cash_withdrawal',
  };
}

export async function simulatedTransactions(config: {
  customers: number;
  days: number;
  seed: number;
}): Promise<LabelledTransactions> {
  const transactions: MonitoredTransaction[] = [];
  const labels = new Map<string, { typology: string; scenario: string }>();
  const profiles = new Map<string, AccountProfile>();
  await runSimulation(config, {
    sinks: [
      {
        day(events, _day, run) {
          if (profiles.size === 0) {
            for (const account of run.world.accounts) {
              if (account.lastActiveBeforeStartMs !== null)
                profiles.set(account.id, { lastActiveMs: account.lastActiveBeforeStartMs });
            }
          }
          for (const e of events) {
            const tx = transactionOf(e, run);
            if (tx === undefined) continue;
            transactions.push(tx);
            const scenario = e.aml >= 0 ? run.scenarios[e.aml] : undefined;
            if (scenario) labels.set(tx.id, { typology: scenario.type, scenario: scenario.id });
          }
        },
      },
    ],
  });
  return { transactions, labels, profiles };
}

export interface Metrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}
export interface TypologyMetrics {
  /** Labelled scenarios and their transactions; alerts whose primary scenario is this typology. */
  readonly scenarios: number;
  readonly transactions: number;
  readonly alerts: number;
  readonly transactionLevel: Metrics;
  readonly scenarioLevel: Metrics;
}
export interface EvaluationReport {
  readonly config: { customers: number; days: number; seed: number };
  readonly transactions: number;
  readonly labelledTransactions: number;
  readonly alerts: number;
  readonly alertsByScenario: Record<string, number>;
  readonly overall: TypologyMetrics;
  readonly typologies: Record<string, TypologyMetrics>;
  readonly detectMs: number;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
function metrics(tp: number, predicted: number, actualTp: number, actual: number): Metrics {
  const precision = predicted === 0 ? 0 : tp / predicted;
  const recall = actual === 0 ? 0 : actualTp / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: round(precision), recall: round(recall), f1: round(f1) };
}

/**
 * The matching (docs/aml.md):
 * - transaction level: a transaction is predicted when an alert covers it; for a typology T, the
 *   predicted ones are those covered by alerts whose primary scenario is T, the actual ones the
 *   transactions labelled T. Overall: every alert against every labelled transaction.
 * - scenario level: an alert is correct when most of its transactions belong to one labelled
 *   scenario (of T, for T's figures); a labelled scenario is found when an alert (of T, for T's
 *   figures) covers at least one of its transactions.
 */
export function scoreAlerts(
  alerts: readonly Alert[],
  labels: LabelledTransactions['labels'],
): Omit<EvaluationReport, 'config' | 'transactions' | 'detectMs'> {
  const typologyOf = (scenario: ScenarioKey): string => scenario;
  const byTypology = new Map<string, { transactions: Set<string>; scenarios: Set<string> }>();
  for (const [id, label] of labels) {
    const entry = byTypology.get(label.typology) ?? { transactions: new Set(), scenarios: new Set() };
    entry.transactions.add(id);
    entry.scenarios.add(label.scenario);
    byTypology.set(label.typology, entry);
  }
  const evaluate = (subset: readonly Alert[], typology: string | null): TypologyMetrics => {
    const covered = new Set<string>();
    let correctAlerts = 0;
    const found = new Set<string>();
    for (const alert of subset) {
      const counts = new Map<string, number>();
      for (const id of alert.edges.keys()) {
        covered.add(id);
        const label = labels.get(id);
        if (label && (typology === null || label.typology === typology)) {
          counts.set(label.scenario, (counts.get(label.scenario) ?? 0) + 1);
          found.add(label.scenario);
        }
      }
      const best = Math.max(0, ...counts.values());
      if (best * 2 > alert.edges.size) correctAlerts++;
    }
    let coveredTp = 0;
    for (const id of covered) {
      const label = labels.get(id);
      if (label && (typology === null || label.typology === typology)) coveredTp++;
    }
    const actual = typology === null ? new Set(labels.keys()) : (byTypology.get(typology)?.transactions ?? new Set());
    const scenarios =
      typology === null
        ? new Set([...labels.values()].map((l) => l.scenario))
        : (byTypology.get(typology)?.scenarios ?? new Set());
    return {
      scenarios: scenarios.size,
      transactions: actual.size,
      alerts: subset.length,
      transactionLevel: metrics(coveredTp, covered.size, coveredTp, actual.size),
      scenarioLevel: metrics(correctAlerts, subset.length, found.size, scenarios.size),
    };
  };
  const typologies: Record<string, TypologyMetrics> = {};
  for (const typology of AML_TYPOLOGIES) {
    typologies[typology] = evaluate(
      alerts.filter((a) => typologyOf(a.scenario) === typology),
      typology,
    );
  }
  const alertsByScenario: Record<string, number> = {};
  for (const alert of alerts) alertsByScenario[alert.scenario] = (alertsByScenario[alert.scenario] ?? 0) + 1;
  return {
    labelledTransactions: labels.size,
    alerts: alerts.length,
    alertsByScenario,
    overall: evaluate(alerts, null),
    typologies,
  };
}

/** Runs the simulator (seeded), detects with the given scenarios and scores the alerts. */
export async function evaluateMonitoring(options: {
  customers: number;
  days: number;
  seed: number;
  scenarios?: readonly ScenarioVersion[];
  now?: () => number;
}): Promise<EvaluationReport> {
  const config = { customers: options.customers, days: options.days, seed: options.seed };
  const data = await simulatedTransactions(config);
  const now = options.now ?? (() => performance.now());
  const started = now();
  const alerts = detectBatch(data.transactions, {
    scenarios: options.scenarios ?? defaultScenarios(),
    profiles: (account) => data.profiles.get(account),
  });
  const detectMs = Math.round(now() - started);
  return { config, transactions: data.transactions.length, ...scoreAlerts(alerts, data.labels), detectMs };
}
