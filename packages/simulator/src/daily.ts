import { ipInBlock, deviceId as newDeviceId, REGIONS } from './china.ts';
import { fen, newEvent, payment, roundYuan, type SimEvent } from './event.ts';
import { CATEGORIES, categoryIndex } from './merchant-categories.ts';
import { hashInts, type SimRandom, WeightedPicker } from './random.ts';
import { type CalendarDay, type Customer, DAY_MS, OCCUPATIONS, type World } from './world.ts';

/**
 * Everyday life of one customer on one day: logins, shopping, bills, salary, rent, P2P among
 * friends, cash and transfers to other banks. Rates follow the customer's activity level, the
 * weekday and the month; amounts are log-normal per category; times follow hourly profiles.
 */
const HOUR_MS = 3_600_000;
const hours = (weights: readonly number[]) =>
  new WeightedPicker(
    weights.map((_, hour) => hour),
    weights,
  );
const LOGIN_HOURS = hours([1, 0.5, 0.3, 0.2, 0.2, 0.4, 2, 5, 7, 6, 5, 6, 8, 6, 5, 5, 5, 6, 7, 8, 9, 9, 6, 3]);
const P2P_HOURS = hours([1, 0.5, 0.2, 0.1, 0.1, 0.2, 1, 2, 3, 4, 5, 6, 7, 5, 4, 4, 5, 6, 8, 10, 10, 9, 6, 3]);
const WORK_HOURS = hours([0, 0, 0, 0, 0, 0, 0, 0.5, 3, 8, 10, 8, 4, 6, 8, 8, 6, 3, 1, 0.5, 0, 0, 0, 0]);
const CATEGORY_HOURS = CATEGORIES.map((category) => hours(category.hours));

/** Category pickers by life stage, for offline and online shopping (bills and lottery are drawn apart). */
function categoryPicker(stage: 0 | 1 | 2, online: boolean): WeightedPicker<number> {
  const indices = CATEGORIES.map((_, index) => index).filter((index) => {
    const category = CATEGORIES[index];
    return category !== undefined && category.online === online && category.lifeStageWeights[stage] > 0;
  });
  return new WeightedPicker(
    indices,
    indices.map((index) => CATEGORIES[index]?.lifeStageWeights[stage] ?? 0),
  );
}
const OFFLINE = [categoryPicker(0, false), categoryPicker(1, false), categoryPicker(2, false)] as const;
const ONLINE = [categoryPicker(0, true), categoryPicker(1, true), categoryPicker(2, true)] as const;
const LOTTERY = categoryIndex('lottery');
const UTILITIES = categoryIndex('utilities');
const TELECOM = categoryIndex('telecom');
const FUEL = categoryIndex('fuel');
const TRANSIT = categoryIndex('transit');
const RED_PACKETS = [6.66, 8.88, 16.8, 52, 66.66, 88.88, 99, 188, 200, 520] as const;
const SELF_EMPLOYED = OCCUPATIONS.findIndex((o) => o.key === 'self_employed');
const FREELANCER = OCCUPATIONS.findIndex((o) => o.key === 'freelancer');
const STUDENT = OCCUPATIONS.findIndex((o) => o.key === 'student');
const RETIREE = OCCUPATIONS.findIndex((o) => o.key === 'retiree');

/** A uniform number in [0, 1) fixed for (customer, salt): a customer's stable habits. */
function habit(customer: number, salt: number): number {
  return hashInts(customer, salt) / 4294967296;
}

export interface DayContext {
  readonly world: World;
  readonly day: CalendarDay;
  readonly out: SimEvent[];
  /** Schedules an event on a later day (refunds). */
  readonly later: (day: number, event: SimEvent) => void;
}

export function pickMerchant(world: World, random: SimRandom, customer: Customer, category: number): number {
  const local = world.merchantsByRegionCategory[customer.region * CATEGORIES.length + category];
  const list = local && local.length > 0 ? local : (world.merchantsByCategory[category] ?? []);
  if (list.length === 0) return -1;
  // Two thirds of purchases go to one of three favourite shops of the category.
  const slot = random.chance(0.65) ? hashInts(customer.index, category, random.int(3)) : random.u32();
  return list[slot % list.length] as number;
}

