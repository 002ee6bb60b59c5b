import { creditErrors, quote, quoteJson } from '@zhirong/credit';
import { type Language, messageFor } from '@zhirong/kernel';
import type { Command } from 'commander';
import { fail, printJson } from '../context.ts';

function cliLanguage(): Language {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function explain(code: string, params?: Readonly<Record<string, unknown>>): string {
  const def = (creditErrors as Record<string, { status: number; en: string; zh: string }>)[code];
  return def ? `${code}: ${messageFor(def, cliLanguage(), params as Record<string, unknown>)}` : code;
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
}
