import { sql } from 'kysely';
import type { Db } from './ledger.repository.ts';

/** One broken invariant found by `verify`. */
export interface VerifyProblem {
  readonly check: string;
  readonly subject: string;
  readonly detail: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly accounts: number;
  readonly transfers: number;
  readonly entries: number;
  readonly problems: readonly VerifyProblem[];
}

const PROBLEMS_MAX = 1000;

/**
 * Recomputes every balance from the transfers themselves (not from the stored running balances)
 * and checks every invariant the ledger promises. Read-only; runs in one repeatable-read snapshot.
 */
export async function verifyLedger(db: Db): Promise<VerifyReport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const problems: VerifyProblem[] = [];
      const add = (check: string, rows: { subject: string; detail: string }[]) => {
        for (const r of rows) if (problems.length < PROBLEMS_MAX) problems.push({ check, ...r });
      };
      const counts = await sql<{ accounts: string; transfers: string }>`
        select (select count(*) from ledger.accounts)::text as accounts,
               (select count(*) from ledger.transfers)::text as transfers`.execute(trx);

      // Every transfer's effect on each of its two accounts, with the balances stored after it.
      const effects = sql`
        select t.debit_account_id as account_id, t.debit_seq as seq, t.id as transfer_id,
               case when t.kind in ('single', 'post_pending') then t.amount else 0 end::numeric as dpo,
               case when t.kind = 'pending' then t.amount
                    when t.kind in ('post_pending', 'void_pending', 'expire_pending') then -p.amount else 0 end::numeric as dpe,
               0::numeric as cpo, 0::numeric as cpe,
               t.debit_debits_pending as s_dpe, t.debit_debits_posted as s_dpo,
               t.debit_credits_pending as s_cpe, t.debit_credits_posted as s_cpo
        from ledger.transfers t left join ledger.transfers p on p.id = t.pending_id
        union all
        select t.credit_account_id, t.credit_seq, t.id, 0, 0,
               case when t.kind in ('single', 'post_pending') then t.amount else 0 end,
               case when t.kind = 'pending' then t.amount
                    when t.kind in ('post_pending', 'void_pending', 'expire_pending') then -p.amount else 0 end,
               t.credit_debits_pending, t.credit_debits_posted, t.credit_credits_pending, t.credit_credits_posted
        from ledger.transfers t left join ledger.transfers p on p.id = t.pending_id`;

      const recomputed = await sql<{ subject: string; detail: string }>`
        with sums as (
          select account_id, sum(dpo) dpo, sum(dpe) dpe, sum(cpo) cpo, sum(cpe) cpe from (${effects}) e group by account_id
        )
        select a.id::text as subject,
               format('stored dpe=%s dpo=%s cpe=%s cpo=%s, recomputed dpe=%s dpo=%s cpe=%s cpo=%s',
                 a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted,
                 coalesce(s.dpe, 0), coalesce(s.dpo, 0), coalesce(s.cpe, 0), coalesce(s.cpo, 0)) as detail
        from ledger.accounts a left join sums s on s.account_id = a.id
        where a.debits_pending <> coalesce(s.dpe, 0) or a.debits_posted <> coalesce(s.dpo, 0)
           or a.credits_pending <> coalesce(s.cpe, 0) or a.credits_posted <> coalesce(s.cpo, 0)
        limit ${PROBLEMS_MAX}`.execute(trx);
      add('balance_matches_transfers', recomputed.rows);

      // The running balances stored with each transfer equal the sum of the history up to it.
      const running = await sql<{ subject: string; detail: string }>`
        select account_id::text as subject,
               format('after transfer %s (seq %s) stored dpe=%s dpo=%s cpe=%s cpo=%s, history gives %s %s %s %s',
                      transfer_id, seq, s_dpe, s_dpo, s_cpe, s_cpo, r_dpe, r_dpo, r_cpe, r_cpo) as detail
        from (
          select e.*, sum(dpe) over w as r_dpe, sum(dpo) over w as r_dpo, sum(cpe) over w as r_cpe, sum(cpo) over w as r_cpo
          from (${effects}) e window w as (partition by account_id order by seq)
        ) r
        where s_dpe <> r_dpe or s_dpo <> r_dpo or s_cpe <> r_cpe or s_cpo <> r_cpo
        limit ${PROBLEMS_MAX}`.execute(trx);
      add('running_balances_match_history', running.rows);

      const sequence = await sql<{ subject: string; detail: string }>`
        with n as (
          select account_id, count(*) as n, count(distinct seq) as d, max(seq) as m from (${effects}) e group by account_id
        )
        select a.id::text as subject,
               format('entry_count=%s, entries=%s, distinct seq=%s, max seq=%s', a.entry_count, coalesce(n.n, 0),
                      coalesce(n.d, 0), coalesce(n.m, 0)) as detail
        from ledger.accounts a left join n on n.account_id = a.id
        where a.entry_count <> coalesce(n.n, 0) or coalesce(n.d, 0) <> coalesce(n.n, 0) or a.entry_count <> coalesce(n.m, 0)
        limit ${PROBLEMS_MAX}`.execute(trx);
      add('entry_sequence_contiguous', sequence.rows);

      const perCurrency = await sql<{ subject: string; detail: string }>`
        select currency as subject,
               format('posted debits %s vs credits %s; pending debits %s vs credits %s',
                      sum(debits_posted), sum(credits_posted), sum(debits_pending), sum(credits_pending)) as detail
        from ledger.accounts group by currency
        having sum(debits_posted) <> sum(credits_posted) or sum(debits_pending) <> sum(credits_pending)`.execute(trx);
      add('debits_equal_credits_per_currency', perCurrency.rows);

      const limits = await sql<{ subject: string; detail: string }>`
        select id::text as subject, balance_limit as detail from ledger.accounts
        where (balance_limit = 'debits_must_not_exceed_credits' and debits_pending + debits_posted > credits_posted)
           or (balance_limit = 'credits_must_not_exceed_debits' and credits_pending + credits_posted > debits_posted)
        limit ${PROBLEMS_MAX}`.execute(trx);
      add('balance_limit_respected', limits.rows);

      const references = await sql<{ subject: string; detail: string }>`
        select t.id::text as subject, 'unknown account or currency differs from its accounts' as detail
        from ledger.transfers t
        left join ledger.accounts d on d.id = t.debit_account_id
        left join ledger.accounts c on c.id = t.credit_account_id
        where d.id is null or c.id is null or d.currency <> t.currency or c.currency <> t.currency
        limit ${PROBLEMS_MAX}`.execute(trx);
      add('transfer_references_valid', references.rows);

      const pendings = await sql<{ subject: string; detail: string }>`
        select coalesce(p.transfer_id, t.id)::text as subject,
               format('pending state %s, resolution %s', coalesce(p.state, 'missing'), coalesce(r.kind, 'none')) as detail
        from ledger.transfers t
        full join ledger.pending_transfers p on p.transfer_id = t.id
        left join ledger.transfers r on r.pending_id = t.id
        where (t.kind = 'pending' or p.transfer_id is not null)
          and (t.id is null or p.transfer_id is null or t.kind <> 'pending'
               or (p.state = 'pending') <> (r.id is null)
               or (p.state = 'posted' and r.kind <> 'post_pending')
               or (p.state = 'voided' and r.kind <> 'void_pending')
               or (p.state = 'expired' and r.kind <> 'expire_pending')
               or (r.id is not null and (r.debit_account_id <> t.debit_account_id or r.credit_account_id <> t.credit_account_id
                   or (r.kind = 'post_pending' and r.amount > t.amount) or (r.kind <> 'post_pending' and r.amount <> t.amount))))
        limit ${PROBLEMS_MAX}`.execute(trx);
      add('pending_transfers_consistent', pendings.rows);

      const reversals = await sql<{ subject: string; detail: string }>`
        select o.id::text as subject, format('reversed %s of %s', sum(r.amount), o.amount) as detail
        from ledger.transfers r join ledger.transfers o on o.id = r.reverses_id
        group by o.id, o.amount having sum(r.amount) > o.amount
        limit ${PROBLEMS_MAX}`.execute(trx);
      add('reversals_within_original', reversals.rows);

      const c = counts.rows[0];
      return {
        ok: problems.length === 0,
        accounts: Number(c?.accounts ?? 0),
        transfers: Number(c?.transfers ?? 0),
        entries: 2 * Number(c?.transfers ?? 0),
        problems,
      };
    });
}
