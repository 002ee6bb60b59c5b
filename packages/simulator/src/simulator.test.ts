// Proves a simulated bank is consistent ground truth: every labelled event belongs to its injected scenario and every scenario's events are labelled, each pattern has its shape, base rates stay within tolerance, balances replay exactly, identities are valid, loans carry signal without leaking, and a seed reproduces the files byte for byte.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAmount } from '@zhirong/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AML_TYPOLOGIES, FRAUD_TYPES, SimulationConfigError, simulationConfig } from './config.ts';
import { FileSink, MemorySink } from './output.ts';
import { parseResidentId } from './resident-id.ts';
import { runSimulation, type SimulationSummary } from './run.ts';
import { auc, readCsvTable, readJsonl } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'zhirong-sim-'));
const config = {
  customers: 600,
  days: 45,
  seed: 11,
  startDate: '2026-03-02',
  dormantShare: 0.05,
  fraudRates: Object.fromEntries(FRAUD_TYPES.map((t) => [t, 6])),
  amlRates: Object.fromEntries(AML_TYPOLOGIES.map((t) => [t, 6])),
  loans: { applicationsPerCustomerYear: 8, defaultRate: 0.1 },
};
const fen = (text: string) => {
  const parsed = parseAmount(text, 'CNY', { allowZero: true, allowNegative: true });
  if (!parsed.ok) throw new Error(`bad amount ${text}`);
  return parsed.value;
};
const md5 = (path: string) => createHash('md5').update(readFileSync(path)).digest('hex');

type Row = Record<string, string>;
let summary: SimulationSummary;
let events: Row[];
let scenarios: Row[];
let customers: Map<string, Row>;
let accounts: Row[];
let loans: Row[];

