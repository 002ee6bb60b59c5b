import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatAmount } from '@zhirong/kernel';
import {
  AsciiWriter,
  encodeAscii,
  IsoWriter,
  putBytes,
  putFen,
  putInt,
  putText,
  ROW_BYTES_MAX,
} from './ascii-writer.ts';
import { REGIONS } from './china.ts';
import type { SimEvent } from './event.ts';
import { CATEGORIES } from './merchant-categories.ts';
import type { SimulationRun, SimulationSink, SimulationSummary } from './run.ts';
import { DAY_MS, deviceModelName, OCCUPATIONS } from './world.ts';

export type OutputFormat = 'csv' | 'jsonl';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['csv', 'jsonl'];

/** Column order of every table. The JSONL rows carry the same keys. */
export const EVENT_COLUMNS = [
  'event_id',
  'ts',
  'event_type',
  'subtype',
  'status',
  'reason',
  'customer_id',
  'from_account_id',
  'to_account_id',
  'merchant_id',
  'mcc',
  'amount',
  'currency',
  'channel',
  'device_id',
  'ip',
  'external_ref',
  'loan_id',
  'from_balance_after',
  'to_balance_after',
  'is_fraud',
  'fraud_type',
  'fraud_scenario_id',
  'is_aml',
  'aml_typology',
  'aml_scenario_id',
] as const;

const FLUSH_CHARS = 1 << 22;
/** `{"event_id":`, `,"ts":`, …: the JSONL key prefixes of the event columns. */
const JSON_KEY_BYTES = EVENT_COLUMNS.map((column, i) => encodeAscii(`${i === 0 ? '{' : ','}"${column}":`));
const NULL = encodeAscii('null');
const TRUE = encodeAscii('true');
const FALSE = encodeAscii('false');
const CNY = encodeAscii('CNY');
const EV = encodeAscii('EV');

