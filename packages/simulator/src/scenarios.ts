import { assert, formatAmount as formatMinor, parseAmount } from '@zhirong/kernel';
import { deviceId, ipInBlock, PROXY_BLOCKS, REGIONS } from './china.ts';
import { AML_TYPOLOGIES, type AmlTypology, FRAUD_TYPES, type FraudType } from './config.ts';
import { fen, newEvent, type PaymentSubtype, payment, roundYuan, type SimEvent } from './event.ts';
import { CATEGORIES, categoryIndex } from './merchant-categories.ts';
import { type SimRandom, STREAM } from './random.ts';
import { type Customer, DAY_MS, type World } from './world.ts';

/**
 * Injected fraud scenarios and AML typologies. Each scenario is planned whole — members,
 * parameters and every event with its time — before the run starts, and every one of its events
 * carries the scenario's index, so the labels are consistent by construction (and tested).
 */
export interface ScenarioMembers {
  customers: string[];
  accounts: string[];
  merchants: string[];
  /** Parties at other banks (victims `V…`, collectors `K…`, counterparties `X…`). */
  external: string[];
}

export interface Scenario {
  readonly index: number;
  readonly id: string;
  readonly domain: 'fraud' | 'aml';
  readonly type: FraudType | AmlTypology;
  readonly params: Record<string, unknown>;
  readonly members: ScenarioMembers;
  /** Planned events in time order (those after the last simulated day are never emitted). */
  readonly events: SimEvent[];
  /** Ids of the emitted events, filled in by the run. */
  readonly eventIds: string[];
  startMs: number;
  endMs: number;
}

