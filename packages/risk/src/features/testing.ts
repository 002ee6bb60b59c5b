import { type FraudType, runSimulation, type SimEvent, type SimulationRun } from '@zhirong/simulator';
import type { RiskEvent } from '../event.ts';

/** A simulated event as a risk event, with the simulator's fraud label. */
export interface LabelledRiskEvent {
  readonly event: RiskEvent;
  /** The fraud scenario type (`account_takeover`, …) or null. */
  readonly fraud: string | null;
}

/** A simulator event → a risk event (the test and benchmark adapter; the engine's adapters may differ). */
export function riskEventOf(e: SimEvent, run: SimulationRun): RiskEvent {
  const { world } = run;
  const customer = e.customer >= 0 ? world.customers[e.customer] : undefined;
  const from = e.from >= 0 ? world.accounts[e.from] : undefined;
  const to = e.to >= 0 ? world.accounts[e.to] : undefined;
  const merchant = e.merchant >= 0 ? world.merchants[e.merchant] : undefined;
  const outgoing = customer !== undefined && e.from >= 0 && e.from === customer.account;
  const payeeId =
    e.type !== 'payment' ? undefined : e.externalRef !== '' && !outgoing ? undefined : e.externalRef || to?.id;
  const attributes: Record<string, string> = { status: e.status };
  if (e.reason !== '') attributes.reason = e.reason;
  return {
    id: e.id,
    type: e.type,
    subtype: e.subtype,
    atMs: e.tsMs,
    // Events without a customer (a merchant sweeping its account) are keyed by the paying account.
    customerId: customer?.id ?? from?.id ?? 'unknown',
    ...(customer ? { accountId: world.accounts[customer.account]?.id } : {}),
    ...(e.device !== '' ? { deviceId: e.device } : {}),
    ...(e.ip !== '' ? { ip: e.ip } : {}),
    ...(payeeId !== undefined && payeeId !== '' && outgoing ? { payeeId } : {}),
    ...(merchant ? { merchantId: merchant.id } : {}),
    ...(e.channel === 'online_card' && customer ? { cardId: `card_${customer.id}` } : {}),
    amountMinor: e.amountMinor,
    currency: 'CNY',
    ...(e.channel !== '' ? { channel: e.channel } : {}),
    ...(outgoing && e.fromBalanceMinor !== null ? { balanceBeforeMinor: e.fromBalanceMinor + e.amountMinor } : {}),
    attributes,
  };
}

/** Runs the simulator and returns its events, in time order, as labelled risk events. */
export async function simulatedRiskEvents(config: {
  customers: number;
  days: number;
  seed: number;
  /** Scenarios per 1,000 customers per 30 days, by fraud type (the simulator's defaults otherwise). */
  fraudRates?: Partial<Record<FraudType, number>>;
}): Promise<LabelledRiskEvent[]> {
  const out: LabelledRiskEvent[] = [];
  await runSimulation(config, {
    sinks: [
      {
        day(events, _day, run) {
          for (const e of events) {
            out.push({
              event: riskEventOf(e, run),
              fraud: e.fraud >= 0 ? (run.scenarios[e.fraud]?.type ?? null) : null,
            });
          }
        },
      },
    ],
  });
  return out;
}
