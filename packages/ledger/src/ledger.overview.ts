import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Clock, formatAmount } from '@zhirong/kernel';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Db } from './ledger.repository.ts';

/**
 * What an operator watches on the console's overview, in one read: per currency the posted and
 * pending totals (and whether debits equal credits), accounts by status, open holds, and the value
 * moved in the last hour and day, with a per-minute series for the last hour.
 *
 * Volume counts value-moving transfers (`single`, which includes reversals, and `post_pending`).
 * The time window is found through the transfers' primary key: ids are UUIDv7, whose first 48 bits
 * are the creation time in ms, so `id >= <the smallest UUIDv7 of (since − skew)>` is a range scan
 * of the primary key and the hot table needs no extra index on `created_at`. `created_at` then
 * filters exactly. A transfer whose client-chosen id is more than `ID_CLOCK_SKEW_MS` older than
 * its `created_at` falls outside the range and is not counted.
 *
 * Results are cached for `OVERVIEW_CACHE_MS`: every console polling at once costs one read.
 */
export const OVERVIEW_CACHE_MS = 2_000;
export const ID_CLOCK_SKEW_MS = 5 * 60_000;
export const SERIES_MINUTES = 60;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const STATUSES = ['active', 'frozen', 'closed'] as const;

export interface CurrencyOverview {
  readonly currency: string;
  readonly accounts: { total: number; active: number; frozen: number; closed: number };
  readonly debitsPosted: string;
  readonly creditsPosted: string;
  readonly debitsPending: string;
  readonly creditsPending: string;
  readonly balanced: boolean;
  readonly pendingTransfers: number;
  readonly lastHour: { transfers: number; amount: string };
  readonly lastDay: { transfers: number; amount: string };
  /** Per-minute buckets, oldest first, exactly SERIES_MINUTES of them (empty minutes are zero). */
  readonly series: { start: string; transfers: number; amount: string }[];
}

export interface LedgerOverviewView {
  readonly asOf: string;
  readonly currencies: CurrencyOverview[];
}

/** The smallest UUIDv7 created at `ms`: the 48-bit time, then zeros. */
export function smallestUuidAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

