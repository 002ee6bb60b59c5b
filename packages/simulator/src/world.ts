import { assert } from '@zhirong/kernel';
import {
  DEVICE_MODELS,
  DEVICE_PICKER,
  deviceId,
  ipInBlock,
  mobileNumber,
  personName,
  REGION_PICKER,
  REGIONS,
  SURNAMES,
} from './china.ts';
import type { SimulationConfig } from './config.ts';
import { CATEGORIES } from './merchant-categories.ts';
import { type SimRandom, STREAM, type StreamFactory, WeightedPicker } from './random.ts';
import { makeResidentId } from './resident-id.ts';

export const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year. */
export const LOCAL_OFFSET_MS = 8 * 3_600_000;

export interface Occupation {
  readonly key: string;
  readonly zh: string;
  /** Median monthly income in CNY in a tier-2 city. */
  readonly medianIncomeCny: number;
  readonly sigma: number;
}

export const OCCUPATIONS: readonly Occupation[] = [
  { key: 'office_worker', zh: '职员', medianIncomeCny: 8000, sigma: 0.4 },
  { key: 'factory_worker', zh: '工人', medianIncomeCny: 5500, sigma: 0.3 },
  { key: 'teacher', zh: '教师', medianIncomeCny: 8500, sigma: 0.3 },
  { key: 'civil_servant', zh: '公务员', medianIncomeCny: 9000, sigma: 0.3 },
  { key: 'doctor', zh: '医生', medianIncomeCny: 12000, sigma: 0.4 },
  { key: 'engineer', zh: '工程师', medianIncomeCny: 13000, sigma: 0.4 },
  { key: 'self_employed', zh: '个体经营', medianIncomeCny: 9000, sigma: 0.8 },
  { key: 'sales', zh: '销售', medianIncomeCny: 7000, sigma: 0.5 },
  { key: 'driver', zh: '司机', medianIncomeCny: 6500, sigma: 0.3 },
  { key: 'farmer', zh: '农民', medianIncomeCny: 3500, sigma: 0.4 },
  { key: 'freelancer', zh: '自由职业', medianIncomeCny: 6000, sigma: 0.7 },
  { key: 'student', zh: '学生', medianIncomeCny: 1500, sigma: 0.4 },
  { key: 'retiree', zh: '退休', medianIncomeCny: 4000, sigma: 0.4 },
];
export const OCCUPATION = Object.fromEntries(OCCUPATIONS.map((o, index) => [o.key, index])) as Record<string, number>;
const WORKING = new WeightedPicker(
  OCCUPATIONS.map((_, index) => index).filter((i) => !['student', 'retiree'].includes(OCCUPATIONS[i]?.key ?? '')),
  [18, 14, 6, 5, 4, 8, 10, 9, 6, 6, 6],
);
const TIER_INCOME = [0, 1.45, 1.0, 0.8] as const;

export type AccountKind =
  | 'personal_deposit'
  | 'merchant_settlement'
  | 'external_clearing'
  | 'cash_vault'
  | 'loans_receivable'
  | 'opening_equity';

export interface Account {
  readonly index: number;
  readonly id: string;
  readonly kind: AccountKind;
  readonly ownerType: 'customer' | 'merchant' | 'bank';
  readonly ownerId: string;
  /** The ledger account type these balances map to. */
  readonly ledgerType: 'liability' | 'asset' | 'equity';
  /** A customer or merchant deposit: it may not be overdrawn. Bank accounts have no limit. */
  readonly limited: boolean;
  readonly openedAtMs: number;
  readonly openingBalanceMinor: bigint;
  /** The last activity before the run started, for accounts that have been dormant. */
  readonly lastActiveBeforeStartMs: number | null;
}

