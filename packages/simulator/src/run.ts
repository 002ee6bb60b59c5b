import { assert } from '@zhirong/kernel';
import { type SimulationConfig, simulationConfig } from './config.ts';
import { customerDay, type DayContext } from './daily.ts';
import { eventId, payment, type SimEvent } from './event.ts';

export { eventId };

import { type Loan, planLoans } from './loans.ts';
import { STREAM, StreamFactory } from './random.ts';
import { planScenarios, type Scenario } from './scenarios.ts';
import { buildWorld, type CalendarDay, DAY_MS, type World } from './world.ts';

/** Where a run's output goes: files, memory, a running server. Calls are awaited once per day, never per event. */
export interface SimulationSink {
  begin?(run: SimulationRun): void | Promise<void>;
  /** One simulated day's events, in time order, with ids and balances filled in. */
  day(events: readonly SimEvent[], day: CalendarDay, run: SimulationRun): void | Promise<void>;
  end?(run: SimulationRun, summary: SimulationSummary): void | Promise<void>;
}

export interface SimulationRun {
  readonly config: SimulationConfig;
  readonly world: World;
  readonly scenarios: readonly Scenario[];
  readonly loans: readonly Loan[];
  /** Current balance of every account, in minor units. */
  readonly balances: readonly bigint[];
}

export interface BaseRate {
  readonly name: string;
  readonly expected: number;
  readonly actual: number;
  /** Allowed |actual − expected|: toleranceSigmas standard deviations (at least one scenario for counts). */
  readonly tolerance: number;
  readonly within: boolean;
}

export interface SimulationSummary {
  readonly schemaVersion: 1;
  readonly seed: number;
  readonly config: SimulationConfig;
  readonly counts: {
    readonly customers: number;
    readonly merchants: number;
    readonly accounts: number;
    readonly events: number;
    readonly eventsByType: Record<string, number>;
    readonly paymentsDeclined: number;
    readonly topUps: number;
    readonly loans: number;
    readonly loansDefaulted: number;
    readonly fraudScenarios: number;
    readonly amlScenarios: number;
    readonly fraudEvents: number;
    readonly amlEvents: number;
  };
  readonly baseRates: readonly BaseRate[];
}

export interface Progress {
  readonly day: number;
  readonly days: number;
  readonly events: number;
}

export interface RunOptions {
  readonly sinks: readonly SimulationSink[];
  readonly onProgress?: (progress: Progress) => void;
}

/**
 * Sorts one day's events by time, keeping insertion order for equal times: the key packs the
 * millisecond of the day (27 bits) above the insertion index (26 bits) into one exact double.
 */
function sortByTime(events: SimEvent[], dayStartMs: number): SimEvent[] {
  assert(events.length < 2 ** 26, 'a day holds fewer than 67 million events');
  const keys = new Float64Array(events.length);
  for (let i = 0; i < events.length; i++) keys[i] = ((events[i] as SimEvent).tsMs - dayStartMs) * 67_108_864 + i;
  keys.sort();
  const out: SimEvent[] = new Array(events.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as number;
    // key − ⌊key / 2^26⌋·2^26 rather than key % 2^26: % on a double beyond 2^31 is a call to fmod.
    out[i] = events[key - Math.floor(key / 67_108_864) * 67_108_864] as SimEvent;
  }
  return out;
}

/**
 * Runs the simulation: builds the world, plans the scenarios and loans, then generates day by day —
 * every customer's day from its own random stream, the planned events of the day merged in, the day
 * sorted by time and replayed against the balances (payments that would overdraw a deposit are
 * declined; loan instalments are topped up from another bank instead), then handed to the sinks.
 */
