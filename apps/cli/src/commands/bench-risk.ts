import { availableParallelism, cpus } from 'node:os';
import type { AccessService } from '@zhirong/access';
import { cryptoRng, formatAmount, IdGenerator, SeededRng, systemClock } from '@zhirong/kernel';
import type { Config } from '@zhirong/platform';
import {
  benchRules,
  createEngineParts,
  DecisionEngine,
  featureRows,
  modelFeatureNames,
  type RiskEvent,
  type RiskService,
  simulatorEvents,
  trainRiskModel,
} from '@zhirong/risk';
import { FRAUD_TYPES } from '@zhirong/simulator';
import { sql } from 'kysely';
import { Pool } from 'undici';
import { withPlatform } from '../context.ts';
import { freePort, startServer, stopServer } from './bench-ledger.ts';
import { type CpuSnapshot, cpuPerThousand, cpuSnapshot } from './process-cpu.ts';

/**
 * `zhirong bench risk`: the decision engine with the load — 40+ features, 50 rules and a
 * 200-tree GBDT trained on simulated history. In process: `decide` on the simulator's events in time
 * order (features, graph, lists, rules, model, TreeSHAP reasons). Over HTTP: N clients posting events
 * to a server process; each decision is stored before it is answered.
 */
export interface RiskBenchOptions {
  readonly customers: number;
  readonly days: number;
  readonly trees: number;
  readonly rules: number;
  readonly clients: number;
  readonly seconds: number;
  readonly seed: number;
  readonly http: boolean;
  /** Customers the HTTP events are spread over. */
  readonly population: number;
  readonly profileServerDir?: string | undefined;
  readonly progress: (message: string) => void;
}

const BENCH_RULESET = 'bench_risk';
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function percentiles(values: number[]) {
  values.sort((a, b) => a - b);
  const at = (p: number) => values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;
  return { p50: at(50), p90: at(90), p99: at(99), max: values[values.length - 1] ?? 0 };
}

export async function benchRisk(config: Config, options: RiskBenchOptions) {
  const log = options.progress;
  const fraudRates = Object.fromEntries(FRAUD_TYPES.map((t) => [t, 20]));
  const sim = { customers: options.customers, days: options.days, seed: options.seed, fraudRates };
  log(`simulating ${sim.customers} customers × ${sim.days} days and training a ${options.trees}-tree GBDT`);
  const history: RiskEvent[] = [];
  const labelled = [];
  for await (const item of simulatorEvents(sim)) {
    history.push(item.event);
    labelled.push(item);
  }
  const trainParts = createEngineParts();
  const trainEngine = new DecisionEngine(trainParts.store, trainParts.graph, trainParts.describe);
  const rows = await featureRows(labelled, trainEngine);
  const names = modelFeatureNames(trainParts.catalog.definitions);
  const trained = trainRiskModel(rows, names, {
    version: `bench-${options.trees}`,
    seed: options.seed,
    gbdt: { rounds: options.trees, earlyStoppingRounds: 0, refit: false },
    threads: Math.min(2, availableParallelism()),
  });
  const trees = (trained.model.artefact.model as { trees: unknown[] }).trees.length;

  // In process: a fresh engine over the same history; the first half warms features and the JIT.
  const parts = createEngineParts();
  const engine = new DecisionEngine(parts.store, parts.graph, parts.describe);
  const rules = benchRules(options.rules);
  const compiled = parts.compile(rules, { features: new Map(parts.catalog.definitions.map((d) => [d.name, d.type])) });
  if (!compiled.ok) throw new Error(`bench rules do not compile: ${JSON.stringify(compiled.errors.slice(0, 3))}`);
  engine.setRulesets([
    {
      id: '00000000-0000-7000-8000-000000000001',
      name: BENCH_RULESET,
      version: 1,
      status: 'live',
      eventTypes: new Set(['payment', 'login', 'loan_application', 'account_change']),
      thresholds: { reviewAt: 700, declineAt: 900 },
      compiled: compiled.value,
    },
  ]);
  engine.setModels(trained.model, undefined);
  log(`in process: deciding ${history.length} events (the first half warms up)`);
  const latencies: number[] = [];
  const half = Math.floor(history.length / 2);
  let featureCount = 0;
  const decisions = { approve: 0, review: 0, decline: 0 };
  for (let i = 0; i < history.length; i++) {
    const begin = process.hrtime.bigint();
    const e = await engine.evaluate(history[i] as RiskEvent);
    const us = Number(process.hrtime.bigint() - begin) / 1000;
    if (i >= half) {
      latencies.push(us);
      decisions[e.decision]++;
      featureCount = Object.keys(e.features).length;
    }
  }
  const inProcess = percentiles(latencies);

  let http: Record<string, unknown> | undefined;
  if (options.http) http = await benchHttp(config, options, trained, rules, history);

  return {
    benchmark: 'risk',
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
    simulation: sim,
    features: featureCount,
    rules: rules.length,
    model_trees: trees,
    in_process: {
      decisions: latencies.length,
      decisions_per_sec: Math.round(latencies.length / (latencies.reduce((s, x) => s + x, 0) / 1e6)),
      p50_us: round(inProcess.p50, 1),
      p90_us: round(inProcess.p90, 1),
      p99_us: round(inProcess.p99, 1),
      max_us: round(inProcess.max, 1),
      decision_mix: decisions,
      target: { p99_ms_max: 2, met: inProcess.p99 <= 2000 },
    },
    ...(http ? { http } : {}),
  };
}