export function customerDay(context: DayContext, customer: Customer, random: SimRandom): void {
  const { world, day, out } = context;
  const c = customer.index;
  const account = customer.account;
  const { external, cash } = world.bank;
  const region = REGIONS[customer.region];
  if (region === undefined) return;
  const weekend = day.weekday === 0 || day.weekday === 6;
  const activity = customer.activity;
  const income = customer.monthlyIncomeCny;
  const incomeScale = (income / 8000) ** 0.3;
  const device =
    customer.devices.length > 1 && random.chance(0.25)
      ? (customer.devices[1] as string)
      : (customer.devices[0] as string);
  const ip = random.chance(0.55) ? customer.homeIp : ipInBlock(random, random.pick(region.ipBlocks));
  const start = day.startMs;

  // Logins to the app (some mistyped passwords).
  const logins = random.poisson(1.3 * activity * (customer.lifeStage === 2 ? 0.6 : 1));
  for (let i = 0; i < logins; i++) {
    const ts = at(start, LOGIN_HOURS, random);
    if (random.chance(0.04)) {
      const failed = viaApp(device, ip, newEvent(ts - 20_000, 'login', 'password', c));
      failed.status = 'failed';
      failed.reason = 'wrong_password';
      failed.channel = 'app';
      out.push(failed);
    }
    const login = viaApp(device, ip, newEvent(ts, 'login', 'password', c));
    login.channel = 'app';
    out.push(login);
  }

  // Shopping: offline (QR code or card at the till) and online; weekends busier, festivals online.
  const afterPayday = customer.payday > 0 && day.dayOfMonth >= customer.payday && day.dayOfMonth < customer.payday + 4;
  const offline = random.poisson(1.15 * activity * (weekend ? 1.25 : 1) * (afterPayday ? 1.1 : 1));
  const online = random.poisson(0.45 * activity * day.festival * (afterPayday ? 1.1 : 1));
  const lottery = random.poisson(0.02 * activity * Math.exp(0.9 * customer.latentRisk));
  for (let i = 0; i < offline + online + lottery; i++) {
    const isOnline = i >= offline && i < offline + online;
    const category = i >= offline + online ? LOTTERY : (isOnline ? ONLINE : OFFLINE)[customer.lifeStage].pick(random);
    const info = CATEGORIES[category];
    const merchantIndex = pickMerchant(world, random, customer, category);
    if (info === undefined || merchantIndex < 0) continue;
    const merchant = world.merchants[merchantIndex];
    if (merchant === undefined) continue;
    const cny = random.logNormal(info.medianCny * incomeScale, info.sigma);
    const amount =
      category === FUEL ? roundYuan(cny, 10) : category === TRANSIT ? BigInt(random.between(2, 8) * 100) : fen(cny);
    const channel = isOnline ? 'online' : random.chance(0.72) ? 'qr' : 'pos';
    const event = payment(
      at(start, CATEGORY_HOURS[category] as WeightedPicker<number>, random),
      'purchase',
      c,
      account,
      merchant.account,
      amount,
      channel,
    );
    event.merchant = merchantIndex;
    if (channel !== 'pos') viaApp(device, ip, event);
    out.push(event);
    // About 3% of online orders are returned and refunded a few days later.
    if (isOnline && random.chance(0.03)) {
      const refundDay = day.index + random.between(2, 10);
      const refund = payment(
        world.startMs + refundDay * DAY_MS + WORK_HOURS.pick(random) * HOUR_MS + random.int(HOUR_MS),
        'refund',
        c,
        merchant.account,
        account,
        amount,
        'online',
      );
      refund.merchant = merchantIndex;
      context.later(refundDay, refund);
    }
  }

  // Salary or pension on payday (earlier when payday falls on a weekend); irregular income for the self-employed.
  const occupation = customer.occupation;
  if (occupation === SELF_EMPLOYED || occupation === FREELANCER) {
    if (random.chance(0.15)) {
      const event = payment(
        at(start, WORK_HOURS, random),
        'transfer_in',
        c,
        external,
        account,
        fen(random.logNormal(income / 3, 0.6)),
        'bank',
      );
      event.externalRef = `X${String(hashInts(c, random.int(6)) % 1_000_000).padStart(6, '0')}`;
      out.push(event);
    }
  } else if (occupation === STUDENT) {
    if (day.paid[1] === 1) {
      const parent = world.customers[customer.parent];
      const amount = roundYuan(income * (0.9 + 0.2 * random.float()), 100);
      const event = parent
        ? viaApp(
            device,
            ip,
            payment(at(start, P2P_HOURS, random), 'allowance', parent.index, parent.account, account, amount, 'app'),
          )
        : payment(at(start, WORK_HOURS, random), 'transfer_in', c, external, account, amount, 'bank');
      if (parent) {
        event.device = parent.devices[0] as string;
        event.ip = parent.homeIp;
      } else event.externalRef = 'FAMILY';
      out.push(event);
    }
  } else if (customer.payday > 0 && day.paid[customer.payday] === 1) {
    const amount = fen(income * (1 + 0.03 * random.normal()));
    const event = payment(
      day.startMs + (9 + random.int(3)) * HOUR_MS + random.int(HOUR_MS),
      occupation === RETIREE ? 'pension' : 'salary',
      c,
      external,
      account,
      amount,
      'bank',
    );
    event.externalRef = customer.employerRef;
    out.push(event);
  }

  // Monthly bills on the customer's bill day: utilities by direct debit, a phone top-up in the app.
  if (day.dayOfMonth === customer.billDay) {
    const utility = pickMerchant(world, random, customer, UTILITIES);
    const telecom = pickMerchant(world, random, customer, TELECOM);
    if (utility >= 0) {
      const cny = random.logNormal((region.tier === 1 ? 230 : 170) * (customer.lifeStage === 0 ? 0.7 : 1), 0.45);
      const event = payment(
        at(start, WORK_HOURS, random),
        'bill',
        c,
        account,
        world.merchants[utility]?.account ?? -1,
        fen(cny),
        'auto_debit',
      );
      event.merchant = utility;
      out.push(event);
    }
    if (telecom >= 0) {
      const amount = BigInt(random.pick([30, 50, 50, 100, 100, 200]) * 100);
      const event = viaApp(
        device,
        ip,
        payment(
          at(start, LOGIN_HOURS, random),
          'bill',
          c,
          account,
          world.merchants[telecom]?.account ?? -1,
          amount,
          'app',
        ),
      );
      event.merchant = telecom;
      out.push(event);
    }
  }

  // Rent to a landlord who is also a customer, early each month, the same amount every month.
  if (customer.landlord >= 0 && day.dayOfMonth === 1 + (customer.billDay % 5)) {
    const landlord = world.customers[customer.landlord];
    if (landlord) {
      const rent = roundYuan(income * (0.2 + 0.15 * habit(c, 11)), 100);
      out.push(
        viaApp(device, ip, payment(at(start, P2P_HOURS, random), 'rent', c, account, landlord.account, rent, 'app')),
      );
    }
  }

  // P2P among friends: red packets (lucky amounts) and ordinary transfers.
  const friendsFrom = world.friendStart[c] ?? 0;
  const friendCount = (world.friendStart[c + 1] ?? 0) - friendsFrom;
  if (friendCount > 0) {
    const p2p = random.poisson(0.12 * activity * (weekend ? 1.2 : 1));
    for (let i = 0; i < p2p; i++) {
      const friend = world.customers[world.friendIndex[friendsFrom + random.int(friendCount)] ?? 0];
      if (!friend) continue;
      const amount = random.chance(0.3)
        ? fen(random.pick(RED_PACKETS))
        : random.chance(0.5)
          ? roundYuan(random.logNormal(200 * Math.sqrt(income / 8000), 1), 10)
          : fen(random.logNormal(150 * Math.sqrt(income / 8000), 1));
      out.push(
        viaApp(device, ip, payment(at(start, P2P_HOURS, random), 'p2p', c, account, friend.account, amount, 'app')),
      );
    }
  }

  // Cash: ATM withdrawals (older customers more), deposits (shopkeepers often, sometimes near the reporting line).
  if (random.chance(0.02 * (customer.lifeStage === 2 ? 3 : 1))) {
    const amount = BigInt(random.pick([1, 2, 3, 5, 10, 20]) * 10_000);
    out.push(payment(at(start, WORK_HOURS, random), 'cash_withdrawal', c, account, cash, amount, 'atm'));
  }
  const depositRate = occupation === SELF_EMPLOYED ? 0.08 : 0.004;
  if (random.chance(depositRate)) {
    const median = occupation === SELF_EMPLOYED ? 9000 : 2000;
    out.push(
      payment(
        at(start, WORK_HOURS, random),
        'cash_deposit',
        c,
        cash,
        account,
        roundYuan(random.logNormal(median, 0.8), 100),
        'counter',
      ),
    );
  }

  // Transfers to and from other banks; now and then a large legitimate one (a car, a deposit on a flat).
  if (random.chance(0.03 * activity)) {
    const event = viaApp(
      device,
      ip,
      payment(
        at(start, P2P_HOURS, random),
        'transfer_out',
        c,
        account,
        external,
        fen(random.logNormal(800 * incomeScale, 1.1)),
        'app',
      ),
    );
    event.externalRef = `X${String(hashInts(c, 7, random.int(4)) % 1_000_000).padStart(6, '0')}`;
    out.push(event);
  }
  if (random.chance(0.02 * activity)) {
    const event = payment(
      at(start, WORK_HOURS, random),
      'transfer_in',
      c,
      external,
      account,
      fen(random.logNormal(1000 * incomeScale, 1)),
      'bank',
    );
    event.externalRef = `X${String(hashInts(c, 8, random.int(4)) % 1_000_000).padStart(6, '0')}`;
    out.push(event);
  }
  if (random.chance(0.0015)) {
    const event = viaApp(
      device,
      ip,
      payment(
        at(start, WORK_HOURS, random),
        'transfer_out',
        c,
        account,
        external,
        roundYuan(random.logNormal(40_000 * incomeScale, 0.8), 1000),
        'app',
      ),
    );
    event.externalRef = `X${String(random.int(1_000_000)).padStart(6, '0')}`;
    out.push(event);
  }

  // Ordinary account changes: a new payee, a password reset, a new phone (and its first login).
  if (random.chance(0.01 * activity))
    out.push(change(viaApp(device, ip, newEvent(at(start, LOGIN_HOURS, random), 'account_change', 'payee_added', c))));
  if (random.chance(0.002))
    out.push(
      change(viaApp(device, ip, newEvent(at(start, LOGIN_HOURS, random), 'account_change', 'password_reset', c))),
    );
  if (random.chance(0.0015)) {
    const ts = at(start, LOGIN_HOURS, random);
    const fresh = newDeviceId(random);
    const login = newEvent(ts, 'login', 'sms_code', c);
    login.device = fresh;
    login.ip = ip;
    login.channel = 'app';
    out.push(login);
    const bind = change(newEvent(ts + 40_000, 'account_change', 'device_bind', c));
    bind.device = fresh;
    bind.ip = ip;
    out.push(bind);
  }
}

function at(dayStartMs: number, picker: WeightedPicker<number>, random: SimRandom): number {
  return dayStartMs + picker.pick(random) * HOUR_MS + random.int(HOUR_MS);
}

function viaApp(device: string, ip: string, event: SimEvent): SimEvent {
  event.device = device;
  event.ip = ip;
  return event;
}

function change(event: SimEvent): SimEvent {
  event.channel = 'app';
  return event;
}