export interface Customer {
  readonly index: number;
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly sex: 'M' | 'F';
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly age: number;
  readonly residentId: string;
  readonly phone: string;
  readonly region: number;
  readonly occupation: number;
  readonly monthlyIncomeMinor: bigint;
  readonly monthlyIncomeCny: number;
  /** 0 young adult (18–29), 1 adult (30–59), 2 senior (60+). */
  readonly lifeStage: 0 | 1 | 2;
  /** How busy this customer is: multiplies the daily rates (log-normal, median 1). */
  readonly activity: number;
  /** Latent credit risk, standard normal. Hidden: it drives behaviour and loan outcomes, never written. */
  readonly latentRisk: number;
  /** Day of month (1–28) the salary or pension arrives; 0 for none. */
  readonly payday: number;
  readonly billDay: number;
  /** Customer index of the landlord the rent goes to, or −1. */
  readonly landlord: number;
  /** Customer index of the parent who sends a student's allowance, or −1. */
  readonly parent: number;
  readonly employerRef: string;
  readonly devices: readonly string[];
  readonly deviceModels: readonly number[];
  readonly homeIp: string;
  readonly dormant: boolean;
  readonly account: number;
  readonly registeredAtMs: number;
}

export interface Merchant {
  readonly index: number;
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly category: number;
  readonly region: number;
  readonly account: number;
  readonly openedAtMs: number;
}

export interface CalendarDay {
  readonly index: number;
  /** UTC instant of local midnight. */
  readonly startMs: number;
  /** YYYY-MM-DD (local). */
  readonly date: string;
  /** 0 Sunday … 6 Saturday. */
  readonly weekday: number;
  readonly dayOfMonth: number;
  readonly daysInMonth: number;
  /** paid[p] is true when a salary nominally due on day p (1–28) is paid today (earlier if it falls on a weekend). */
  readonly paid: Uint8Array;
  /** Online shopping festivals (6.18, 11.11, 12.12) and their eves. */
  readonly festival: number;
}