async function benchHttp(
  config: Config,
  options: RiskBenchOptions,
  trained: { artefact: string; baselineScores: number[]; model: { version: string } },
  rules: ReturnType<typeof benchRules>,
  history: readonly RiskEvent[],
) {
  const log = options.progress;
  const backend = config.databaseUrl ? 'postgres' : 'pglite';
  const benchDatabase = config.databaseUrl
    ? decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1))
    : undefined;
  const ids = new IdGenerator(systemClock, cryptoRng);
  const version = `${trained.model.version}-${ids.uuid().slice(-8)}`;
  log(`HTTP on ${backend}: registering the model and the ${rules.length}-rule ruleset`);
  const apiKey = await withPlatform(config, async (platform) => {
    const access = platform.service<AccessService>('access');
    for (const module of platform.modules.list()) if (module.scopes) access.declareScopes(module.scopes);
    const created = await access.createKey({ name: `bench risk ${version}`, scopes: ['risk:decide'] });
    if (!created.ok) throw new Error(`cannot create a bench key: ${created.code}`);
    const risk = platform.service<RiskService>('risk');
    await risk.registerModel({
      version,
      artefact: trained.artefact,
      baselineScores: trained.baselineScores,
      description: 'bench',
    });
    await risk.promoteModel(version, 'champion');
    const ruleset = await risk.createRuleset(
      {
        name: BENCH_RULESET,
        eventTypes: ['payment', 'login', 'loan_application', 'account_change'],
        rules,
        description: 'bench',
      },
      'bench',
    );
    await risk.promote(ruleset.id, 'live', 'bench');
    return created.value.key;
  });

  // Events in the shape of the API, at the server's clock: the simulated events' kinds, channels
  // and amounts, spread over a population large enough that the load is one bank's peak traffic
  // (each customer acting every minute or so), not thirty days of one small town replayed in seconds.
  const rng = new SeededRng(options.seed);
  const run = ids.uuid().slice(-12);
  const population = options.population;
  const body = (e: RiskEvent, n: number) => {
    const customer = rng.int(population);
    return JSON.stringify({
      id: `bench-${run}-${n}`,
      type: e.type,
      ...(e.subtype ? { subtype: e.subtype } : {}),
      customerId: `cus_b${customer}`,
      accountId: `acc_b${customer}`,
      deviceId: `dev_b${customer}`,
      ip: `10.${(customer >> 16) & 255}.${(customer >> 8) & 255}.${customer & 255}`,
      ...(e.payeeId ? { payeeId: `acc_b${rng.int(population)}` } : {}),
      ...(e.merchantId ? { merchantId: e.merchantId } : {}),
      ...(e.channel ? { channel: e.channel } : {}),
      ...(e.amountMinor > 0n && e.currency
        ? { amount: formatAmount(e.amountMinor, e.currency), currency: e.currency }
        : {}),
    });
  };
  const port = await freePort();
  const server = await startServer(config, port, options.profileServerDir);
  const origin = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  try {
    log(`HTTP: ${options.clients} clients for ${options.seconds}s`);
    const pool = new Pool(origin, { connections: options.clients, pipelining: 1 });
    const warmupMs = 3000;
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let sent = 0;
    const startedAt = performance.now();
    const measureFrom = startedAt + warmupMs;
    const stopAt = measureFrom + options.seconds * 1000;
    let cpuBefore: CpuSnapshot | undefined;
    const cpuTimer = setTimeout(() => {
      cpuBefore = cpuSnapshot(server.pid, benchDatabase);
    }, warmupMs);
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        for (;;) {
          const begin = performance.now();
          if (begin >= stopAt) return;
          const n = sent++;
          const event = history[n % history.length] as RiskEvent;
          const response = await pool.request({
            method: 'POST',
            path: '/v1/risk/decisions',
            headers,
            body: body(event, n),
          });
          await response.body.dump();
          const end = performance.now();
          if (begin < measureFrom) continue;
          latencies.push(end - begin);
          statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        }
      }),
    );
    const seconds = (performance.now() - measureFrom) / 1000;
    clearTimeout(cpuTimer);
    const cpu = cpuBefore && cpuPerThousand(cpuBefore, cpuSnapshot(server.pid, benchDatabase), latencies.length);
    await pool.close();
    const ok = statuses['201'] ?? 0;
    const p = percentiles(latencies);
    return {
      backend,
      clients: options.clients,
      seconds: round(seconds, 3),
      decisions: ok,
      other_statuses: Object.fromEntries(Object.entries(statuses).filter(([s]) => s !== '201')),
      decisions_per_sec: Math.round(ok / seconds),
      p50_ms: round(p.p50),
      p99_ms: round(p.p99),
      max_ms: round(p.max),
      ...(cpu ? { cpu_ms_per_1000: cpu } : {}),
      target: { decisions_per_sec_min: 3000, p99_ms_max: 15, met: ok / seconds >= 3000 && p.p99 <= 15 },
    };
  } finally {
    await stopServer(server);
    // The bench's ruleset and model leave the stage: what was live before is live again.
    await withPlatform(config, async (platform) => {
      const db = platform.context.db.kysely;
      await sql`update risk.rulesets set status = 'retired' where name = ${BENCH_RULESET}`.execute(db);
      await sql`update risk.models set role = 'retired' where version = ${version}`.execute(db);
    });
  }
}
