import { cpus } from 'node:os';
import { type ApplicationRequest, type CreditService, PRODUCT_PREFIX } from '@zhirong/credit';
import { formatId } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import type { Config } from '@zhirong/platform';
import { makeResidentId } from '@zhirong/simulator';
import { sql } from 'kysely';
import { withPlatform } from '../context.ts';

/**
 * `zhirong bench credit`: against the configured database, in process (service calls, no HTTP):
 *
 * 1. an open-loop load of applications at `rate` per second for `seconds`: each is validated,
 *    screened, scored, decided and stored (application → decision), then, when approved, accepted
 *    and disbursed through the ledger (application → disbursed loan). Latency is measured from the
 *    application's scheduled start, so queueing counts.
 * 2. the nightly accrual: `accrualLoans` loans (cloned in SQL from the loans of phase 1) accrued
 *    for one business date; the measured rate is extrapolated to 1,000,000 loans.
 */
export interface CreditBenchOptions {
  readonly rate: number;
  readonly seconds: number;
  readonly accrualLoans: number;
  readonly seed: number;
  readonly progress: (message: string) => void;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const round = (x: number) => Math.round(x * 100) / 100;
const EMPLOYMENTS = ['engineer', 'teacher', 'doctor', 'office_worker', 'civil_servant', 'sales'] as const;

export async function benchCredit(config: Config, options: CreditBenchOptions) {
  return withPlatform(config, async (platform) => {
    const credit = platform.service<CreditService>('credit');
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const ids = platform.context.ids;
    const product = await credit.createProduct({
      name: `bench ${ids.uuid()}`,
      currency: 'CNY',
      minAmount: '1000.00',
      maxAmount: '200000.00',
      minTermMonths: 6,
      maxTermMonths: 36,
      method: 'equal-installment',
      annualRateMin: '0.08',
      annualRateMax: '0.18',
      upfrontFeeRate: '0.01',
      graceDays: 3,
    });
    if (!product.ok) throw new Error(product.code);
    const total = options.rate * options.seconds;
    const accounts = Array.from({ length: Math.min(total, 1000) }, () => ids.uuid());
    for (let i = 0; i < accounts.length; i += 500)
      await ledger.createAccounts(
        accounts.slice(i, i + 500).map((id) => ({ id, currency: 'CNY', type: 'liability' as const })),
      );
    // A seeded applicant per index, offset past earlier runs: unique ID numbers, mostly creditworthy.
    const stored = await sql<{ n: string }>`select count(*)::text as n from credit.applications`.execute(
      platform.context.db.kysely,
    );
    const offset = Number(stored.rows[0]?.n ?? 0);
    const run = options.seed % 500;
    const request = (i: number): ApplicationRequest => {
      const birthYear = 1965 + (i % 35);
      const day = 1 + (i % 28);
      return {
        productId: product.value.id,
        amount: `${5000 + (i % 20) * 1000}.00`,
        termMonths: [6, 12, 24][i % 3] as number,
        applicant: {
          name: `申请人${i}`,
          idNumber: makeResidentId(
            {
              regionCode: ['110105', '310115', '440305', '510107'][i % 4] as string,
              birthDate: `${birthYear}${String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0')}${String(day).padStart(2, '0')}`,
              sex: i % 2 === 0 ? 'M' : 'F',
            },
            (run + Math.floor(i / 336)) % 500,
          ),
          phone: `138${String(i % 100_000_000).padStart(8, '0')}`,
          monthlyIncome: `${12000 + (i % 10) * 2000}.00`,
          employment: { type: EMPLOYMENTS[i % EMPLOYMENTS.length] as string, months: 24 + (i % 120) },
        },
        external: { bureauScore: 640 + (i % 200), inquiries6m: i % 4, existingLoans: i % 2, hasMortgage: i % 3 === 0 },
        consent: { granted: true, version: 'bench', grantedAt: '2026-01-01T00:00:00Z' },
      };
    };

    options.progress(`applications: ${options.rate}/s for ${options.seconds} s (${total} in all)`);
    const decisionMs: number[] = [];
    const disbursedMs: number[] = [];
    const outcomes: Record<string, number> = { approve: 0, refer: 0, decline: 0, failed: 0 };
    const t0 = performance.now();
    const tasks: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const scheduled = t0 + (i * 1000) / options.rate;
      const wait = scheduled - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      tasks.push(
        (async () => {
          const applied = await credit.apply(request(offset + i));
          if (!applied.ok) {
            outcomes.failed = (outcomes.failed ?? 0) + 1;
            return;
          }
          decisionMs.push(performance.now() - scheduled);
          const outcome = applied.value.decision.outcome;
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (outcome !== 'approve') return;
          const loan = await credit.accept({
            applicationId: applied.value.id,
            customerAccountId: accounts[i % accounts.length] as string,
          });
          if (loan.ok) disbursedMs.push(performance.now() - scheduled);
          else outcomes.failed = (outcomes.failed ?? 0) + 1;
        })(),
      );
    }
    await Promise.all(tasks);
    const elapsedS = (performance.now() - t0) / 1000;
    decisionMs.sort((a, b) => a - b);
    disbursedMs.sort((a, b) => a - b);

    // Phase 2: clone the loans into `accrualLoans`, all last accrued yesterday, and accrue today.
    const db = platform.context.db.kysely;
    const today = credit.today();
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    options.progress(`accrual: cloning ${options.accrualLoans} loans`);
    await sql`update credit.loans set accrued_through = ${yesterday}::date where status = 'active'`.execute(db);
    const { rows } = await sql<{
      n: string;
    }>`select count(*)::text as n from credit.loans where status = 'active'`.execute(db);
    let active = Number(rows[0]?.n ?? 0);
    while (active > 0 && active < options.accrualLoans) {
      const batch = Math.min(active, options.accrualLoans - active, 20_000);
      await sql`
        with src as (
          select l.*, gen_random_uuid() as new_id, gen_random_uuid() as new_app
          from credit.loans l where l.status = 'active' order by l.id limit ${batch}
        ), apps as (
          insert into credit.applications (id, product_id, id_number, applicant, amount, currency, term_months, consent,
            inputs, decision, outcome, model_version, policy_version, status, loan_id, created_at)
          select s.new_app, a.product_id, a.id_number, a.applicant, a.amount, a.currency, a.term_months, a.consent,
            a.inputs, a.decision, a.outcome, a.model_version, a.policy_version, 'accepted', s.new_id, a.created_at
          from src s join credit.applications a on a.id = s.application_id
        ), loans as (
          insert into credit.loans (id, application_id, product_id, id_number, customer_account_id, currency, principal,
            annual_rate, penalty_rate, grace_days, method, day_count, start_date, upfront_fee, status, principal_outstanding,
            interest_accrued, penalty_outstanding, penalty_paid, accrued_through, days_past_due, disbursement_transfer_ids, created_at)
          select new_id, new_app, product_id, id_number, customer_account_id, currency, principal, annual_rate, penalty_rate,
            grace_days, method, day_count, start_date, upfront_fee, status, principal_outstanding, interest_accrued,
            penalty_outstanding, penalty_paid, accrued_through, days_past_due, '{}', created_at
          from src
        )
        insert into credit.installments (loan_id, period, from_date, due_date, principal, interest, fee)
        select s.new_id, i.period, i.from_date, i.due_date, i.principal, i.interest, i.fee
        from src s join credit.installments i on i.loan_id = s.id`.execute(db);
      active += batch;
    }
    options.progress(`accrual: ${active} loans through ${today}`);
    const a0 = performance.now();
    const workers = platform.context.db.backend === 'pglite' ? 1 : 2;
    const accrued = await credit.accrue(today, { workers });
    const accrualS = (performance.now() - a0) / 1000;
    if (!accrued.ok) throw new Error(accrued.code);
    const perSec = accrued.value.loans / accrualS;
    return {
      backend: platform.context.db.backend,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      product: formatId(PRODUCT_PREFIX, product.value.id),
      applications: {
        offered_per_sec: options.rate,
        seconds: options.seconds,
        submitted: total,
        achieved_per_sec: round(total / elapsedS),
        outcomes,
        decision_p50_ms: round(percentile(decisionMs, 50)),
        decision_p99_ms: round(percentile(decisionMs, 99)),
        decision_max_ms: round(decisionMs.at(-1) ?? 0),
        disbursed: disbursedMs.length,
        disbursed_p50_ms: round(percentile(disbursedMs, 50)),
        disbursed_p99_ms: round(percentile(disbursedMs, 99)),
        disbursed_max_ms: round(disbursedMs.at(-1) ?? 0),
      },
      accrual: {
        loans: accrued.value.loans,
        workers,
        rows: accrued.value.rows,
        seconds: round(accrualS),
        loans_per_sec: round(perSec),
        extrapolated_1m_loans_seconds: round(1_000_000 / perSec),
        note: 'the 1,000,000-loan figure is extrapolated linearly from the measured rate',
      },
      target: { decision_p99_ms: 50, disbursed_p99_ms: 150, rate_per_sec: 200, accrual_1m_loans_seconds: 300 },
    };
  });
}
