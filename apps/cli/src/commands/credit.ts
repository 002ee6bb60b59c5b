import { readFileSync } from 'node:fs';
import {
  APPLICATION_PREFIX,
  type ApplicationRequest,
  applicationJson,
  type CreditService,
  collectionJson,
  creditErrors,
  decisionJson,
  LOAN_PREFIX,
  loanJson,
  PRODUCT_PREFIX,
  productJson,
  quote,
  quoteJson,
} from '@zhirong/credit';
import { formatId, type Language, messageFor, parseId } from '@zhirong/kernel';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';

function cliLanguage(): Language {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function explain(code: string, params?: Readonly<Record<string, unknown>>): string {
  const def = (creditErrors as Record<string, { status: number; en: string; zh: string }>)[code];
  return def ? `${code}: ${messageFor(def, cliLanguage(), params as Record<string, unknown>)}` : code;
}

function idArg(prefix: string, text: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) fail(explain('id_malformed', { value: text, kind: prefix }));
  return parsed.value;
}

function outcome<T>(
  result: { ok: true; value: T } | { ok: false; code: string; params?: Readonly<Record<string, unknown>> },
): T {
  if (!result.ok) fail(explain(result.code, result.params), 1);
  return result.value;
}

/** Runs a lending command on the configured database; committed events are published before exit. */
async function withCredit<T>(work: (credit: CreditService) => Promise<T>): Promise<T> {
  return withPlatform(configFromEnv(), async (platform) => {
    const result = await work(platform.service<CreditService>('credit'));
    platform.start();
    await platform.relay.stop();
    await platform.relay.drain();
    return result;
  });
}

/** An application as JSON from a file, or from standard input with `-`. */
function readApplication(path: string): ApplicationRequest & { productId: string } {
  try {
    const parsed = JSON.parse(readFileSync(path === '-' ? 0 : path, 'utf8')) as ApplicationRequest;
    return {
      ...parsed,
      productId: idArg(PRODUCT_PREFIX, String(parsed.productId)),
      ...(parsed.accountId === undefined ? {} : { accountId: idArg('acc', String(parsed.accountId)) }),
    };
  } catch (error) {
    return fail(explain('credit_input_invalid', { field: path, reason: (error as Error).message }));
  }
}

function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}