export interface ScenarioPlan {
  readonly scenarios: Scenario[];
  /** Expected scenarios of each type (rate × customers/1,000 × days/30) and how many were placed. */
  readonly expected: Record<string, number>;
  readonly placed: Record<string, number>;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Builds the events of one scenario on a moving clock. */
class Timeline {
  readonly events: SimEvent[] = [];
  ts: number;
  constructor(
    readonly random: SimRandom,
    readonly world: World,
    startMs: number,
  ) {
    this.ts = startMs;
  }
  wait(minMs: number, maxMs: number): this {
    this.ts += minMs + this.random.int(Math.max(1, maxMs - minMs));
    return this;
  }
  add(event: SimEvent): SimEvent {
    this.events.push(event);
    return event;
  }
  pay(subtype: PaymentSubtype, customer: number, from: number, to: number, amount: bigint, channel: string) {
    return this.add(payment(this.ts, subtype, customer, from, to, amount, channel));
  }
  /** A payment made in the app from the customer's usual phone and home address. */
  appPay(subtype: PaymentSubtype, customer: Customer, to: number, amount: bigint) {
    const event = this.pay(subtype, customer.index, customer.account, to, amount, 'app');
    event.device = customer.devices[0] as string;
    event.ip = customer.homeIp;
    return event;
  }
}

const ext = (random: SimRandom, prefix: string) => `${prefix}${String(random.int(10_000_000)).padStart(7, '0')}`;

/** Splits `total` into `parts` uneven positive pieces that sum to it exactly. */
function unevenSplit(random: SimRandom, total: bigint, parts: number): bigint[] {
  const weights = Array.from({ length: parts }, () => BigInt(1 + random.int(100)));
  const sum = weights.reduce((a, b) => a + b, 0n);
  const out = weights.map((w) => (total * w) / sum);
  out[0] = (out[0] ?? 0n) + (total - out.reduce((a, b) => a + b, 0n));
  return out.map((v) => (v > 0n ? v : 1n));
}

interface Picker {
  customer(filter?: (c: Customer) => boolean): Customer | undefined;
  merchant(categories: readonly number[]): number;
}

type Generator = (t: Timeline, pick: Picker, members: ScenarioMembers, params: Record<string, unknown>) => boolean;

function scale(x: bigint, factor: number): bigint {
  const scaled = (x * BigInt(Math.round(factor * 1_000_000))) / 1_000_000n;
  return scaled > 0n ? scaled : 1n;
}

export function planScenarios(world: World): ScenarioPlan {
  const { config } = world;
  const random = world.streams.stream(STREAM.scenario);
  const used = new Set<number>();
  const usedMerchants = new Set<number>();
  const customers = world.customers;
  const cashThreshold = requireAmount(config.thresholds.cashReport);
  const transferThreshold = requireAmount(config.thresholds.transferReport);
  const endMs = world.startMs + config.days * DAY_MS;

  const pick: Picker = {
    customer(filter = (c) => !c.dormant) {
      for (let attempt = 0; attempt < 200; attempt++) {
        const candidate = customers[random.int(customers.length)];
        if (candidate && !used.has(candidate.index) && filter(candidate)) {
          used.add(candidate.index);
          return candidate;
        }
      }
      return undefined;
    },
    merchant(categories) {
      for (let attempt = 0; attempt < 50; attempt++) {
        const list = world.merchantsByCategory[random.pick(categories)] ?? [];
        if (list.length === 0) continue;
        const candidate = list[random.int(list.length)] as number;
        if (!usedMerchants.has(candidate)) {
          usedMerchants.add(candidate);
          return candidate;
        }
      }
      return -1;
    },
  };
  const bank = world.bank;
  const memberCustomer = (members: ScenarioMembers, c: Customer) => {
    members.customers.push(c.id);
    members.accounts.push(world.accounts[c.account]?.id ?? '');
  };
  const onlineCategories = ['ecommerce', 'food_delivery', 'digital_goods', 'hotel', 'travel'].map(categoryIndex);
  const offlineCategories = CATEGORIES.map((c, i) => (c.online || c.key === 'lottery' ? -1 : i)).filter((i) => i >= 0);

  const generators: Record<FraudType | AmlTypology, Generator> = {
    account_takeover(t, pick, members, params) {
      const victim = pick.customer(
        (c) => !c.dormant && (world.accounts[c.account]?.openingBalanceMinor ?? 0n) > 300_000n,
      );
      if (!victim) return false;
      memberCustomer(members, victim);
      const r = t.random;
      const attackerDevice = deviceId(r);
      const proxy = r.chance(0.5);
      const otherRegion = REGIONS[(victim.region + 1 + r.int(REGIONS.length - 1)) % REGIONS.length];
      const ip =
        proxy || !otherRegion ? ipInBlock(r, r.pick(PROXY_BLOCKS)) : ipInBlock(r, r.pick(otherRegion.ipBlocks));
      const attacker = (event: SimEvent) => {
        event.device = attackerDevice;
        event.ip = ip;
        event.channel = 'app';
        return event;
      };
      const failed = r.int(4);
      for (let i = 0; i < failed; i++) {
        const login = attacker(t.add(newEvent(t.ts, 'login', 'password', victim.index)));
        login.status = 'failed';
        login.reason = 'wrong_password';
        t.wait(5_000, 60_000);
      }
      attacker(t.add(newEvent(t.ts, 'login', r.chance(0.5) ? 'sms_code' : 'password', victim.index)));
      t.wait(MINUTE, 5 * MINUTE);
      attacker(
        t.add(newEvent(t.ts, 'account_change', r.chance(0.6) ? 'phone_change' : 'password_reset', victim.index)),
      );
      const payeeCount = r.between(1, 3);
      const payees: { account: number; ref: string; customer?: Customer }[] = [];
      for (let i = 0; i < payeeCount; i++) {
        t.wait(30_000, 3 * MINUTE);
        const internal = r.chance(0.4) ? pick.customer() : undefined;
        if (internal) {
          memberCustomer(members, internal);
          payees.push({ account: internal.account, ref: '', customer: internal });
        } else {
          const ref = ext(r, 'K');
          members.external.push(ref);
          payees.push({ account: bank.external, ref });
        }
        attacker(t.add(newEvent(t.ts, 'account_change', 'payee_added', victim.index))).externalRef =
          payees[i]?.ref ?? '';
      }
      const balance = world.accounts[victim.account]?.openingBalanceMinor ?? 0n;
      const drain = r.uniform(0.6, 0.95);
      const transfers = r.between(2, 5);
      const amounts = unevenSplit(r, scale(balance, drain), transfers).map((a) =>
        r.chance(0.6) && a > 10_000n ? (a / 10_000n) * 10_000n : a,
      );
      for (let i = 0; i < transfers; i++) {
        t.wait(30_000, 5 * MINUTE);
        const payee = payees[i % payees.length];
        if (!payee) continue;
        const event = attacker(
          t.pay(
            payee.customer ? 'p2p' : 'transfer_out',
            victim.index,
            victim.account,
            payee.account,
            amounts[i] ?? 1n,
            'app',
          ),
        );
        event.externalRef = payee.ref;
      }
      Object.assign(params, {
        attackerDevice,
        attackerIp: ip,
        ipSource: proxy ? 'proxy' : 'other_region',
        failedLogins: failed,
        payees: payeeCount,
        transfers,
        drainFraction: round3(drain),
      });
      return true;
    },

    card_testing(t, pick, members, params) {
      const victim = pick.customer();
      if (!victim) return false;
      memberCustomer(members, victim);
      const r = t.random;
      const device = deviceId(r);
      const ip = ipInBlock(r, r.pick(PROXY_BLOCKS));
      const merchantCount = r.between(1, 3);
      const merchants: number[] = [];
      for (let i = 0; i < merchantCount; i++) {
        const m = pick.merchant([
          categoryIndex('digital_goods'),
          categoryIndex('ecommerce'),
          categoryIndex('food_delivery'),
        ]);
        if (m >= 0) {
          merchants.push(m);
          members.merchants.push(world.merchants[m]?.id ?? '');
        }
      }
      if (merchants.length === 0) return false;
      const tests = r.between(5, 30);
      let declined = 0;
      for (let i = 0; i < tests; i++) {
        const m = merchants[i % merchants.length] as number;
        const amount = r.chance(0.5) ? 100n : BigInt(r.between(1, 500));
        const event = t.pay(
          'purchase',
          victim.index,
          victim.account,
          world.merchants[m]?.account ?? -1,
          amount,
          'online_card',
        );
        event.merchant = m;
        event.device = device;
        event.ip = ip;
        if (r.chance(0.6)) {
          event.status = 'declined';
          event.reason = 'card_verification_failed';
          declined++;
        }
        t.wait(2_000, 40_000);
      }
      const cashOut = r.chance(0.5) ? r.between(1, 2) : 0;
      for (let i = 0; i < cashOut; i++) {
        t.wait(MINUTE, 20 * MINUTE);
        const m = merchants[0] as number;
        const event = t.pay(
          'purchase',
          victim.index,
          victim.account,
          world.merchants[m]?.account ?? -1,
          fen(r.uniform(500, 5000)),
          'online_card',
        );
        event.merchant = m;
        event.device = device;
        event.ip = ip;
      }
      Object.assign(params, {
        attackerDevice: device,
        attackerIp: ip,
        tests,
        declined,
        merchants: merchants.length,
        cashOutPurchases: cashOut,
      });
      return true;
    },

    mule_network(t, pick, members, params) {
      const r = t.random;
      const muleCount = r.between(3, 8);
      const mules: Customer[] = [];
      for (let i = 0; i < muleCount; i++) {
        const mule = pick.customer((c) => !c.dormant && c.age <= 32) ?? pick.customer();
        if (!mule) break;
        mules.push(mule);
        memberCustomer(members, mule);
      }
      if (mules.length < 2) return false;
      const collectors = Array.from({ length: r.between(1, 2) }, () => ext(r, 'K'));
      members.external.push(...collectors);
      const inflows = r.between(mules.length, 3 * mules.length);
      const commission = r.uniform(0.03, 0.12);
      const spanMs = r.between(1, 3) * DAY_MS;
      const start = t.ts;
      const dwells: number[] = [];
      for (let i = 0; i < inflows; i++) {
        const mule = mules[i < mules.length ? i : r.int(mules.length)] as Customer;
        const at = start + r.int(spanMs);
        const victimRef = ext(r, 'V');
        members.external.push(victimRef);
        const amount = fen(r.logNormal(8000, 0.7));
        const inflow = payment(at, 'transfer_in', mule.index, bank.external, mule.account, amount, 'bank');
        inflow.externalRef = victimRef;
        t.add(inflow);
        const dwell = 10 * MINUTE + r.int(6 * HOUR);
        dwells.push(dwell);
        const forward = scale(amount, 1 - commission);
        const pieces = r.chance(0.4) ? unevenSplit(r, forward, 2) : [forward];
        let ts = at + dwell;
        for (const piece of pieces) {
          const out = payment(ts, 'transfer_out', mule.index, mule.account, bank.external, piece, 'app');
          out.device = mule.devices[0] as string;
          out.ip = mule.homeIp;
          out.externalRef = r.pick(collectors);
          t.add(out);
          ts += MINUTE + r.int(20 * MINUTE);
        }
      }
      t.events.sort((a, b) => a.tsMs - b.tsMs);
      dwells.sort((a, b) => a - b);
      Object.assign(params, {
        mules: mules.length,
        inflows,
        commission: round3(commission),
        medianDwellMinutes: Math.round((dwells[dwells.length >> 1] ?? 0) / MINUTE),
        collectors: collectors.length,
      });
      return true;
    },

    merchant_collusion(t, pick, members, params) {
      const r = t.random;
      const merchant = pick.merchant(offlineCategories);
      if (merchant < 0) return false;
      const merchantInfo = world.merchants[merchant];
      if (!merchantInfo) return false;
      members.merchants.push(merchantInfo.id);
      members.accounts.push(world.accounts[merchantInfo.account]?.id ?? '');
      const collector = ext(r, 'K');
      members.external.push(collector);
      const victimCount = r.between(4, 12);
      const spanDays = r.between(2, 6);
      const start = t.ts - ((t.ts - world.startMs) % DAY_MS);
      const byDay = new Map<number, bigint>();
      let payments = 0;
      for (let i = 0; i < victimCount; i++) {
        const victim = pick.customer();
        if (!victim) break;
        memberCustomer(members, victim);
        const count = r.between(1, 3);
        for (let k = 0; k < count; k++) {
          const day = r.int(spanDays);
          const hour = r.chance(0.6) ? r.int(6) : r.int(24);
          const at = start + day * DAY_MS + hour * HOUR + r.int(HOUR);
          const amount = roundYuan(r.logNormal(1500, 0.6), 10);
          const event = payment(at, 'purchase', victim.index, victim.account, merchantInfo.account, amount, 'pos');
          event.merchant = merchant;
          t.add(event);
          byDay.set(day, (byDay.get(day) ?? 0n) + amount);
          payments++;
        }
      }
      if (payments === 0) return false;
      const sweep = r.uniform(0.9, 1);
      for (const [day, total] of [...byDay.entries()].sort((a, b) => a[0] - b[0])) {
        const at = start + (day + 1) * DAY_MS + 2 * HOUR + r.int(4 * HOUR);
        const out = payment(at, 'transfer_out', -1, merchantInfo.account, bank.external, scale(total, sweep), 'bank');
        out.merchant = merchant;
        out.externalRef = collector;
        t.add(out);
      }
      t.events.sort((a, b) => a.tsMs - b.tsMs);
      Object.assign(params, { victims: victimCount, payments, spanDays, sweepFraction: round3(sweep) });
      return true;
    },

    refund_abuse(t, pick, members, params) {
      const r = t.random;
      const abuser = pick.customer();
      if (!abuser) return false;
      memberCustomer(members, abuser);
      const merchants: number[] = [];
      for (let i = r.between(2, 4); i > 0; i--) {
        const m = pick.merchant(onlineCategories);
        if (m >= 0) {
          merchants.push(m);
          members.merchants.push(world.merchants[m]?.id ?? '');
        }
      }
      if (merchants.length === 0) return false;
      const purchases = r.between(3, 10);
      let refunds = 0;
      let inflated = 0;
      const start = t.ts;
      for (let i = 0; i < purchases; i++) {
        const m = merchants[i % merchants.length] as number;
        const account = world.merchants[m]?.account ?? -1;
        const at = start + r.int(r.between(2, 8) * DAY_MS);
        const amount = fen(r.logNormal(300, 0.7));
        const buy = payment(at, 'purchase', abuser.index, abuser.account, account, amount, 'online');
        buy.merchant = m;
        buy.device = abuser.devices[0] as string;
        buy.ip = abuser.homeIp;
        t.add(buy);
        if (r.chance(0.8)) {
          const more = r.chance(0.25);
          if (more) inflated++;
          const refund = payment(
            at + DAY_MS + r.int(2 * DAY_MS),
            'refund',
            abuser.index,
            account,
            abuser.account,
            more ? scale(amount, r.uniform(1.1, 1.5)) : amount,
            'online',
          );
          refund.merchant = m;
          t.add(refund);
          refunds++;
        }
      }
      const orphan = r.chance(0.5) ? r.between(1, 2) : 0;
      for (let i = 0; i < orphan; i++) {
        const m = r.pick(merchants);
        const refund = payment(
          start + r.int(6 * DAY_MS),
          'refund',
          abuser.index,
          world.merchants[m]?.account ?? -1,
          abuser.account,
          fen(r.logNormal(250, 0.6)),
          'online',
        );
        refund.merchant = m;
        t.add(refund);
      }
      t.events.sort((a, b) => a.tsMs - b.tsMs);
      Object.assign(params, {
        purchases,
        refunds,
        inflatedRefunds: inflated,
        refundsWithoutPurchase: orphan,
        merchants: merchants.length,
      });
      return true;
    },

    fan_in(t, pick, members, params) {
      const r = t.random;
      const hub = pick.customer();
      if (!hub) return false;
      memberCustomer(members, hub);
      const sourceCount = r.between(5, 15);
      const base = r.uniform(5000, 45_000);
      const start = t.ts;
      const span = r.between(1, 5) * DAY_MS;
      let total = 0n;
      let sources = 0;
      let last = start;
      for (let i = 0; i < sourceCount; i++) {
        const source = pick.customer();
        if (!source) break;
        memberCustomer(members, source);
        const amount = roundYuan(base * r.uniform(0.85, 1), 100);
        const at = start + r.int(span);
        t.add(payment(at, 'cash_deposit', source.index, bank.cash, source.account, amount, 'counter'));
        const send = payment(
          at + HOUR + r.int(5 * HOUR),
          'p2p',
          source.index,
          source.account,
          hub.account,
          amount,
          'app',
        );
        send.device = source.devices[0] as string;
        send.ip = source.homeIp;
        t.add(send);
        last = Math.max(last, send.tsMs);
        total += amount;
        sources++;
      }
      if (sources < 3) return false;
      const exit = r.uniform(0.8, 0.95);
      const out = payment(
        last + 2 * HOUR + r.int(22 * HOUR),
        'transfer_out',
        hub.index,
        hub.account,
        bank.external,
        scale(total, exit),
        'app',
      );
      out.device = hub.devices[0] as string;
      out.ip = hub.homeIp;
      out.externalRef = ext(r, 'K');
      members.external.push(out.externalRef);
      t.add(out);
      t.events.sort((a, b) => a.tsMs - b.tsMs);
      Object.assign(params, {
        sources,
        baseAmount: round2(base),
        total: formatAmount(total),
        exitFraction: round3(exit),
      });
      return true;
    },

    fan_out(t, pick, members, params) {
      const r = t.random;
      const hub = pick.customer();
      if (!hub) return false;
      memberCustomer(members, hub);
      const total = roundYuan(r.logNormal(200_000, 0.6), 1000);
      const source = ext(r, 'X');
      members.external.push(source);
      t.pay('transfer_in', hub.index, bank.external, hub.account, total, 'bank').externalRef = source;
      const receivers = r.between(5, 15);
      const each = scale(total, 0.95 / receivers);
      let sent = 0;
      for (let i = 0; i < receivers; i++) {
        const receiver = pick.customer();
        if (!receiver) break;
        memberCustomer(members, receiver);
        t.wait(10 * MINUTE, 8 * HOUR);
        t.appPay('p2p', hub, receiver.account, roundYuan(Number(scale(each, r.uniform(0.9, 1.05))) / 100, 100));
        sent++;
      }
      if (sent < 3) return false;
      Object.assign(params, { receivers: sent, total: formatAmount(total), source });
      return true;
    },

    cycle(t, pick, members, params) {
      const r = t.random;
      const length = r.between(3, 8);
      const ring: Customer[] = [];
      for (let i = 0; i < length; i++) {
        const member = pick.customer();
        if (!member) break;
        ring.push(member);
        memberCustomer(members, member);
      }
      if (ring.length < 3) return false;
      const origin = ring[0] as Customer;
      let amount = roundYuan(r.logNormal(80_000, 0.6), 100);
      const seed = ext(r, 'X');
      members.external.push(seed);
      t.pay('transfer_in', origin.index, bank.external, origin.account, amount, 'bank').externalRef = seed;
      const keep: number[] = [];
      for (let i = 0; i < ring.length; i++) {
        const from = ring[i] as Customer;
        const to = ring[(i + 1) % ring.length] as Customer;
        t.wait(HOUR, 24 * HOUR);
        const forward = r.uniform(0.9, 0.98);
        keep.push(round3(forward));
        amount = scale(amount, forward);
        t.appPay('p2p', from, to.account, amount);
      }
      Object.assign(params, {
        length: ring.length,
        forwardFractions: keep,
        seedAmount: formatAmount(t.events[0]?.amountMinor ?? 0n),
      });
      return true;
    },

    scatter_gather(t, pick, members, params) {
      const r = t.random;
      const origin = pick.customer();
      const sink = pick.customer();
      if (!origin || !sink) return false;
      memberCustomer(members, origin);
      const middleCount = r.between(3, 8);
      const middles: Customer[] = [];
      for (let i = 0; i < middleCount; i++) {
        const middle = pick.customer();
        if (!middle) break;
        middles.push(middle);
        memberCustomer(members, middle);
      }
      memberCustomer(members, sink);
      if (middles.length < 2) return false;
      const total = roundYuan(r.logNormal(150_000, 0.6), 1000);
      const source = ext(r, 'X');
      members.external.push(source);
      t.pay('transfer_in', origin.index, bank.external, origin.account, total, 'bank').externalRef = source;
      const parts = unevenSplit(r, scale(total, r.uniform(0.9, 0.99)), middles.length);
      const start = t.ts;
      let gathered = 0n;
      let last = start;
      middles.forEach((middle, i) => {
        const at = start + 10 * MINUTE + r.int(6 * HOUR);
        const send = payment(at, 'p2p', origin.index, origin.account, middle.account, parts[i] ?? 1n, 'app');
        send.device = origin.devices[0] as string;
        send.ip = origin.homeIp;
        t.add(send);
        const forward = scale(parts[i] ?? 1n, r.uniform(0.9, 0.98));
        const back = payment(
          at + 2 * HOUR + r.int(46 * HOUR),
          'p2p',
          middle.index,
          middle.account,
          sink.account,
          forward,
          'app',
        );
        back.device = middle.devices[0] as string;
        back.ip = middle.homeIp;
        t.add(back);
        gathered += forward;
        last = Math.max(last, back.tsMs);
      });
      const out = payment(
        last + HOUR + r.int(12 * HOUR),
        'transfer_out',
        sink.index,
        sink.account,
        bank.external,
        scale(gathered, 0.95),
        'app',
      );
      out.device = sink.devices[0] as string;
      out.ip = sink.homeIp;
      out.externalRef = ext(r, 'K');
      members.external.push(out.externalRef);
      t.add(out);
      t.events.sort((a, b) => a.tsMs - b.tsMs);
      Object.assign(params, {
        intermediates: middles.length,
        total: formatAmount(total),
        gathered: formatAmount(gathered),
      });
      return true;
    },

    gather_scatter(t, pick, members, params) {
      const r = t.random;
      const hub = pick.customer();
      if (!hub) return false;
      memberCustomer(members, hub);
      const sourceCount = r.between(4, 10);
      const receiverCount = r.between(4, 10);
      let gathered = 0n;
      let sources = 0;
      for (let i = 0; i < sourceCount; i++) {
        const source = pick.customer();
        if (!source) break;
        memberCustomer(members, source);
        const amount = roundYuan(r.logNormal(20_000, 0.5), 100);
        t.wait(10 * MINUTE, 4 * HOUR);
        t.pay('cash_deposit', source.index, bank.cash, source.account, amount, 'counter');
        t.wait(10 * MINUTE, 2 * HOUR);
        t.appPay('p2p', source, hub.account, amount);
        gathered += amount;
        sources++;
      }
      if (sources < 2) return false;
      const parts = unevenSplit(r, scale(gathered, r.uniform(0.9, 0.98)), receiverCount);
      let receivers = 0;
      for (const part of parts) {
        const receiver = pick.customer();
        if (!receiver) break;
        memberCustomer(members, receiver);
        t.wait(10 * MINUTE, 6 * HOUR);
        t.appPay('p2p', hub, receiver.account, part);
        receivers++;
      }
      Object.assign(params, { sources, receivers, gathered: formatAmount(gathered) });
      return true;
    },

    structuring(t, pick, members, params) {
      const r = t.random;
      const smurfCount = r.chance(0.7) ? 1 : r.between(2, 3);
      const smurfs: Customer[] = [];
      for (let i = 0; i < smurfCount; i++) {
        const smurf = pick.customer();
        if (!smurf) break;
        smurfs.push(smurf);
        memberCustomer(members, smurf);
      }
      if (smurfs.length === 0) return false;
      const viaTransfers = r.chance(0.25);
      const threshold = viaTransfers ? transferThreshold : cashThreshold;
      const deposits = r.between(3, 10);
      const spanDays = r.between(1, 7);
      const start = t.ts - ((t.ts - world.startMs) % DAY_MS);
      const totals = new Map<Customer, bigint>();
      const amounts: string[] = [];
      for (let i = 0; i < deposits; i++) {
        const smurf = smurfs[i % smurfs.length] as Customer;
        // Just under the line: 86–99.8% of the threshold, in whole hundreds of yuan, never at or above it.
        let amount = (scale(threshold, r.uniform(0.86, 0.998)) / 10_000n) * 10_000n;
        if (amount >= threshold) amount = threshold - 10_000n;
        const at = start + r.int(spanDays) * DAY_MS + (9 + r.int(8)) * HOUR + r.int(HOUR);
        const event = viaTransfers
          ? payment(at, 'transfer_in', smurf.index, bank.external, smurf.account, amount, 'bank')
          : payment(at, 'cash_deposit', smurf.index, bank.cash, smurf.account, amount, 'counter');
        if (viaTransfers) {
          event.externalRef = ext(r, 'X');
          members.external.push(event.externalRef);
        }
        t.add(event);
        totals.set(smurf, (totals.get(smurf) ?? 0n) + amount);
        amounts.push(formatAmount(amount));
      }
      const collector = ext(r, 'K');
      members.external.push(collector);
      for (const [smurf, total] of totals) {
        const out = payment(
          start + spanDays * DAY_MS + (10 + r.int(6)) * HOUR,
          'transfer_out',
          smurf.index,
          smurf.account,
          bank.external,
          scale(total, r.uniform(0.9, 0.99)),
          'app',
        );
        out.device = smurf.devices[0] as string;
        out.ip = smurf.homeIp;
        out.externalRef = collector;
        t.add(out);
      }
      t.events.sort((a, b) => a.tsMs - b.tsMs);
      Object.assign(params, {
        channel: viaTransfers ? 'transfer' : 'cash',
        threshold: formatAmount(threshold),
        smurfs: smurfs.length,
        deposits,
        spanDays,
        amounts,
      });
      return true;
    },

    dormant_reactivation(t, pick, members, params) {
      const r = t.random;
      const sleeper = pick.customer((c) => c.dormant);
      if (!sleeper) return false;
      memberCustomer(members, sleeper);
      const account = world.accounts[sleeper.account];
      const dormantDays = account?.lastActiveBeforeStartMs
        ? Math.floor((t.ts - account.lastActiveBeforeStartMs) / DAY_MS)
        : null;
      const device = r.chance(0.6) ? deviceId(r) : (sleeper.devices[0] as string);
      const ip = ipInBlock(r, r.pick(REGIONS[sleeper.region]?.ipBlocks ?? PROXY_BLOCKS));
      const login = t.add(newEvent(t.ts, 'login', 'sms_code', sleeper.index));
      login.device = device;
      login.ip = ip;
      login.channel = 'app';
      const inflowCount = r.between(1, 3);
      let total = 0n;
      for (let i = 0; i < inflowCount; i++) {
        t.wait(10 * MINUTE, 12 * HOUR);
        const amount = roundYuan(r.logNormal(60_000, 0.7), 100);
        const ref = ext(r, 'X');
        members.external.push(ref);
        t.pay('transfer_in', sleeper.index, bank.external, sleeper.account, amount, 'bank').externalRef = ref;
        total += amount;
      }
      const outCount = r.between(2, 6);
      const parts = unevenSplit(r, scale(total, r.uniform(0.9, 0.99)), outCount);
      for (const part of parts) {
        t.wait(20 * MINUTE, 24 * HOUR);
        const out = t.pay('transfer_out', sleeper.index, sleeper.account, bank.external, part, 'app');
        out.device = device;
        out.ip = ip;
        out.externalRef = ext(r, 'K');
        members.external.push(out.externalRef);
      }
      Object.assign(params, {
        dormantDays,
        inflows: inflowCount,
        outflows: outCount,
        total: formatAmount(total),
        newDevice: device !== sleeper.devices[0],
      });
      return true;
    },
  };

  const scenarios: Scenario[] = [];
  const expected: Record<string, number> = {};
  const placed: Record<string, number> = {};
  const counters = { fraud: 0, aml: 0 };
  const plan = (domain: 'fraud' | 'aml', type: FraudType | AmlTypology, rate: number) => {
    const mean = (rate * config.customers * config.days) / (1000 * 30);
    expected[type] = mean;
    placed[type] = 0;
    const count = random.roundStochastic(mean);
    for (let i = 0; i < count; i++) {
      // Start early enough that most of the scenario falls inside the run.
      const lastStartDay = Math.max(0, config.days - 3);
      const startMs = world.startMs + random.int(lastStartDay + 1) * DAY_MS + random.int(DAY_MS);
      const timeline = new Timeline(random, world, startMs);
      const members: ScenarioMembers = { customers: [], accounts: [], merchants: [], external: [] };
      const params: Record<string, unknown> = {};
      if (!generators[type](timeline, pick, members, params)) continue;
      const events = timeline.events.filter((e) => e.tsMs >= world.startMs && e.tsMs < endMs);
      if (events.length === 0) continue;
      const index = scenarios.length;
      for (const event of events) {
        if (domain === 'fraud') event.fraud = index;
        else event.aml = index;
      }
      counters[domain]++;
      placed[type] = (placed[type] ?? 0) + 1;
      scenarios.push({
        index,
        id: `${domain === 'fraud' ? 'FRD' : 'AML'}${String(counters[domain]).padStart(6, '0')}`,
        domain,
        type,
        params,
        members,
        events,
        eventIds: [],
        startMs: events[0]?.tsMs ?? startMs,
        endMs: events[events.length - 1]?.tsMs ?? startMs,
      });
    }
  };
  for (const type of FRAUD_TYPES) plan('fraud', type, config.fraudRates[type]);
  for (const type of AML_TYPOLOGIES) plan('aml', type, config.amlRates[type]);
  return { scenarios, expected, placed };
}

function requireAmount(text: string): bigint {
  const parsed = parseAmount(text, 'CNY');
  assert(parsed.ok, `bad amount ${text}`);
  return parsed.value;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function formatAmount(minor: bigint): string {
  return formatMinor(minor, 'CNY');
}