/** events.csv has no quoted fields: a plain split is exact and fast. */
function readEvents(path: string): Row[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    if (cells.length !== columns.length) throw new Error(`bad row ${line}`);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

beforeAll(async () => {
  summary = await runSimulation(config, { sinks: [new FileSink({ dir: join(dir, 'a'), format: 'csv' })] });
  events = readEvents(join(dir, 'a', 'events.csv'));
  scenarios = readCsvTable(join(dir, 'a', 'scenarios.csv'));
  customers = new Map(readCsvTable(join(dir, 'a', 'customers.csv')).map((c) => [c.customer_id as string, c]));
  accounts = readCsvTable(join(dir, 'a', 'accounts.csv'));
  loans = readCsvTable(join(dir, 'a', 'loans.csv'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulated bank', () => {
  it('labels every event of a scenario and nothing else', () => {
    const byId = new Map(scenarios.map((s) => [s.scenario_id as string, s]));
    const listed = new Map<string, string>();
    for (const s of scenarios) {
      const ids = (s.event_ids ?? '').split(';').filter(Boolean);
      expect(ids.length, s.scenario_id).toBe(Number(s.event_count));
      expect(ids.length, s.scenario_id).toBeGreaterThan(0);
      for (const id of ids) {
        expect(listed.has(id), `${id} in two scenarios`).toBe(false);
        listed.set(id, s.scenario_id as string);
      }
    }
    let labelled = 0;
    const problems: string[] = [];
    for (const e of events) {
      const fraud = e.is_fraud === '1';
      const aml = e.is_aml === '1';
      const scenarioId = fraud ? e.fraud_scenario_id : aml ? e.aml_scenario_id : undefined;
      if ((fraud && aml) || fraud !== (e.fraud_scenario_id !== '') || aml !== (e.aml_scenario_id !== ''))
        problems.push(`${e.event_id}: inconsistent label columns`);
      if (scenarioId === undefined) {
        if (listed.has(e.event_id as string)) problems.push(`${e.event_id}: listed by a scenario but not labelled`);
        continue;
      }
      labelled++;
      const scenario = byId.get(scenarioId as string);
      if (!scenario) problems.push(`${e.event_id}: unknown scenario ${scenarioId}`);
      else if (
        scenario.domain !== (fraud ? 'fraud' : 'aml') ||
        (fraud ? e.fraud_type : e.aml_typology) !== scenario.type
      )
        problems.push(`${e.event_id}: label type differs from ${scenarioId}`);
      if (listed.get(e.event_id as string) !== scenarioId) problems.push(`${e.event_id}: not listed by ${scenarioId}`);
    }
    expect(problems).toEqual([]);
    expect(labelled).toBe(listed.size);
    expect(labelled).toBe(summary.counts.fraudEvents + summary.counts.amlEvents);
  });

  it('injects every fraud type and AML typology at the configured rate', () => {
    for (const type of [...FRAUD_TYPES, ...AML_TYPOLOGIES]) {
      expect(scenarios.filter((s) => s.type === type).length, type).toBeGreaterThan(0);
    }
    const failures = summary.baseRates.filter((rate) => !rate.within);
    expect(failures).toEqual([]);
    expect(summary.baseRates.map((r) => r.name)).toContain('loans.default_rate');
    expect(summary.baseRates.map((r) => r.name)).toContain('customers.dormant_share');
  });

  it('gives each pattern its shape', () => {
    const byEventId = new Map(events.map((e) => [e.event_id as string, e]));
    const eventsOf = (s: Row) => (s.event_ids ?? '').split(';').map((id) => byEventId.get(id) as Row);
    const money = (rows: Row[]) => rows.filter((e) => e.event_type === 'payment');
    const threshold = fen(simulationConfig(config).thresholds.cashReport);
    for (const s of scenarios) {
      const rows = eventsOf(s);
      const params = JSON.parse(s.params as string);
      switch (s.type) {
        case 'account_takeover': {
          const victim = customers.get((s.customers ?? '').split(';')[0] as string);
          const login = rows.find((e) => e.event_type === 'login' && e.status === 'success');
          expect(login?.device_id).toBe(params.attackerDevice);
          expect(login?.device_id).not.toBe(victim?.primary_device_id);
          const firstTransfer = rows.findIndex((e) => e.event_type === 'payment');
          expect(rows.slice(0, firstTransfer).some((e) => e.subtype === 'payee_added')).toBe(true);
          expect(money(rows).every((e) => e.device_id === params.attackerDevice)).toBe(true);
          break;
        }
        case 'card_testing': {
          const tiny = money(rows).filter((e) => fen(e.amount as string) <= 500n);
          expect(tiny.length).toBe(params.tests);
          expect(tiny.filter((e) => e.status === 'declined').length).toBe(params.declined);
          break;
        }
        case 'mule_network': {
          const ins = money(rows).filter((e) => e.subtype === 'transfer_in');
          const outs = money(rows).filter((e) => e.subtype === 'transfer_out');
          expect(ins.length).toBeGreaterThan(0);
          // Fast fan-out: money leaves a mule soon after it arrived, minus the commission.
          const outTotal = outs.reduce((sum, e) => sum + fen(e.amount as string), 0n);
          const inTotal = ins.reduce((sum, e) => sum + fen(e.amount as string), 0n);
          if (ins.length === params.inflows) expect(outTotal).toBeLessThan(inTotal);
          break;
        }
        case 'structuring': {
          const deposits = money(rows).filter((e) =>
            params.channel === 'cash' ? e.subtype === 'cash_deposit' : e.subtype === 'transfer_in',
          );
          const line = params.channel === 'cash' ? threshold : fen(params.threshold);
          for (const d of deposits) {
            const amount = fen(d.amount as string);
            expect(amount).toBeLessThan(line);
            expect(amount * 100n).toBeGreaterThanOrEqual(line * 85n);
          }
          break;
        }
        case 'cycle': {
          const hops = money(rows).filter((e) => e.subtype === 'p2p');
          if (hops.length === params.length) {
            expect(hops[hops.length - 1]?.to_account_id).toBe(hops[0]?.from_account_id);
            for (let i = 1; i < hops.length; i++) {
              expect(hops[i]?.from_account_id).toBe(hops[i - 1]?.to_account_id);
              expect(fen(hops[i]?.amount as string)).toBeLessThan(fen(hops[i - 1]?.amount as string));
            }
          }
          break;
        }
        case 'fan_in': {
          const intoHub = money(rows).filter((e) => e.subtype === 'p2p');
          expect(new Set(intoHub.map((e) => e.to_account_id)).size).toBe(1);
          expect(new Set(intoHub.map((e) => e.from_account_id)).size).toBe(intoHub.length);
          break;
        }
        case 'fan_out': {
          const fromHub = money(rows).filter((e) => e.subtype === 'p2p');
          expect(new Set(fromHub.map((e) => e.from_account_id)).size).toBe(1);
          expect(new Set(fromHub.map((e) => e.to_account_id)).size).toBe(fromHub.length);
          break;
        }
        case 'dormant_reactivation': {
          const account = accounts.find((a) => a.account_id === (s.accounts ?? '').split(';')[0]);
          expect(account?.last_active_before_start).not.toBe('');
          expect(params.dormantDays).toBeGreaterThanOrEqual(180);
          break;
        }
        case 'refund_abuse': {
          expect(money(rows).some((e) => e.subtype === 'refund')).toBe(true);
          break;
        }
        case 'merchant_collusion': {
          const merchantAccount = (s.accounts ?? '').split(';')[0];
          expect(money(rows).some((e) => e.from_account_id === merchantAccount && e.subtype === 'transfer_out')).toBe(
            true,
          );
          break;
        }
      }
    }
  });

  it('replays to the balances it reports, never overdrawing a deposit', () => {
    const balance = new Map<string, bigint>();
    const limited = new Set<string>();
    for (const a of accounts) {
      if (a.last_active_before_start !== '')
        expect(Date.parse(a.last_active_before_start as string)).toBeGreaterThan(Date.parse(a.opened_at as string));
      balance.set(a.account_id as string, fen(a.opening_balance as string));
      if (a.overdraft_allowed === 'false') limited.add(a.account_id as string);
    }
    let completed = 0;
    const problems: string[] = [];
    for (const e of events) {
      if (e.event_type !== 'payment') continue;
      const from = e.from_account_id as string;
      const to = e.to_account_id as string;
      if (e.status === 'completed') {
        completed++;
        const amount = fen(e.amount as string);
        balance.set(from, (balance.get(from) ?? 0n) - amount);
        balance.set(to, (balance.get(to) ?? 0n) + amount);
      } else if (e.status !== 'declined') problems.push(`${e.event_id}: status ${e.status}`);
      if (limited.has(from)) {
        if ((balance.get(from) ?? 0n) < 0n) problems.push(`${e.event_id}: ${from} overdrawn`);
        if (fen(e.from_balance_after as string) !== balance.get(from)) problems.push(`${e.event_id}: from balance`);
      }
      if (limited.has(to) && fen(e.to_balance_after as string) !== balance.get(to))
        problems.push(`${e.event_id}: to balance`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(completed).toBeGreaterThan(events.length / 3);
  });

  it('gives customers valid, consistent identities', () => {
    const start = new Date(`${config.startDate}T00:00:00Z`);
    for (const c of customers.values()) {
      const parsed = parseResidentId(c.resident_id as string);
      expect(parsed, c.resident_id).toBeDefined();
      expect(parsed?.birthDate).toBe((c.birth_date as string).replaceAll('-', ''));
      expect(parsed?.sex).toBe(c.sex);
      expect(parsed?.regionCode).toBe(c.region_code);
      const birth = new Date(`${c.birth_date}T00:00:00Z`);
      const age =
        start.getUTCFullYear() -
        birth.getUTCFullYear() -
        (start.getUTCMonth() * 100 + start.getUTCDate() < birth.getUTCMonth() * 100 + birth.getUTCDate() ? 1 : 0);
      expect(Math.abs(age - Number(c.age))).toBeLessThanOrEqual(1);
      expect(c.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(c.home_ip).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    }
  });

  it('follows daily and weekly cycles and pays salaries monthly', () => {
    const purchases = events.filter((e) => e.subtype === 'purchase' && e.is_fraud === '0');
    const byHour = new Array(24).fill(0);
    let weekend = 0;
    let weekday = 0;
    for (const e of purchases) {
      const local = new Date(Date.parse(e.ts as string) + 8 * 3_600_000);
      byHour[local.getUTCHours()]++;
      if (local.getUTCDay() === 0 || local.getUTCDay() === 6) weekend++;
      else weekday++;
    }
    expect(byHour[12]).toBeGreaterThan(4 * byHour[3]);
    expect(byHour[19]).toBeGreaterThan(4 * byHour[4]);
    let weekendDays = 0;
    for (let day = 0; day < config.days; day++) {
      const weekdayOf = new Date(Date.parse(`${config.startDate}T00:00:00Z`) + day * 86_400_000).getUTCDay();
      if (weekdayOf === 0 || weekdayOf === 6) weekendDays++;
    }
    expect(weekend / weekendDays).toBeGreaterThan((weekday / (config.days - weekendDays)) * 1.1);
    const salaries = new Map<string, number>();
    for (const e of events)
      if (e.subtype === 'salary')
        salaries.set(e.customer_id as string, (salaries.get(e.customer_id as string) ?? 0) + 1);
    const counts = [...salaries.values()];
    expect(counts.length).toBeGreaterThan(300);
    // 45 days hold one or two paydays of each customer.
    expect(counts.every((n) => n >= 1 && n <= 2)).toBe(true);
  });

  it('gives loans features that carry signal without leaking the outcome', () => {
    expect(loans.length).toBeGreaterThan(300);
    const labels = loans.map((l) => Number(l.defaulted));
    const rate = labels.reduce((a, b) => a + b, 0) / labels.length;
    expect(Math.abs(rate - 0.1)).toBeLessThan(0.04);
    const bureau = auc(
      loans.map((l) => -Number(l.bureau_score)),
      labels,
    );
    expect(bureau).toBeGreaterThan(0.6);
    expect(bureau).toBeLessThan(0.9);
    const outcomeColumns = new Set(['defaulted', 'first_missed_instalment', 'default_at', 'outcome_at']);
    for (const column of Object.keys(loans[0] ?? {})) {
      if (outcomeColumns.has(column)) continue;
      const values = loans.map((l) => Number(l[column]));
      if (values.some((v) => !Number.isFinite(v))) continue;
      expect(Math.abs(auc(values, labels) - 0.5), column).toBeLessThan(0.35);
    }
    const applications = new Set(events.filter((e) => e.event_type === 'loan_application').map((e) => e.event_id));
    for (const loan of loans) expect(applications.has(loan.application_event_id as string)).toBe(true);
    for (const loan of loans.filter((l) => l.defaulted === '1')) {
      const months =
        (Date.parse(loan.outcome_at as string) - Date.parse(loan.applied_at as string)) / (30 * 86_400_000);
      expect(months).toBeGreaterThan(5.8);
      expect(months).toBeLessThan(12.5);
    }
  });

  it('reproduces the same files from the same seed, and writes the same events as JSONL', async () => {
    await runSimulation(config, { sinks: [new FileSink({ dir: join(dir, 'b'), format: 'csv' })] });
    for (const file of ['events.csv', 'customers.csv', 'scenarios.csv', 'loans.csv', 'manifest.json'])
      expect(md5(join(dir, 'b', file)), file).toBe(md5(join(dir, 'a', file)));
    await runSimulation(config, { sinks: [new FileSink({ dir: join(dir, 'c'), format: 'jsonl' })] });
    const jsonl = readJsonl(join(dir, 'c', 'events.jsonl'));
    expect(jsonl.length).toBe(events.length);
    for (const index of [0, 1, 1000, events.length - 1]) {
      const csv = events[index] as Row;
      const json = jsonl[index] as Record<string, unknown>;
      for (const [key, value] of Object.entries(csv)) {
        const expected = key === 'is_fraud' || key === 'is_aml' ? value === '1' : value === '' ? null : value;
        expect(json[key], key).toEqual(expected);
      }
    }
    const short = { ...config, days: 3 };
    const [first, same, other] = await Promise.all(
      [11, 11, 12].map(async (seed) => {
        const memory = new MemorySink();
        await runSimulation({ ...short, seed }, { sinks: [memory] });
        return memory.events.map((e) => `${e.id} ${e.tsMs} ${e.subtype} ${e.from} ${e.to} ${e.amountMinor}`).join('\n');
      }),
    );
    expect(same).toBe(first);
    expect(other).not.toBe(first);
  });

  it('rejects a bad configuration listing every bad key', () => {
    try {
      simulationConfig({ customers: 5, days: 0, fraudRates: { phishing: 1 }, thresholds: { cashReport: '1.001' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SimulationConfigError);
      const text = (error as Error).message;
      for (const key of ['customers', 'days', 'fraudRates', 'thresholds.cashReport']) expect(text).toContain(key);
    }
  });
});