export function registerCreditCommands(program: Command): void {
  const credit = program
    .command('credit')
    .description('Lending ("310" 贷款): repayment schedules, applications, decisions, loans');

  credit
    .command('schedule')
    .description('Print a repayment schedule and its APR (IRR of the cash flows, fees included)')
    .requiredOption('--principal <decimal>', 'principal in major units, e.g. 100000.00')
    .requiredOption('--currency <code>', 'ISO 4217 currency')
    .requiredOption('--months <n>', 'term in months, 1–360')
    .requiredOption('--annual-rate <decimal>', 'nominal annual rate, 0.12 is 12 %')
    .option(
      '--method <method>',
      'equal-installment (等额本息) | equal-principal (等额本金) | interest-only (先息后本)',
      'equal-installment',
    )
    .option('--day-count <convention>', '30/360 | ACT/365 | ACT/360', '30/360')
    .option('--start-date <date>', 'disbursement date YYYY-MM-DD (default: today, Asia/Shanghai)')
    .option('--upfront-fee <decimal>', 'fee withheld from the payout', '0')
    .option('--periodic-fee <decimal>', 'fee charged with every installment', '0')
    .option('--json', 'print one JSON document')
    .action((opts) => {
      const result = quote({
        principal: String(opts.principal),
        currency: String(opts.currency),
        months: String(opts.months),
        annualRate: String(opts.annualRate),
        method: String(opts.method),
        dayCount: String(opts.dayCount),
        startDate: opts.startDate === undefined ? todayIn('Asia/Shanghai') : String(opts.startDate),
        upfrontFee: String(opts.upfrontFee),
        periodicFee: String(opts.periodicFee),
      });
      if (!result.ok) fail(explain(result.code, result.params));
      const view = quoteJson(result.value);
      if (opts.json) return printJson(view);
      console.log(
        `${view.principal} ${view.currency} over ${view.months} months at ${view.annualRate} (${view.method}, ${view.dayCount})`,
      );
      console.log('period  due date     principal      interest       total          remaining');
      for (const i of view.installments)
        console.log(
          `${String(i.period).padStart(6)}  ${i.dueDate}  ${i.principal.padStart(13)}  ${i.interest.padStart(13)}  ${i.total.padStart(13)}  ${i.remaining.padStart(13)}`,
        );
      console.log(`total interest ${view.totalInterest}, fees ${view.totalFees}, repaid ${view.totalRepaid}`);
      console.log(`APR (IRR × 12) ${view.apr}, effective ${view.aprEffective}`);
    });

  const products = credit.command('products').description('Loan products');
  products
    .command('create')
    .description('Create a loan product (refused when its pricing could exceed the APR cap)')
    .requiredOption('--name <text>', 'product name')
    .requiredOption('--currency <code>', 'ISO 4217 currency')
    .requiredOption('--min-amount <decimal>', 'smallest loan')
    .requiredOption('--max-amount <decimal>', 'largest loan')
    .requiredOption('--min-term <months>', 'shortest term')
    .requiredOption('--max-term <months>', 'longest term')
    .requiredOption('--annual-rate-min <decimal>', 'best risk-based rate')
    .requiredOption('--annual-rate-max <decimal>', 'worst risk-based rate')
    .option('--method <method>', 'equal-installment | equal-principal | interest-only', 'equal-installment')
    .option('--day-count <convention>', '30/360 | ACT/365 | ACT/360', '30/360')
    .option('--upfront-fee-rate <decimal>', 'fee withheld at disbursement, as a fraction of the principal', '0')
    .option('--monthly-fee-rate <decimal>', 'fee with every installment, as a fraction of the principal', '0')
    .option('--grace-days <n>', 'days after a due date before penalty interest', '0')
    .option('--penalty-rate <decimal>', 'annual penalty rate (default 1.5 × the highest rate)')
    .option('--apr-cap <decimal>', 'APR cap (IRR × 12)', '0.24')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const product = outcome(
        await withCredit((service) =>
          service.createProduct({
            name: String(opts.name),
            currency: String(opts.currency),
            minAmount: String(opts.minAmount),
            maxAmount: String(opts.maxAmount),
            minTermMonths: Number(opts.minTerm),
            maxTermMonths: Number(opts.maxTerm),
            method: String(opts.method),
            dayCount: String(opts.dayCount),
            annualRateMin: String(opts.annualRateMin),
            annualRateMax: String(opts.annualRateMax),
            upfrontFeeRate: String(opts.upfrontFeeRate),
            monthlyFeeRate: String(opts.monthlyFeeRate),
            graceDays: Number(opts.graceDays),
            ...(opts.penaltyRate === undefined ? {} : { penaltyRate: String(opts.penaltyRate) }),
            aprCap: String(opts.aprCap),
          }),
        ),
      );
      const view = productJson(product, (id) => formatId(PRODUCT_PREFIX, id));
      if (opts.json) return printJson(view);
      console.log(
        `${view.id} ${view.name}: ${view.minAmount}–${view.maxAmount} ${view.currency}, APR at most ${view.aprMax}`,
      );
    });

  const decisionLine = (view: ReturnType<typeof applicationJson>) =>
    `${view.id} ${view.decision.outcome} (PD ${view.decision.pd ?? '-'}, band ${view.decision.band ?? '-'}, limit ${view.decision.limit}, APR ${view.decision.apr ?? '-'})${view.decision.reasons.map((r) => `\n  · ${cliLanguage() === 'zh-CN' ? r.zh : r.en}`).join('')}`;

  credit
    .command('apply')
    .description('Submit an application (JSON file, or - for stdin): decided at once and stored')
    .requiredOption('--file <path>', 'the application JSON, as POST /v1/credit/applications takes it')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const request = readApplication(String(opts.file));
      const view = applicationJson(outcome(await withCredit((service) => service.apply(request))));
      if (opts.json) return printJson(view);
      console.log(decisionLine(view));
    });

  credit
    .command('decide')
    .description('Decide an application without storing it (what-if)')
    .requiredOption('--file <path>', 'the application JSON')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const request = readApplication(String(opts.file));
      const view = applicationJson(outcome(await withCredit((service) => service.apply(request, { dryRun: true }))));
      if (opts.json) return printJson(view.decision);
      console.log(decisionLine(view));
    });

  credit
    .command('replay <application>')
    .description('Decide a stored application again from its stored inputs and versions; exit 1 unless identical')
    .option('--json', 'print one JSON document')
    .action(async (text: string, opts) => {
      const id = idArg(APPLICATION_PREFIX, text);
      const r = outcome(await withCredit((service) => service.replay(id)));
      const view = {
        id: text,
        identical: r.identical,
        stored: decisionJson(r.application.decision, r.application.currency),
        replayed: decisionJson(r.replayed, r.application.currency),
      };
      if (opts.json) printJson(view);
      else
        console.log(
          `${text}: ${r.identical ? 'identical' : 'DIFFERENT'} (${view.stored.outcome} → ${view.replayed.outcome})`,
        );
      if (!r.identical) process.exitCode = 1;
    });

  credit
    .command('accrue')
    .description('Run the daily interest and penalty accrual through a business date (idempotent per date)')
    .option('--date <date>', 'business date YYYY-MM-DD (default: today)')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const result = outcome(
        await withCredit((service) => service.accrue(opts.date === undefined ? service.today() : String(opts.date))),
      );
      if (opts.json) return printJson(result);
      console.log(
        `${result.loans} loans, ${result.rows} accrual rows, interest ${result.interestMinor} and penalty ${result.penaltyMinor} minor units`,
      );
    });

  credit
    .command('loan <loan>')
    .description('Show a loan with its schedule, days past due and payoff amount')
    .option('--json', 'print one JSON document')
    .action(async (text: string, opts) => {
      const id = idArg(LOAN_PREFIX, text);
      const v = await withCredit((service) => service.loan(id));
      if (!v) fail(explain('loan_not_found', { id: text }), 1);
      const view = loanJson(v);
      if (opts.json) return printJson(view);
      console.log(
        `${view.id} ${view.status} ${view.principalOutstanding}/${view.principal} ${view.currency}, ${view.daysPastDue} DPD (${view.bucket}), payoff ${view.payoffAmount}`,
      );
    });

  credit
    .command('report')
    .description('Portfolio report: approval, bad and roll rates by score band, vintage curves, PSI of application PDs')
    .option('--as-of <date>', 'business date YYYY-MM-DD (default: today)')
    .option('--days <n>', 'window in days (applications, roll rates; PSI compares it with the one before)', '30')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const days = Number(opts.days);
      const r = outcome(
        await withCredit((service) =>
          service.servicing.report({ ...(opts.asOf ? { asOf: String(opts.asOf) } : {}), days }),
        ),
      );
      if (opts.json) return printJson(r);
      console.log(`Portfolio as of ${r.asOf} (last ${r.days} days)`);
      console.log('band  applications  approved  approval  loans  bad  bad rate');
      for (const b of r.bands)
        console.log(
          `${b.band.padEnd(6)}${String(b.applications).padStart(12)}${String(b.approved).padStart(10)}${(b.approvalRate ?? '-').padStart(10)}${String(b.loans).padStart(7)}${String(b.bad).padStart(5)}${(b.badRate ?? '-').padStart(10)}`,
        );
      console.log(`Roll rates ${r.rollRates.from} → ${r.rollRates.to}:`);
      for (const b of r.rollRates.byBand)
        for (const row of b.rows)
          console.log(
            `  ${b.band.padEnd(6)} ${row.from.padEnd(8)} ${row.loans} loans, roll forward ${row.rollForward ?? '-'}`,
          );
      console.log('Vintages (share ever 30+ DPD by month on book):');
      for (const v of r.vintages)
        console.log(`  ${v.vintage} (${v.loans} loans): ${v.curve.map((c) => c.rate ?? '-').join(' ')}`);
      console.log(
        `PSI of application PDs: ${r.psi.value ?? '-'} (${r.psi.status ?? 'not enough data'}; ${r.psi.baseline.scored} vs ${r.psi.current.scored} scored)`,
      );
    });

  credit
    .command('collections')
    .description('The collections queue: overdue loans worst first with amount due, assignee and promise')
    .option('--bucket <bucket>', 'M1, M2, M3 or M3+')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const bucket = opts.bucket === undefined ? undefined : String(opts.bucket);
      if (bucket !== undefined && !['M1', 'M2', 'M3', 'M3+'].includes(bucket))
        fail(explain('credit_input_invalid', { field: '--bucket', reason: 'M1, M2, M3 or M3+' }));
      const rows = await withCredit((service) =>
        service.servicing.queue({
          limit: Number(opts.limit),
          ...(bucket ? { bucket: bucket as 'M1' | 'M2' | 'M3' | 'M3+' } : {}),
        }),
      );
      const view = rows.map(collectionJson);
      if (opts.json) return printJson(view);
      for (const e of view)
        console.log(
          `${e.loanId} ${e.bucket} ${e.daysPastDue} DPD due ${e.amountDue} ${e.currency} assignee ${e.assignee ?? '-'} promise ${e.promise ? `${e.promise.amount} by ${e.promise.date} (${e.promise.status})` : '-'}`,
        );
    });

  credit
    .command('monitor')
    .description('Run post-loan monitoring: flag missed payments, falling balances and new risk decisions (each once)')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const raised = await withCredit((service) => service.servicing.monitor());
      if (opts.json) return printJson({ raised });
      console.log(
        `raised: ${raised.missed_payment} missed payment, ${raised.falling_balance} falling balance, ${raised.risk_decision} risk decision`,
      );
    });
}
