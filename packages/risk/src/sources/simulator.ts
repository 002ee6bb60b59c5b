import {
  CATEGORIES,
  runSimulation,
  type SimEvent,
  type SimulationRun,
  type SimulationSink,
  type SimulationSummary,
} from '@zhirong/simulator';
import type { RiskEvent } from '../event.ts';
import type { LabelledRiskEvent } from './labelled.ts';

/**
 * Labelled risk events from a simulator run: the simulated bank's events mapped to `RiskEvent`,
 * each with the fraud pattern and AML typology it belongs to. See README.md for the mapping.
 */

/** `cus_<n>`: n is the simulator's customer number (CU00000007 → cus_7). */
export function simulatorCustomerId(index: number): string {
  return `cus_${index + 1}`;
}

/** Maps one simulator event to a labelled risk event (the run supplies ids and scenario labels). */
export function fromSimEvent(e: SimEvent, run: SimulationRun): LabelledRiskEvent {
  const { world, scenarios } = run;
  const customer = world.customers[e.customer];
  const own = customer?.account ?? -1;
  const fields: Record<string, unknown> = {
    id: e.id,
    type: e.type,
    subtype: e.subtype,
    atMs: e.tsMs,
    customerId: e.customer >= 0 ? simulatorCustomerId(e.customer) : 'cus_0',
    amountMinor: e.type === 'payment' || e.type === 'loan_application' ? e.amountMinor : 0n,
    country: 'CN',
  };
  const attributes: Record<string, string | number | boolean> = { status: e.status };
  if (e.reason !== '') attributes.reason = e.reason;
  if (e.device !== '') fields.deviceId = e.device;
  if (e.ip !== '') fields.ip = e.ip;
  if (e.channel !== '') fields.channel = e.channel;
  if (e.type === 'payment' || e.type === 'loan_application') fields.currency = 'CNY';
  if (e.merchant >= 0) {
    const merchant = world.merchants[e.merchant];
    if (merchant !== undefined) {
      fields.merchantId = merchant.id;
      const mcc = CATEGORIES[merchant.category]?.mcc;
      if (mcc !== undefined) fields.merchantCategoryCode = mcc;
    }
  }
  if (e.type === 'payment') {
    const outgoing = e.from === own || e.to !== own;
    const from = world.accounts[e.from];
    const to = world.accounts[e.to];
    attributes.direction = outgoing ? 'out' : 'in';
    if (outgoing) {
      if (from !== undefined) fields.accountId = from.id;
      if (e.to === world.bank.external) {
        if (e.externalRef !== '') fields.payeeId = e.externalRef;
      } else if (to !== undefined) fields.payeeId = to.id;
      if (e.fromBalanceMinor !== null) {
        // The simulator reports the balance after the event; a declined payment moved nothing.
        fields.balanceBeforeMinor = e.status === 'completed' ? e.fromBalanceMinor + e.amountMinor : e.fromBalanceMinor;
      }
    } else {
      // Money arriving: the customer is the payee; the payer is the counterparty.
      if (to !== undefined) fields.accountId = to.id;
      if (e.from === world.bank.external) {
        if (e.externalRef !== '') attributes.payer = e.externalRef;
      } else if (from !== undefined) attributes.payer = from.id;
      if (e.toBalanceMinor !== null) {
        attributes.balanceAfterMinor = Number(e.toBalanceMinor);
      }
    }
  } else if (e.type === 'account_change' && e.subtype === 'payee_added' && e.externalRef !== '') {
    fields.payeeId = e.externalRef;
  }
  if (e.loan >= 0) {
    const loan = run.loans[e.loan];
    if (loan !== undefined) attributes.loanId = loan.id;
  }
  fields.attributes = attributes;
  return {
    event: fields as unknown as RiskEvent,
    fraud: e.fraud >= 0 ? (scenarios[e.fraud]?.type ?? null) : null,
    aml: e.aml >= 0 ? (scenarios[e.aml]?.type ?? null) : null,
  };
}

const END = Symbol('end');

/**
 * Runs the simulator and yields its events, labelled, in time order, one simulated day at a time
 * (the run waits while the consumer works through a day, so memory stays one day deep). The
 * generator returns the run's summary. Deterministic for a seed. Declined payments are included:
 * the engine saw them. Stopping early (break) stops the run.
 *
 * @example
 * for await (const { event, fraud } of simulatorEvents({ customers: 1000, days: 30, seed: 7 })) …
 */
export async function* simulatorEvents(config: unknown): AsyncGenerator<LabelledRiskEvent, SimulationSummary> {
  type Batch = LabelledRiskEvent[] | typeof END;
  let pending: { batch: Batch; taken: () => void; refuse: (error: Error) => void } | undefined;
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  const hand = (batch: Batch) =>
    new Promise<void>((resolve, reject) => {
      if (stopped) {
        reject(new Error('simulatorEvents: the consumer stopped'));
        return;
      }
      pending = { batch, taken: resolve, refuse: reject };
      wake?.();
    });
  const sink: SimulationSink = {
    day: (events: readonly SimEvent[], _day, run) => hand(events.map((e) => fromSimEvent(e, run))),
  };
  let summary: SimulationSummary | undefined;
  const running = runSimulation(config, { sinks: [sink] }).then(
    (result) => {
      summary = result;
      return hand(END);
    },
    (error: unknown) => {
      failure = { error };
      wake?.();
    },
  );
  try {
    for (;;) {
      while (pending === undefined && failure === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (failure !== undefined) throw failure.error;
      const { batch, taken } = pending as { batch: Batch; taken: () => void };
      pending = undefined;
      taken();
      if (batch === END) break;
      yield* batch;
    }
    await running;
    return summary as SimulationSummary;
  } finally {
    // A consumer that stops early ends the run: the day it is waiting to hand over is refused.
    stopped = true;
    pending?.refuse(new Error('simulatorEvents: the consumer stopped'));
    pending = undefined;
    running.catch(() => undefined);
  }
}

/** Runs the simulator and returns every labelled event with the summary (small runs, tests). */
export async function collectSimulatorEvents(
  config: unknown,
): Promise<{ events: LabelledRiskEvent[]; summary: SimulationSummary }> {
  const events: LabelledRiskEvent[] = [];
  const iterator = simulatorEvents(config);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { events, summary: next.value };
    events.push(next.value);
  }
}