export class LedgerOverview {
  readonly #db: Db;
  readonly #clock: Clock;
  #cached: { atMs: number; value: Promise<LedgerOverviewView> } | undefined;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** The overview, at most OVERVIEW_CACHE_MS old; concurrent callers share one read. */
  get(): Promise<LedgerOverviewView> {
    const nowMs = this.#clock.nowMs();
    if (this.#cached !== undefined && nowMs - this.#cached.atMs < OVERVIEW_CACHE_MS) return this.#cached.value;
    const value = this.#read(nowMs);
    this.#cached = { atMs: nowMs, value };
    value.catch(() => {
      if (this.#cached?.value === value) this.#cached = undefined;
    });
    return value;
  }

  async #read(nowMs: number): Promise<LedgerOverviewView> {
    const db = this.#db;
    const minuteMs = 60_000;
    const seriesStartMs = Math.floor(nowMs / minuteMs) * minuteMs - (SERIES_MINUTES - 1) * minuteMs;
    const hourAgo = new Date(nowMs - HOUR_MS).toISOString();
    const dayAgo = new Date(nowMs - DAY_MS).toISOString();
    const seriesStart = new Date(seriesStartMs).toISOString();
    const [totals, statuses, pendings, volume, buckets] = await Promise.all([
      sql<{ currency: string; dpe: string; dpo: string; cpe: string; cpo: string }>`
        select currency, sum(debits_pending)::text as dpe, sum(debits_posted)::text as dpo,
               sum(credits_pending)::text as cpe, sum(credits_posted)::text as cpo
        from ledger.accounts group by currency order by currency`.execute(db),
      sql<{ currency: string; status: string; n: string }>`
        select currency, status, count(*)::text as n from ledger.accounts group by currency, status`.execute(db),
      sql<{ currency: string; n: string }>`
        select t.currency, count(*)::text as n from ledger.pending_transfers p
        join ledger.transfers t on t.id = p.transfer_id
        where p.state = 'pending' group by t.currency`.execute(db),
      sql<{ currency: string; n_hour: string; a_hour: string; n_day: string; a_day: string }>`
        select currency,
               count(*) filter (where created_at >= ${hourAgo}::timestamptz)::text as n_hour,
               coalesce(sum(amount) filter (where created_at >= ${hourAgo}::timestamptz), 0)::text as a_hour,
               count(*)::text as n_day, coalesce(sum(amount), 0)::text as a_day
        from ledger.transfers
        where id >= ${smallestUuidAt(nowMs - DAY_MS - ID_CLOCK_SKEW_MS)}::uuid
          and created_at >= ${dayAgo}::timestamptz and kind in ('single', 'post_pending')
        group by currency`.execute(db),
      sql<{ currency: string; minute: string; n: string; a: string }>`
        select currency, floor(extract(epoch from created_at) / 60)::int8::text as minute,
               count(*)::text as n, sum(amount)::text as a
        from ledger.transfers
        where id >= ${smallestUuidAt(seriesStartMs - ID_CLOCK_SKEW_MS)}::uuid
          and created_at >= ${seriesStart}::timestamptz and kind in ('single', 'post_pending')
        group by 1, 2`.execute(db),
    ]);
    const currencies = new Set<string>(totals.rows.map((r) => r.currency));
    for (const r of volume.rows) currencies.add(r.currency);
    const out: CurrencyOverview[] = [];
    for (const currency of [...currencies].sort()) {
      const total = totals.rows.find((r) => r.currency === currency);
      const counts = { total: 0, active: 0, frozen: 0, closed: 0 };
      for (const r of statuses.rows) {
        if (r.currency !== currency) continue;
        const n = Number(r.n);
        counts.total += n;
        if ((STATUSES as readonly string[]).includes(r.status)) counts[r.status as (typeof STATUSES)[number]] += n;
      }
      const v = volume.rows.find((r) => r.currency === currency);
      const byMinute = new Map(
        buckets.rows.filter((r) => r.currency === currency).map((r) => [Number(r.minute) * minuteMs, r]),
      );
      const fmt = (minor: string | undefined) => formatAmount(BigInt(minor ?? '0'), currency);
      out.push({
        currency,
        accounts: counts,
        debitsPosted: fmt(total?.dpo),
        creditsPosted: fmt(total?.cpo),
        debitsPending: fmt(total?.dpe),
        creditsPending: fmt(total?.cpe),
        balanced: (total?.dpo ?? '0') === (total?.cpo ?? '0') && (total?.dpe ?? '0') === (total?.cpe ?? '0'),
        pendingTransfers: Number(pendings.rows.find((r) => r.currency === currency)?.n ?? 0),
        lastHour: { transfers: Number(v?.n_hour ?? 0), amount: fmt(v?.a_hour) },
        lastDay: { transfers: Number(v?.n_day ?? 0), amount: fmt(v?.a_day) },
        series: Array.from({ length: SERIES_MINUTES }, (_, i) => {
          const start = seriesStartMs + i * minuteMs;
          const bucket = byMinute.get(start);
          return { start: new Date(start).toISOString(), transfers: Number(bucket?.n ?? 0), amount: fmt(bucket?.a) };
        }),
      });
    }
    return { asOf: new Date(nowMs).toISOString(), currencies: out };
  }
}

const Amount = Type.String({ description: 'Decimal string in major units' });
const Volume = Type.Object({ transfers: Type.Integer(), amount: Amount }, { additionalProperties: false });
const OverviewSchema = Type.Object(
  {
    asOf: Type.String({ format: 'date-time' }),
    currencies: Type.Array(
      Type.Object(
        {
          currency: Type.String(),
          accounts: Type.Object(
            { total: Type.Integer(), active: Type.Integer(), frozen: Type.Integer(), closed: Type.Integer() },
            { additionalProperties: false },
          ),
          debitsPosted: Amount,
          creditsPosted: Amount,
          debitsPending: Amount,
          creditsPending: Amount,
          balanced: Type.Boolean(),
          pendingTransfers: Type.Integer(),
          lastHour: Volume,
          lastDay: Volume,
          series: Type.Array(
            Type.Object(
              { start: Type.String({ format: 'date-time' }), transfers: Type.Integer(), amount: Amount },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** `GET /v1/ledger/overview` (scope `ledger:read`). */
export async function overviewRoutes(fastify: FastifyInstance, overview: LedgerOverview): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/overview',
    {
      config: { scope: 'ledger:read' },
      schema: {
        tags: ['ledger'],
        summary: 'Totals, accounts by status, open holds and transfer volume per currency (cached 2 s)',
        description:
          'For dashboards that poll: per currency the posted and pending totals, whether debits equal credits, accounts by status, open pending transfers, value moved in the last hour and 24 hours, and a per-minute series of the last 60 minutes.',
        response: { 200: OverviewSchema },
      },
    },
    async () => overview.get(),
  );
}
