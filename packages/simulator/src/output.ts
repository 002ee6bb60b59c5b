import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatAmount } from '@zhirong/kernel';
import { AsciiWriter, encodeAscii } from './ascii-writer.ts';
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
const ONE = encodeAscii('1');
const ZERO = encodeAscii('0');
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
  #events: EventWriter | undefined;
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
    this.#events = new EventWriter(join(this.#dir, eventsFile), this.#format);
    if (this.#format === 'csv') this.#events.text(`${EVENT_COLUMNS.join(',')}\n`);
  }

  day(events: readonly SimEvent[]): void {
    const w = this.#events;
    if (!w) throw new Error('FileSink.day before begin');
    const csv = this.#format === 'csv';
    const quote = csv ? 0 : 34;
    const constant = this.#constant;
    for (let n = 0; n < events.length; n++) {
      const e = events[n] as SimEvent;
      const hasAmount = e.type === 'payment' || e.type === 'loan_application';
      w.reserve();
      w.field(0);
      if (quote) w.char(quote);
      w.bytes(EV);
      w.int(e.seq, 10);
      if (quote) w.char(quote);
      w.field(1);
      if (quote) w.char(quote);
      w.iso(e.tsMs);
      if (quote) w.char(quote);
      w.bytesOrNull(2, constant(e.type));
      w.bytesOrNull(3, constant(e.subtype));
      w.bytesOrNull(4, constant(e.status));
      w.bytesOrNull(5, e.reason === '' ? undefined : constant(e.reason));
      w.bytesOrNull(6, e.customer >= 0 ? this.#customerIds[e.customer] : undefined);
      w.bytesOrNull(7, e.from >= 0 ? this.#accountIds[e.from] : undefined);
      w.bytesOrNull(8, e.to >= 0 ? this.#accountIds[e.to] : undefined);
      w.bytesOrNull(9, e.merchant >= 0 ? this.#merchantIds[e.merchant] : undefined);
      w.bytesOrNull(10, e.merchant >= 0 ? this.#mccs[e.merchant] : undefined);
      w.fenOrNull(11, hasAmount ? e.amountMinor : null);
      w.bytesOrNull(12, hasAmount ? CNY : undefined);
      w.bytesOrNull(13, e.channel === '' ? undefined : constant(e.channel));
      w.textOrNull(14, e.device);
      w.textOrNull(15, e.ip);
      w.textOrNull(16, e.externalRef);
      w.bytesOrNull(17, e.loan >= 0 ? this.#loanIds[e.loan] : undefined);
      w.fenOrNull(18, e.fromBalanceMinor);
      w.fenOrNull(19, e.toBalanceMinor);
      w.field(20);
      w.bytes(e.fraud >= 0 ? (csv ? ONE : TRUE) : csv ? ZERO : FALSE);
      w.bytesOrNull(21, e.fraud >= 0 ? this.#scenarioTypes[e.fraud] : undefined);
      w.bytesOrNull(22, e.fraud >= 0 ? this.#scenarioIds[e.fraud] : undefined);
      w.field(23);
      w.bytes(e.aml >= 0 ? (csv ? ONE : TRUE) : csv ? ZERO : FALSE);
      w.bytesOrNull(24, e.aml >= 0 ? this.#scenarioTypes[e.aml] : undefined);
      w.bytesOrNull(25, e.aml >= 0 ? this.#scenarioIds[e.aml] : undefined);
      if (!csv) w.char(125); // }
      w.char(10);
    }
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

/** The events table: CSV fields or JSONL key–value pairs written straight into the byte buffer. */
class EventWriter extends AsciiWriter {
  readonly #csv: boolean;
  constructor(path: string, format: OutputFormat) {
    super(path);
    this.#csv = format === 'csv';
  }
  /** Starts field `index`: the comma in CSV, the key in JSONL. */
  field(index: number): void {
    if (this.#csv) {
      if (index > 0) this.char(44);
    } else this.bytes(JSON_KEY_BYTES[index] as Uint8Array);
  }
  bytesOrNull(index: number, value: Uint8Array | undefined): void {
    this.field(index);
    if (value === undefined) {
      if (!this.#csv) this.bytes(NULL);
    } else if (this.#csv) this.bytes(value);
    else {
      this.char(34);
      this.bytes(value);
      this.char(34);
    }
  }
  textOrNull(index: number, value: string): void {
    this.field(index);
    if (value === '') {
      if (!this.#csv) this.bytes(NULL);
    } else if (this.#csv) this.text(value);
    else {
      this.char(34);
      this.text(value);
      this.char(34);
    }
  }
  fenOrNull(index: number, value: bigint | null): void {
    this.field(index);
    if (value === null) {
      if (!this.#csv) this.bytes(NULL);
    } else if (this.#csv) this.fen(value);
    else {
      this.char(34);
      this.fen(value);
      this.char(34);
    }
  }
}

/** Keeps every event in memory (tests and small runs). */
export class MemorySink implements SimulationSink {
  readonly events: SimEvent[] = [];
  day(events: readonly SimEvent[]): void {
    for (const event of events) this.events.push(event);
  }
}