export async function runSimulation(input: unknown, options: RunOptions): Promise<SimulationSummary> {
  const config = simulationConfig(input);
  const streams = new StreamFactory(config.seed);
  const world = buildWorld(config, streams);
  const plan = planScenarios(world);
  const loanPlan = planLoans(world);
  const { scenarios } = plan;
  const { loans } = loanPlan;
  const days = config.days;
  const scheduled: SimEvent[][] = Array.from({ length: days }, () => []);
  const dayOf = (tsMs: number) => Math.floor((tsMs - world.startMs) / DAY_MS);
  const schedule = (day: number, event: SimEvent) => {
    if (day >= 0 && day < days) scheduled[day]?.push(event);
  };
  for (const scenario of scenarios) for (const event of scenario.events) schedule(dayOf(event.tsMs), event);
  for (const loan of loans) for (const event of loan.events) schedule(dayOf(event.tsMs), event);

  const balances = world.accounts.map((account) => account.openingBalanceMinor);
  const limited = world.accounts.map((account) => account.limited);
  const run: SimulationRun = { config, world, scenarios, loans, balances };
  for (const sink of options.sinks) await sink.begin?.(run);

  const eventsByType: Record<string, number> = { payment: 0, login: 0, account_change: 0, loan_application: 0 };
  let sequence = 0;
  let declined = 0;
  let topUps = 0;
  let fraudEvents = 0;
  let amlEvents = 0;
  const external = world.bank.external;

  for (const day of world.calendar) {
    const events: SimEvent[] = [];
    const context: DayContext = { world, day, out: events, later: schedule };
    for (const customer of world.customers) {
      if (customer.dormant) continue;
      customerDay(context, customer, streams.stream(STREAM.day, customer.index, day.index));
    }
    const planned = scheduled[day.index] ?? [];
    for (const event of planned) events.push(event);
    scheduled[day.index] = [];
    const dayEnd = day.startMs + DAY_MS - 1;
    for (const event of events) {
      if (event.tsMs < day.startMs) event.tsMs = day.startMs;
      else if (event.tsMs > dayEnd) event.tsMs = dayEnd;
    }
    const ordered: SimEvent[] = [];
    for (const event of sortByTime(events, day.startMs)) {
      if (event.type === 'payment') {
        assert(event.from >= 0 && event.to >= 0 && event.amountMinor > 0n, 'a payment has two accounts and an amount');
        if (
          event.status === 'completed' &&
          limited[event.from] &&
          (balances[event.from] as bigint) < event.amountMinor
        ) {
          if (event.mustSucceed) {
            // The customer moves the shortfall (rounded up to 100 yuan) in from another bank first.
            const shortfall = event.amountMinor - (balances[event.from] as bigint);
            const topUp = payment(
              event.tsMs,
              'transfer_in',
              event.customer,
              external,
              event.from,
              ((shortfall + 9_999n) / 10_000n) * 10_000n,
              'bank',
            );
            topUp.externalRef = 'SELF';
            move(topUp);
            finish(topUp);
            topUps++;
          } else {
            event.status = 'declined';
            event.reason = 'insufficient_funds';
          }
        }
        if (event.status === 'completed') move(event);
        else declined++;
      }
      finish(event);
    }

    function move(event: SimEvent): void {
      const from = balances[event.from] as bigint;
      const to = balances[event.to] as bigint;
      balances[event.from] = from - event.amountMinor;
      balances[event.to] = to + event.amountMinor;
      assert(!limited[event.from] || (balances[event.from] as bigint) >= 0n, 'a deposit is never overdrawn');
    }
    function finish(event: SimEvent): void {
      sequence++;
      event.seq = sequence;
      eventsByType[event.type] = (eventsByType[event.type] ?? 0) + 1;
      if (event.type === 'payment') {
        event.fromBalanceMinor = limited[event.from] ? (balances[event.from] as bigint) : null;
        event.toBalanceMinor = limited[event.to] ? (balances[event.to] as bigint) : null;
      }
      if (event.fraud >= 0) {
        scenarios[event.fraud]?.eventIds.push(event.id);
        fraudEvents++;
      }
      if (event.aml >= 0) {
        scenarios[event.aml]?.eventIds.push(event.id);
        amlEvents++;
      }
      if (event.type === 'loan_application') {
        const loan = loans[event.loan];
        const customer = world.customers[event.customer];
        if (loan && customer) {
          loan.applicationEventId = event.id;
          loan.balanceAtApplicationMinor = balances[customer.account] ?? null;
        }
      }
      ordered.push(event);
    }

    for (const sink of options.sinks) await sink.day(ordered, day, run);
    options.onProgress?.({ day: day.index + 1, days, events: sequence });
  }

  const sigmas = config.toleranceSigmas;
  const baseRates: BaseRate[] = [];
  for (const [name, expected] of Object.entries(plan.expected)) {
    const actual = plan.placed[name] ?? 0;
    const tolerance = Math.max(1, sigmas * Math.sqrt(expected));
    baseRates.push({
      name: `scenarios.${name}`,
      expected: round(expected),
      actual,
      tolerance: round(tolerance),
      within: Math.abs(actual - expected) <= tolerance,
    });
  }
  const dormant = world.customers.filter((c) => c.dormant).length;
  const dormantSigma = Math.sqrt(config.customers * config.dormantShare * (1 - config.dormantShare)) / config.customers;
  baseRates.push(
    rateCheck(
      'customers.dormant_share',
      config.dormantShare,
      dormant / config.customers,
      Math.max(sigmas * dormantSigma, 1 / config.customers),
    ),
  );
  const defaulted = loans.filter((loan) => loan.defaulted).length;
  if (loans.length > 0) {
    const variance = loans.reduce((sum, loan) => sum + loan.defaultProbability * (1 - loan.defaultProbability), 0);
    baseRates.push(
      rateCheck(
        'loans.default_rate',
        config.loans.defaultRate,
        defaulted / loans.length,
        Math.max((sigmas * Math.sqrt(variance)) / loans.length, 1 / loans.length),
      ),
    );
  }

  const summary: SimulationSummary = {
    schemaVersion: 1,
    seed: config.seed,
    config,
    counts: {
      customers: world.customers.length,
      merchants: world.merchants.length,
      accounts: world.accounts.length,
      events: sequence,
      eventsByType,
      paymentsDeclined: declined,
      topUps,
      loans: loans.length,
      loansDefaulted: defaulted,
      fraudScenarios: scenarios.filter((s) => s.domain === 'fraud').length,
      amlScenarios: scenarios.filter((s) => s.domain === 'aml').length,
      fraudEvents,
      amlEvents,
    },
    baseRates,
  };
  for (const sink of options.sinks) await sink.end?.(run, summary);
  return summary;
}

function rateCheck(name: string, expected: number, actual: number, tolerance: number): BaseRate {
  return {
    name,
    expected: round(expected),
    actual: round(actual),
    tolerance: round(tolerance),
    within: Math.abs(actual - expected) <= tolerance,
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