export interface World {
  readonly config: SimulationConfig;
  readonly streams: StreamFactory;
  readonly startMs: number;
  readonly calendar: readonly CalendarDay[];
  readonly customers: readonly Customer[];
  readonly merchants: readonly Merchant[];
  readonly accounts: readonly Account[];
  /** Friends (both directions) of customer i: friendIndex[friendStart[i] … friendStart[i+1]). */
  readonly friendStart: Int32Array;
  readonly friendIndex: Int32Array;
  readonly merchantsByCategory: readonly (readonly number[])[];
  /** Offline merchants of category c in region r: merchantsByRegionCategory[r * CATEGORIES.length + c]. */
  readonly merchantsByRegionCategory: readonly (readonly number[])[];
  readonly customersByRegion: readonly (readonly number[])[];
  /** The bank's own accounts. */
  readonly bank: { readonly external: number; readonly cash: number; readonly loans: number; readonly equity: number };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export function customerId(index: number): string {
  return `CU${pad(index + 1, 8)}`;
}
export function merchantId(index: number): string {
  return `ME${pad(index + 1, 7)}`;
}
export function accountId(index: number): string {
  return `AC${pad(index + 1, 9)}`;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function buildCalendar(startDate: string, days: number): CalendarDay[] {
  const startUtcMidnight = Date.parse(`${startDate}T00:00:00Z`);
  const out: CalendarDay[] = [];
  for (let index = 0; index < days; index++) {
    const local = new Date(startUtcMidnight + index * DAY_MS);
    const year = local.getUTCFullYear();
    const month = local.getUTCMonth();
    const dayOfMonth = local.getUTCDate();
    const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    const paid = new Uint8Array(29);
    for (let p = 1; p <= 28; p++) {
      let due = p;
      const weekday = new Date(Date.UTC(year, month, due)).getUTCDay();
      if (weekday === 6) due -= 1;
      else if (weekday === 0) due -= 2;
      if (due < 1) due = p; // never pay in the previous month
      if (due === dayOfMonth) paid[p] = 1;
    }
    const md = (month + 1) * 100 + dayOfMonth;
    const festival = md === 618 || md === 1111 || md === 1212 ? 3 : md === 617 || md === 1110 || md === 1211 ? 1.6 : 1;
    out.push({
      index,
      startMs: startUtcMidnight + index * DAY_MS - LOCAL_OFFSET_MS,
      date: isoDate(local.getTime()),
      weekday: local.getUTCDay(),
      dayOfMonth,
      daysInMonth,
      paid,
      festival,
    });
  }
  return out;
}

function ageBand(random: SimRandom): number {
  const bands: readonly [number, number, number][] = [
    [18, 24, 12],
    [25, 34, 22],
    [35, 44, 20],
    [45, 54, 18],
    [55, 64, 15],
    [65, 85, 13],
  ];
  let target = random.float() * 100;
  for (const [low, high, weight] of bands) {
    if (target < weight) return random.between(low, high);
    target -= weight;
  }
  return random.between(30, 40);
}

/** Builds the population: customers, merchants, their accounts, the bank's accounts and the social graph. */
export function buildWorld(config: SimulationConfig, streams: StreamFactory): World {
  const calendar = buildCalendar(config.startDate, config.days);
  const startMs = calendar[0]?.startMs ?? 0;
  const startYear = Number(config.startDate.slice(0, 4));
  const accounts: Account[] = [];
  const customers: Customer[] = [];
  const customersByRegion: number[][] = REGIONS.map(() => []);

  // Customers. Each draws from its own stream, so customer i is the same in a run of any size.
  for (let index = 0; index < config.customers; index++) {
    const random = streams.stream(STREAM.customer, index);
    const region = REGION_PICKER.pick(random);
    const regionInfo = REGIONS[region];
    assert(regionInfo !== undefined, 'region');
    const sex = random.chance(0.51) ? 'M' : 'F';
    const age = ageBand(random);
    const birthMs = Date.parse(`${startYear - age}-01-01T00:00:00Z`) - random.int(365) * DAY_MS;
    const birthDate = isoDate(birthMs);
    const retired = age >= (sex === 'M' ? 60 : 55) && random.chance(0.85);
    const occupation = retired
      ? (OCCUPATION.retiree as number)
      : age <= 22 && random.chance(0.6)
        ? (OCCUPATION.student as number)
        : WORKING.pick(random);
    const occupationInfo = OCCUPATIONS[occupation] as Occupation;
    const latentRisk = random.normal();
    const incomeCny =
      occupationInfo.medianIncomeCny *
      TIER_INCOME[regionInfo.tier] *
      Math.exp(occupationInfo.sigma * random.normal() - 0.08 * latentRisk) *
      (age < 25 && occupationInfo.key !== 'student' ? 0.75 : 1);
    const monthlyIncomeMinor = BigInt(Math.max(80_000, Math.round(incomeCny) * 100));
    const name = personName(random, sex, startYear - age);
    const residentId = makeResidentId(
      { regionCode: regionInfo.code, birthDate: birthDate.replaceAll('-', ''), sex },
      random.int(500),
    );
    const deviceCount = random.chance(0.2) ? 2 : 1;
    const devices: string[] = [];
    const deviceModels: number[] = [];
    for (let d = 0; d < deviceCount; d++) {
      devices.push(deviceId(random));
      deviceModels.push(DEVICE_PICKER.pick(random));
    }
    const tenureDays = Math.min(4000, Math.round(random.logNormal(900, 0.8)));
    const dormant = random.chance(config.dormantShare);
    const accountIndex = accounts.length;
    const registeredAtMs = startMs - (tenureDays + (dormant ? 400 : 0)) * DAY_MS - random.int(DAY_MS);
    const openingMonths = random.logNormal(1.6, 0.9) * Math.exp(-0.35 * latentRisk);
    const openingCny = dormant ? random.logNormal(300, 1.2) : incomeCny * openingMonths;
    accounts.push({
      index: accountIndex,
      id: accountId(accountIndex),
      kind: 'personal_deposit',
      ownerType: 'customer',
      ownerId: customerId(index),
      ledgerType: 'liability',
      limited: true,
      openedAtMs: registeredAtMs,
      openingBalanceMinor: BigInt(Math.round(openingCny * 100)),
      // Dormant for 180–900 days, and never since before the account was opened.
      lastActiveBeforeStartMs: dormant
        ? startMs - random.between(180, Math.min(900, tenureDays + 399)) * DAY_MS - random.int(DAY_MS)
        : null,
    });
    const isStudent = occupationInfo.key === 'student';
    const isRetiree = occupationInfo.key === 'retiree';
    customers.push({
      index,
      id: customerId(index),
      nameZh: name.zh,
      nameEn: name.en,
      sex,
      birthDate,
      age,
      residentId,
      phone: mobileNumber(random),
      region,
      occupation,
      monthlyIncomeMinor,
      monthlyIncomeCny: Number(monthlyIncomeMinor) / 100,
      lifeStage: age < 30 ? 0 : age < 60 ? 1 : 2,
      activity: random.logNormal(1, 0.45) * (dormant ? 0 : 1),
      latentRisk,
      payday: isStudent ? 1 : isRetiree ? 5 : random.pick([5, 10, 10, 15, 15, 15, 20, 25, 28]),
      billDay: random.between(1, 28),
      landlord: -1,
      parent: -1,
      employerRef: isStudent ? '' : isRetiree ? `SSF${regionInfo.code}` : `EMP${pad(random.int(5000), 5)}`,
      devices,
      deviceModels,
      homeIp: ipInBlock(random, random.pick(regionInfo.ipBlocks)),
      dormant,
      account: accountIndex,
      registeredAtMs,
    });
    customersByRegion[region]?.push(index);
  }

  // Landlords (renters pay rent to another customer in their city) and parents (who send students an allowance).
  for (const customer of customers) {
    const random = streams.stream(STREAM.social, customer.index, 1);
    const local = customersByRegion[customer.region] ?? [];
    const occupation = OCCUPATIONS[customer.occupation]?.key;
    const pickOther = (filter: (c: Customer) => boolean): number => {
      for (let attempt = 0; attempt < 8 && local.length > 1; attempt++) {
        const candidate = customers[local[random.int(local.length)] ?? 0];
        if (candidate && candidate.index !== customer.index && !candidate.dormant && filter(candidate))
          return candidate.index;
      }
      return -1;
    };
    const mutable = customer as { landlord: number; parent: number };
    if (occupation === 'student') mutable.parent = pickOther((c) => c.age >= 40 && c.age <= 65);
    else if (customer.age >= 22 && customer.age <= 45 && random.chance(0.3))
      mutable.landlord = pickOther((c) => c.age >= 35);
  }

  // Merchants: every category gets at least one, the rest by category share.
  const merchantCount = Math.max(
    CATEGORIES.length * 2,
    Math.round((config.customers * config.merchantsPerThousandCustomers) / 1000),
  );
  const shareTotal = CATEGORIES.reduce((sum, c) => sum + c.merchantShare, 0);
  const categoryPicker = new WeightedPicker(
    CATEGORIES.map((_, index) => index),
    CATEGORIES.map((c) => c.merchantShare / shareTotal),
  );
  const merchants: Merchant[] = [];
  const merchantsByCategory: number[][] = CATEGORIES.map(() => []);
  const merchantsByRegionCategory: number[][] = Array.from({ length: REGIONS.length * CATEGORIES.length }, () => []);
  for (let index = 0; index < merchantCount; index++) {
    const random = streams.stream(STREAM.merchant, index);
    const category = index < CATEGORIES.length ? index : categoryPicker.pick(random);
    const info = CATEGORIES[category];
    assert(info !== undefined, 'category');
    const region = REGION_PICKER.pick(random);
    const regionInfo = REGIONS[region];
    assert(regionInfo !== undefined, 'region');
    const [surnameZh, surnameEn] = random.pick(SURNAMES);
    const word = random.pick(info.nameZh);
    const nameZh = info.online ? `${surnameZh}氏${word}` : `${regionInfo.cityZh}${surnameZh}记${word}`;
    const nameEn = info.online ? `${surnameEn} ${info.nameEn}` : `${regionInfo.cityEn} ${surnameEn}'s ${info.nameEn}`;
    const accountIndex = accounts.length;
    const openedAtMs = startMs - Math.round(random.logNormal(1200, 0.7)) * DAY_MS;
    accounts.push({
      index: accountIndex,
      id: accountId(accountIndex),
      kind: 'merchant_settlement',
      ownerType: 'merchant',
      ownerId: merchantId(index),
      ledgerType: 'liability',
      limited: true,
      openedAtMs,
      openingBalanceMinor: BigInt(Math.round(random.logNormal(20_000, 0.8) * 100)),
      lastActiveBeforeStartMs: null,
    });
    merchants.push({
      index,
      id: merchantId(index),
      nameZh,
      nameEn,
      category,
      region,
      account: accountIndex,
      openedAtMs,
    });
    merchantsByCategory[category]?.push(index);
    if (!info.online) merchantsByRegionCategory[region * CATEGORIES.length + category]?.push(index);
  }

  // The bank's own accounts.
  const bankAccount = (kind: AccountKind, ledgerType: Account['ledgerType'], openingBalanceMinor = 0n): number => {
    const index = accounts.length;
    accounts.push({
      index,
      id: accountId(index),
      kind,
      ownerType: 'bank',
      ownerId: 'BANK',
      ledgerType,
      limited: false,
      openedAtMs: startMs - 4000 * DAY_MS,
      openingBalanceMinor,
      lastActiveBeforeStartMs: null,
    });
    return index;
  };
  // The opening balances were funded from the bank's equity: its balance is minus their sum.
  const funded = accounts.reduce((sum, account) => sum + account.openingBalanceMinor, 0n);
  const bank = {
    external: bankAccount('external_clearing', 'asset'),
    cash: bankAccount('cash_vault', 'asset'),
    loans: bankAccount('loans_receivable', 'asset'),
    equity: bankAccount('opening_equity', 'equity', -funded),
  };

  // Social graph: a few friends each, mostly in the same city, stored both ways (CSR arrays).
  const pairs: number[] = [];
  for (const customer of customers) {
    if (customer.dormant) continue;
    const random = streams.stream(STREAM.social, customer.index, 2);
    const wanted = 1 + random.poisson(2.5 * Math.sqrt(customer.activity));
    const local = customersByRegion[customer.region] ?? [];
    for (let k = 0; k < wanted; k++) {
      const pool = random.chance(0.75) && local.length > 1 ? local : null;
      const other = pool ? (pool[random.int(pool.length)] ?? 0) : random.int(customers.length);
      if (other !== customer.index && !customers[other]?.dormant) pairs.push(customer.index, other);
    }
  }
  const degree = new Int32Array(customers.length + 1);
  for (let i = 0; i < pairs.length; i++) {
    const node = (pairs[i] as number) + 1;
    degree[node] = (degree[node] as number) + 1;
  }
  for (let i = 1; i < degree.length; i++) degree[i] = (degree[i] as number) + (degree[i - 1] as number);
  const friendStart = Int32Array.from(degree);
  const fill = Int32Array.from(degree);
  const friendIndex = new Int32Array(pairs.length);
  const link = (from: number, to: number) => {
    const slot = fill[from] as number;
    friendIndex[slot] = to;
    fill[from] = slot + 1;
  };
  for (let i = 0; i < pairs.length; i += 2) {
    link(pairs[i] as number, pairs[i + 1] as number);
    link(pairs[i + 1] as number, pairs[i] as number);
  }

  return {
    config,
    streams,
    startMs,
    calendar,
    customers,
    merchants,
    accounts,
    friendStart,
    friendIndex,
    merchantsByCategory,
    merchantsByRegionCategory,
    customersByRegion,
    bank,
  };
}

export function deviceModelName(model: number): readonly [string, string] {
  const entry = DEVICE_MODELS[model];
  return entry ? [entry[0], entry[1]] : ['unknown', 'unknown'];
}