/** An append-only file written in large synchronous chunks (no per-row I/O, no per-row await). */
class TableWriter {
  readonly #fd: number;
  #buffer = '';
  rows = 0;
  constructor(
    path: string,
    readonly format: OutputFormat,
    readonly columns: readonly string[],
  ) {
    this.#fd = openSync(path, 'w');
    if (format === 'csv') this.#write(`${columns.join(',')}\n`);
  }
  #write(text: string): void {
    this.#buffer += text;
    if (this.#buffer.length >= FLUSH_CHARS) this.flush();
  }
  /** A row of already-formatted values; strings are quoted as the format needs. */
  row(values: readonly (string | number | boolean | null)[]): void {
    this.rows++;
    if (this.format === 'csv') {
      let line = '';
      for (let i = 0; i < values.length; i++) {
        if (i > 0) line += ',';
        line += csvField(values[i] ?? null);
      }
      this.#write(`${line}\n`);
    } else {
      let line = '{';
      for (let i = 0; i < values.length; i++) {
        if (i > 0) line += ',';
        line += `"${this.columns[i]}":${jsonValue(values[i] ?? null)}`;
      }
      this.#write(`${line}}\n`);
    }
  }
  /** A preformatted line. */
  raw(line: string): void {
    this.rows++;
    this.#write(line);
  }
  flush(): void {
    if (this.#buffer.length > 0) writeSync(this.#fd, this.#buffer);
    this.#buffer = '';
  }
  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function jsonValue(value: string | number | boolean | null): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

const iso = (ms: number) => new Date(ms).toISOString();
const cny = (minor: bigint) => formatAmount(minor, 'CNY');

/** Fen → "123.45" (CNY has two minor digits); exact, string arithmetic only. */
export function fenToDecimal(minor: bigint): string {
  if (minor < 0n) return `-${fenToDecimal(-minor)}`;
  if (minor < 100n) return minor < 10n ? `0.0${minor}` : `0.${minor}`;
  const digits = minor.toString();
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

export interface FileSinkOptions {
  readonly dir: string;
  readonly format: OutputFormat;
}

/**
 * Writes a run as tables: customers, devices, relationships, merchants, accounts, events, loans,
 * scenarios, and manifest.json (config, counts and base rates). See docs/simulator.md for the schema.
 */
export class FileSink implements SimulationSink {
  readonly #dir: string;
  readonly #format: OutputFormat;
  #events: AsciiWriter | undefined;
  readonly #iso = new IsoWriter();
  readonly #row: (Uint8Array | undefined)[] = new Array(EVENT_COLUMNS.length).fill(undefined);
  #accountIds: Uint8Array[] = [];
  #customerIds: Uint8Array[] = [];
  #merchantIds: Uint8Array[] = [];
  #mccs: Uint8Array[] = [];
  #scenarioIds: Uint8Array[] = [];
  #scenarioTypes: Uint8Array[] = [];
  #loanIds: Uint8Array[] = [];
  readonly #constants = new Map<string, Uint8Array>();
  /** Bytes of a code word (event type, subtype, status, reason, channel), encoded once. */
  readonly #constant = (text: string): Uint8Array => {
    let bytes = this.#constants.get(text);
    if (bytes === undefined) {
      bytes = encodeAscii(text);
      this.#constants.set(text, bytes);
    }
    return bytes;
  };
  readonly files: string[] = [];

  constructor(options: FileSinkOptions) {
    this.#dir = options.dir;
    this.#format = options.format;
  }

  #table(name: string, columns: readonly string[]): TableWriter {
    const file = `${name}.${this.#format}`;
    this.files.push(file);
    return new TableWriter(join(this.#dir, file), this.#format, columns);
  }

  begin(run: SimulationRun): void {
    mkdirSync(this.#dir, { recursive: true });
    const { world } = run;
    this.#accountIds = world.accounts.map((a) => encodeAscii(a.id));
    this.#customerIds = world.customers.map((c) => encodeAscii(c.id));
    this.#merchantIds = world.merchants.map((m) => encodeAscii(m.id));
    this.#mccs = world.merchants.map((m) => encodeAscii(CATEGORIES[m.category]?.mcc ?? ''));
    this.#scenarioIds = run.scenarios.map((s) => encodeAscii(s.id));
    this.#scenarioTypes = run.scenarios.map((s) => encodeAscii(s.type));
    this.#loanIds = run.loans.map((l) => encodeAscii(l.id));
    const customerIds = world.customers.map((c) => c.id);

    const customers = this.#table('customers', [
      'customer_id',
      'name_zh',
      'name_en',
      'sex',
      'birth_date',
      'age',
      'resident_id',
      'phone',
      'province',
      'city',
      'region_code',
      'region_tier',
      'occupation',
      'monthly_income',
      'currency',
      'registered_at',
      'home_ip',
      'primary_device_id',
      'device_count',
    ]);
    const devices = this.#table('devices', ['device_id', 'customer_id', 'model', 'os']);
    for (const c of world.customers) {
      const region = REGIONS[c.region];
      customers.row([
        c.id,
        c.nameZh,
        c.nameEn,
        c.sex,
        c.birthDate,
        c.age,
        c.residentId,
        c.phone,
        region?.provinceEn ?? '',
        region?.cityEn ?? '',
        region?.code ?? '',
        region?.tier ?? 0,
        OCCUPATIONS[c.occupation]?.key ?? '',
        cny(c.monthlyIncomeMinor),
        'CNY',
        iso(c.registeredAtMs),
        c.homeIp,
        c.devices[0] ?? '',
        c.devices.length,
      ]);
      c.devices.forEach((device, i) => {
        const [model, os] = deviceModelName(c.deviceModels[i] ?? -1);
        devices.row([device, c.id, model, os]);
      });
    }
    customers.close();
    devices.close();

    const relationships = this.#table('relationships', ['customer_id', 'related_customer_id', 'relation']);
    for (const c of world.customers) {
      const from = world.friendStart[c.index] ?? 0;
      const to = world.friendStart[c.index + 1] ?? 0;
      for (let i = from; i < to; i++) {
        const other = world.friendIndex[i] ?? 0;
        if (other > c.index) relationships.row([c.id, customerIds[other] ?? '', 'friend']);
      }
      if (c.landlord >= 0) relationships.row([c.id, customerIds[c.landlord] ?? '', 'landlord']);
      if (c.parent >= 0) relationships.row([c.id, customerIds[c.parent] ?? '', 'parent']);
    }
    relationships.close();

    const merchants = this.#table('merchants', [
      'merchant_id',
      'name_zh',
      'name_en',
      'mcc',
      'category',
      'category_zh',
      'online',
      'province',
      'city',
      'region_code',
      'account_id',
      'opened_at',
    ]);
    for (const m of world.merchants) {
      const category = CATEGORIES[m.category];
      const region = REGIONS[m.region];
      merchants.row([
        m.id,
        m.nameZh,
        m.nameEn,
        category?.mcc ?? '',
        category?.key ?? '',
        category?.descriptionZh ?? '',
        category?.online ?? false,
        region?.provinceEn ?? '',
        region?.cityEn ?? '',
        region?.code ?? '',
        world.accounts[m.account]?.id ?? '',
        iso(m.openedAtMs),
      ]);
    }
    merchants.close();

    const accounts = this.#table('accounts', [
      'account_id',
      'kind',
      'owner_type',
      'owner_id',
      'currency',
      'ledger_type',
      'overdraft_allowed',
      'opened_at',
      'opening_balance',
      'last_active_before_start',
    ]);
    for (const a of world.accounts) {
      accounts.row([
        a.id,
        a.kind,
        a.ownerType,
        a.ownerId,
        'CNY',
        a.ledgerType,
        !a.limited,
        iso(a.openedAtMs),
        cny(a.openingBalanceMinor),
        a.lastActiveBeforeStartMs === null ? null : iso(a.lastActiveBeforeStartMs),
      ]);
    }
    accounts.close();

    const eventsFile = `events.${this.#format}`;
    this.files.push(eventsFile);
    this.#events = new AsciiWriter(join(this.#dir, eventsFile));
    if (this.#format === 'csv') this.#events.used = putText(this.#events.buffer, 0, `${EVENT_COLUMNS.join(',')}\n`);
  }

  day(events: readonly SimEvent[]): void {
    const w = this.#events;
    if (!w) throw new Error('FileSink.day before begin');
    const csv = this.#format === 'csv';
    const out = w.buffer;
    const iso = this.#iso;
    const constant = this.#constant;
    const customerIds = this.#customerIds;
    const accountIds = this.#accountIds;
    const merchantIds = this.#merchantIds;
    const mccs = this.#mccs;
    const loanIds = this.#loanIds;
    const scenarioIds = this.#scenarioIds;
    const scenarioTypes = this.#scenarioTypes;
    const row = this.#row;
    let u = w.used;
    for (let n = 0; n < events.length; n++) {
      const e = events[n] as SimEvent;
      if (u + ROW_BYTES_MAX > out.length) {
        w.used = u;
        w.flush();
        u = 0;
      }
      const hasAmount = e.type === 'payment' || e.type === 'loan_application';
      // The byte fields of the row, in column order; undefined is an empty cell.
      row[2] = constant(e.type);
      row[3] = constant(e.subtype);
      row[4] = constant(e.status);
      row[5] = e.reason === '' ? undefined : constant(e.reason);
      row[6] = e.customer >= 0 ? customerIds[e.customer] : undefined;
      row[7] = e.from >= 0 ? accountIds[e.from] : undefined;
      row[8] = e.to >= 0 ? accountIds[e.to] : undefined;
      row[9] = e.merchant >= 0 ? merchantIds[e.merchant] : undefined;
      row[10] = e.merchant >= 0 ? mccs[e.merchant] : undefined;
      row[12] = hasAmount ? CNY : undefined;
      row[13] = e.channel === '' ? undefined : constant(e.channel);
      row[17] = e.loan >= 0 ? loanIds[e.loan] : undefined;
      row[21] = e.fraud >= 0 ? scenarioTypes[e.fraud] : undefined;
      row[22] = e.fraud >= 0 ? scenarioIds[e.fraud] : undefined;
      row[24] = e.aml >= 0 ? scenarioTypes[e.aml] : undefined;
      row[25] = e.aml >= 0 ? scenarioIds[e.aml] : undefined;
      if (csv) {
        u = putBytes(out, u, EV);
        u = putInt(out, u, e.seq, 10);
        out[u++] = 44;
        u = iso.put(out, u, e.tsMs);
        for (let i = 2; i <= 10; i++) {
          out[u++] = 44;
          const value = row[i];
          if (value !== undefined) u = putBytes(out, u, value);
        }
        out[u++] = 44;
        if (hasAmount) u = putFen(out, u, e.amountMinor);
        for (let i = 12; i <= 13; i++) {
          out[u++] = 44;
          const value = row[i];
          if (value !== undefined) u = putBytes(out, u, value);
        }
        out[u++] = 44;
        u = putText(out, u, e.device);
        out[u++] = 44;
        u = putText(out, u, e.ip);
        out[u++] = 44;
        u = putText(out, u, e.externalRef);
        out[u++] = 44;
        if (row[17] !== undefined) u = putBytes(out, u, row[17]);
        out[u++] = 44;
        if (e.fromBalanceMinor !== null) u = putFen(out, u, e.fromBalanceMinor);
        out[u++] = 44;
        if (e.toBalanceMinor !== null) u = putFen(out, u, e.toBalanceMinor);
        out[u++] = 44;
        out[u++] = e.fraud >= 0 ? 49 : 48;
        for (let i = 21; i <= 22; i++) {
          out[u++] = 44;
          const value = row[i];
          if (value !== undefined) u = putBytes(out, u, value);
        }
        out[u++] = 44;
        out[u++] = e.aml >= 0 ? 49 : 48;
        for (let i = 24; i <= 25; i++) {
          out[u++] = 44;
          const value = row[i];
          if (value !== undefined) u = putBytes(out, u, value);
        }
      } else {
        u = putBytes(out, u, JSON_KEY_BYTES[0] as Uint8Array);
        out[u++] = 34;
        u = putBytes(out, u, EV);
        u = putInt(out, u, e.seq, 10);
        out[u++] = 34;
        u = putBytes(out, u, JSON_KEY_BYTES[1] as Uint8Array);
        out[u++] = 34;
        u = iso.put(out, u, e.tsMs);
        out[u++] = 34;
        for (let i = 2; i < EVENT_COLUMNS.length; i++) {
          u = putBytes(out, u, JSON_KEY_BYTES[i] as Uint8Array);
          switch (i) {
            case 11:
              u = hasAmount ? putQuotedFen(out, u, e.amountMinor) : putBytes(out, u, NULL);
              break;
            case 14:
              u = putQuotedText(out, u, e.device);
              break;
            case 15:
              u = putQuotedText(out, u, e.ip);
              break;
            case 16:
              u = putQuotedText(out, u, e.externalRef);
              break;
            case 18:
              u = e.fromBalanceMinor === null ? putBytes(out, u, NULL) : putQuotedFen(out, u, e.fromBalanceMinor);
              break;
            case 19:
              u = e.toBalanceMinor === null ? putBytes(out, u, NULL) : putQuotedFen(out, u, e.toBalanceMinor);
              break;
            case 20:
              u = putBytes(out, u, e.fraud >= 0 ? TRUE : FALSE);
              break;
            case 23:
              u = putBytes(out, u, e.aml >= 0 ? TRUE : FALSE);
              break;
            default: {
              const value = row[i];
              if (value === undefined) u = putBytes(out, u, NULL);
              else {
                out[u++] = 34;
                u = putBytes(out, u, value);
                out[u++] = 34;
              }
            }
          }
        }
        out[u++] = 125; // }
      }
      out[u++] = 10;
    }
    w.used = u;
  }

  end(run: SimulationRun, summary: SimulationSummary): void {
    this.#events?.close();
    const { world } = run;
    const loans = this.#table('loans', [
      'loan_id',
      'customer_id',
      'application_event_id',
      'applied_at',
      'amount',
      'currency',
      'term_months',
      'apr',
      'purpose',
      'age',
      'sex',
      'occupation',
      'region_code',
      'region_tier',
      'monthly_income',
      'months_as_customer',
      'bureau_score',
      'inquiries_6m',
      'debt_to_income',
      'existing_loans',
      'months_employed',
      'has_mortgage',
      'balance_at_application',
      'instalment',
      'defaulted',
      'first_missed_instalment',
      'default_at',
      'outcome_at',
    ]);
    for (const loan of run.loans) {
      const c = world.customers[loan.customer];
      if (!c) continue;
      const region = REGIONS[c.region];
      loans.row([
        loan.id,
        c.id,
        loan.applicationEventId || null,
        iso(loan.appliedAtMs),
        cny(loan.amountMinor),
        'CNY',
        loan.termMonths,
        (loan.aprBasisPoints / 10_000).toFixed(4),
        loan.purpose,
        c.age,
        c.sex,
        OCCUPATIONS[c.occupation]?.key ?? '',
        region?.code ?? '',
        region?.tier ?? 0,
        cny(c.monthlyIncomeMinor),
        Math.floor((loan.appliedAtMs - c.registeredAtMs) / (30 * DAY_MS)),
        loan.features.bureauScore,
        loan.features.inquiries6m,
        loan.features.debtToIncome.toFixed(2),
        loan.features.existingLoans,
        loan.features.monthsEmployed,
        loan.features.hasMortgage,
        loan.balanceAtApplicationMinor === null ? null : cny(loan.balanceAtApplicationMinor),
        cny(loan.schedule[0]?.amountMinor ?? 0n),
        loan.defaulted ? 1 : 0,
        loan.firstMissedInstalment,
        loan.defaultAtMs === null ? null : iso(loan.defaultAtMs),
        iso(loan.outcomeAtMs),
      ]);
    }
    loans.close();

    const scenarios = this.#table('scenarios', [
      'scenario_id',
      'domain',
      'type',
      'start',
      'end',
      'event_count',
      'customers',
      'accounts',
      'merchants',
      'external',
      'params',
      'event_ids',
    ]);
    const list = (items: readonly string[]) => (this.#format === 'csv' ? items.join(';') : items);
    for (const s of run.scenarios) {
      if (this.#format === 'csv') {
        scenarios.row([
          s.id,
          s.domain,
          s.type,
          iso(s.startMs),
          iso(s.endMs),
          s.eventIds.length,
          list(s.members.customers) as string,
          list(s.members.accounts) as string,
          list(s.members.merchants) as string,
          list(s.members.external) as string,
          JSON.stringify(s.params),
          list(s.eventIds) as string,
        ]);
      } else {
        scenarios.raw(
          `${JSON.stringify({
            scenario_id: s.id,
            domain: s.domain,
            type: s.type,
            start: iso(s.startMs),
            end: iso(s.endMs),
            event_count: s.eventIds.length,
            customers: s.members.customers,
            accounts: s.members.accounts,
            merchants: s.members.merchants,
            external: s.members.external,
            params: s.params,
            event_ids: s.eventIds,
          })}\n`,
        );
      }
    }
    scenarios.close();

    const manifest = join(this.#dir, 'manifest.json');
    const fd = openSync(manifest, 'w');
    writeSync(
      fd,
      `${JSON.stringify({ ...summary, format: this.#format, files: [...this.files, 'manifest.json'] }, null, 2)}\n`,
    );
    closeSync(fd);
  }
}

function putQuotedFen(out: Uint8Array, at: number, minor: bigint): number {
  out[at] = 34;
  const used = putFen(out, at + 1, minor);
  out[used] = 34;
  return used + 1;
}

function putQuotedText(out: Uint8Array, at: number, value: string): number {
  if (value === '') return putBytes(out, at, NULL);
  out[at] = 34;
  const used = putText(out, at + 1, value);
  out[used] = 34;
  return used + 1;
}

/** Keeps every event in memory (tests and small runs). */
export class MemorySink implements SimulationSink {
  readonly events: SimEvent[] = [];
  day(events: readonly SimEvent[]): void {
    for (const event of events) this.events.push(event);
  }
}
