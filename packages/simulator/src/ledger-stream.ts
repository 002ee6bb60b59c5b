import { assert, bytesToUuid, formatId, LIMITS } from '@zhirong/kernel';
import { Pool } from 'undici';
import { PAYMENT_SUBTYPES, type SimEvent } from './event.ts';
import { fenToDecimal } from './output.ts';
import { STREAM, type StreamFactory } from './random.ts';
import type { SimulationRun, SimulationSink } from './run.ts';
import type { Account, AccountKind } from './world.ts';

/**
 * Streams a run into a running Zhirong server through its public ledger API: every account is
 * created with POST /v1/ledger/accounts, the opening balances and then every completed money
 * movement are posted in time order with POST /v1/ledger/transfers/batch. Ids are derived from the
 * seed (UUIDv7 with the simulated time), so streaming the same run again is a no-op replay: the
 * server answers `exists` for every account and transfer.
 *
 * One batch is in flight at a time (the next is generated while the server works on it), which
 * keeps the posting order equal to the simulated order — deposits must never be overdrawn.
 */
export interface LedgerStreamOptions {
  /** Server origin, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly apiKey: string;
  /** Transfers per batch call (1–8,000). */
  readonly batchSize?: number;
  /** Concurrent account-creation calls. */
  readonly accountConcurrency?: number;
  readonly timeoutMs?: number;
}

export interface LedgerStreamReport {
  accountsCreated: number;
  accountsExisting: number;
  transfersCreated: number;
  transfersExisting: number;
  transfersFailed: number;
  batches: number;
  /** The first failures (at most 20): event id and the ledger's error code. */
  failures: { eventId: string; code: string }[];
}

const FAILURES_KEPT = 20;

/** Chart-of-accounts codes the streamed accounts carry. */
export const LEDGER_ACCOUNT_CODES: Readonly<Record<AccountKind, number>> = {
  personal_deposit: 2011,
  merchant_settlement: 2021,
  external_clearing: 1101,
  cash_vault: 1001,
  loans_receivable: 1301,
  opening_equity: 3001,
};

/** Transfer codes: 1 + the index of the payment subtype (salary 1, pension 2, …); opening balances 100. */
export const OPENING_BALANCE_CODE = 100;
export function transferCode(subtype: string): number {
  const index = (PAYMENT_SUBTYPES as readonly string[]).indexOf(subtype);
  assert(index >= 0, `unknown payment subtype ${subtype}`);
  return index + 1;
}

export class LedgerStreamError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'LedgerStreamError';
  }
}

interface TransferItem {
  readonly type: 'single';
  readonly id: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: string;
  readonly currency: 'CNY';
  readonly code: number;
  readonly metadata: { readonly event: string };
}

/** A UUIDv7 for `timestampMs` whose random bits come from the run's seed: the same run gives the same ids. */
export function seededUuid(streams: StreamFactory, kind: number, index: number, timestampMs: number): string {
  const bytes = streams.stream(STREAM.ledgerId, kind, index).bytes(16);
  let time = Math.max(0, Math.floor(timestampMs));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  return bytesToUuid(bytes);
}

const ID_KIND = { account: 1, opening: 2, event: 3 } as const;

export class LedgerStreamSink implements SimulationSink {
  readonly report: LedgerStreamReport = {
    accountsCreated: 0,
    accountsExisting: 0,
    transfersCreated: 0,
    transfersExisting: 0,
    transfersFailed: 0,
    batches: 0,
    failures: [],
  };
  readonly #pool: Pool;
  readonly #headers: Record<string, string>;
  readonly #batchSize: number;
  readonly #accountConcurrency: number;
  #accountRefs: string[] = [];
  #pending: TransferItem[] = [];
  #inFlight: Promise<void> | undefined;
  #streams: StreamFactory | undefined;

  constructor(options: LedgerStreamOptions) {
    const batchSize = options.batchSize ?? 4000;
    assert(
      Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= LIMITS.transferBatchSizeMax,
      `batch size must be 1–${LIMITS.transferBatchSizeMax}`,
    );
    let origin: URL;
    try {
      origin = new URL(options.url);
    } catch {
      throw new LedgerStreamError(`not a URL: ${options.url}`);
    }
    if (origin.protocol !== 'http:' && origin.protocol !== 'https:')
      throw new LedgerStreamError(`the server URL must be http or https: ${options.url}`);
    this.#batchSize = batchSize;
    this.#accountConcurrency = options.accountConcurrency ?? 8;
    const timeoutMs = options.timeoutMs ?? 120_000;
    this.#pool = new Pool(origin.origin, {
      connections: Math.max(2, this.#accountConcurrency),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    this.#headers = { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' };
  }

  async #post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await this.#pool.request({ method: 'POST', path, headers: this.#headers, body: JSON.stringify(body) });
    } catch (error) {
      throw new LedgerStreamError(`cannot reach the server: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.statusCode, json };
  }

  static #describe(status: number, json: unknown): string {
    const problem = json as { code?: string; title?: string; detail?: string } | undefined;
    return `HTTP ${status}${problem?.code ? ` ${problem.code}` : ''}${problem?.title ? `: ${problem.title}` : ''}${problem?.detail ? ` (${problem.detail})` : ''}`;
  }

  async begin(run: SimulationRun): Promise<void> {
    const streams = run.world.streams;
    this.#streams = streams;
    const accounts = run.world.accounts;
    this.#accountRefs = accounts.map((a) =>
      formatId('acc', seededUuid(streams, ID_KIND.account, a.index, a.openedAtMs)),
    );
    let next = 0;
    const worker = async () => {
      while (next < accounts.length) {
        const account = accounts[next++] as Account;
        const { status, json } = await this.#post('/v1/ledger/accounts', {
          id: this.#accountRefs[account.index],
          currency: 'CNY',
          type: account.ledgerType,
          code: LEDGER_ACCOUNT_CODES[account.kind],
          ownerRef: account.ownerId,
          flags: account.limited ? ['debits_must_not_exceed_credits'] : [],
          metadata: { simulator: { account: account.id, kind: account.kind, seed: run.config.seed } },
        });
        if (status === 201) this.report.accountsCreated++;
        else if (status === 200) this.report.accountsExisting++;
        else
          throw new LedgerStreamError(
            `creating account ${account.id}: ${LedgerStreamSink.#describe(status, json)}`,
            status,
            json,
          );
      }
    };
    await Promise.all(Array.from({ length: this.#accountConcurrency }, worker));

    const equity = this.#accountRefs[run.world.bank.equity] as string;
    for (const account of accounts) {
      if (account.openingBalanceMinor <= 0n) continue;
      this.#pending.push({
        type: 'single',
        id: formatId('trf', seededUuid(streams, ID_KIND.opening, account.index, run.world.startMs - 1)),
        debitAccountId: equity,
        creditAccountId: this.#accountRefs[account.index] as string,
        amount: fenToDecimal(account.openingBalanceMinor),
        currency: 'CNY',
        code: OPENING_BALANCE_CODE,
        metadata: { event: `opening:${account.id}` },
      });
      if (this.#pending.length >= this.#batchSize) await this.#send();
    }
  }

  async day(events: readonly SimEvent[]): Promise<void> {
    const streams = this.#streams;
    assert(streams !== undefined, 'LedgerStreamSink.day before begin');
    const refs = this.#accountRefs;
    for (const event of events) {
      if (event.type !== 'payment' || event.status !== 'completed') continue;
      this.#pending.push({
        type: 'single',
        id: formatId('trf', seededUuid(streams, ID_KIND.event, event.seq, event.tsMs)),
        debitAccountId: refs[event.from] as string,
        creditAccountId: refs[event.to] as string,
        amount: fenToDecimal(event.amountMinor),
        currency: 'CNY',
        code: transferCode(event.subtype),
        metadata: { event: event.id },
      });
      if (this.#pending.length >= this.#batchSize) await this.#send();
    }
  }

  async end(): Promise<void> {
    try {
      if (this.#pending.length > 0) await this.#send();
      await this.#inFlight;
    } finally {
      await this.#pool.close();
    }
  }

  /** Waits for the batch in flight, then sends the pending one without waiting for it. */
  async #send(): Promise<void> {
    await this.#inFlight;
    const batch = this.#pending;
    this.#pending = [];
    const request = this.#post('/v1/ledger/transfers/batch', { transfers: batch }).then(({ status, json }) => {
      if (status !== 200)
        throw new LedgerStreamError(`posting transfers: ${LedgerStreamSink.#describe(status, json)}`, status, json);
      const results = (json as { results?: { status: string; code?: string }[] }).results ?? [];
      if (results.length !== batch.length)
        throw new LedgerStreamError('the server answered a batch with the wrong number of results');
      this.report.batches++;
      results.forEach((result, i) => {
        if (result.status === 'created') this.report.transfersCreated++;
        else if (result.status === 'exists') this.report.transfersExisting++;
        else {
          this.report.transfersFailed++;
          if (this.report.failures.length < FAILURES_KEPT)
            this.report.failures.push({ eventId: batch[i]?.metadata.event ?? '', code: result.code ?? result.status });
        }
      });
    });
    // Keep the rejection observed until the next await picks it up.
    request.catch(() => undefined);
    this.#inFlight = request;
  }

  /** The ledger id a simulator account was streamed as. */
  ledgerAccountId(accountIndex: number): string | undefined {
    return this.#accountRefs[accountIndex];
  }
}
