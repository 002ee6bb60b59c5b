import { type Language, messageFor, parseAmount, parseId } from '@zhirong/kernel';
import type { Platform } from '@zhirong/platform';
import {
  RECEIVABLE_PREFIX,
  receivableJson,
  type ScfService,
  type StepResult,
  scfErrors,
  stepResultJson,
} from '@zhirong/scf';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';

function cliLanguage(): Language {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function explain(code: string, params?: Readonly<Record<string, unknown>>): string {
  const def = (scfErrors as Record<string, { status: number; en: string; zh: string }>)[code];
  return def ? `${code}: ${messageFor(def, cliLanguage(), params as Record<string, unknown>)}` : code;
}

function idArg(prefix: string, text: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) fail(explain('id_malformed', { value: text, kind: prefix }));
  return parsed.value;
}

function amountArg(text: string, currency: string): bigint {
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) fail(explain(parsed.code, { currency }));
  return parsed.value;
}

/** Runs an SCF command; each committed step is appended to the evidence log before the command exits. */
async function withScf<T>(work: (scf: ScfService, platform: Platform) => Promise<T>): Promise<T> {
  return withPlatform(configFromEnv(), async (platform) => {
    const result = await work(platform.service<ScfService>('scf'), platform);
    platform.start();
    await platform.relay.stop();
    await platform.relay.drain();
    return result;
  });
}

function printStep(
  outcome: { ok: true; value: StepResult } | { ok: false; code: string; params?: Record<string, unknown> },
  json: boolean,
) {
  if (!outcome.ok) fail(explain(outcome.code, outcome.params), 1);
  const view = stepResultJson(outcome.value);
  if (json) return printJson(view);
  console.log(`${view.step.id} ${view.step.kind} ${view.step.status}`);
  for (const p of view.step.payments)
    console.log(`  paid ${p.amountMinor} minor units ${p.debitAccountId} → ${p.creditAccountId} (${p.transferId})`);
  for (const o of view.outputs)
    console.log(`  → ${o.id} ${o.amount} ${o.currency} held by ${o.holderAccountId}, due ${o.maturityDate}`);
  console.log(`  evidence: zhirong chain proof scf.step ${view.step.id}`);
}

async function currencyOf(scf: ScfService, id: string, text: string): Promise<string> {
  const r = await scf.get(id);
  if (!r) fail(explain('receivable_not_found', { id: text }), 1);
  return r.currency;
}

export function registerScfCommands(program: Command): void {
  const scf = program
    .command('scf')
    .description(
      'Supply-chain finance (供应链金融): digital receivables issued, split, transferred, financed, settled',
    );

  scf
    .command('issue')
    .description('Issue a receivable: the core enterprise confirms its debt to a supplier')
    .requiredOption('--issuer <acc>', "the core enterprise's ledger account (acc_…)")
    .requiredOption('--holder <acc>', "the supplier's ledger account (acc_…)")
    .requiredOption('--amount <decimal>', 'face value in major units')
    .requiredOption('--currency <code>', 'ISO 4217 currency')
    .requiredOption('--maturity <date>', 'maturity date, YYYY-MM-DD')
    .requiredOption('--debt <reference>', 'the confirmed contract or invoice')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const amountMinor = amountArg(String(opts.amount), String(opts.currency));
      const issuer = idArg('acc', String(opts.issuer));
      const holder = idArg('acc', String(opts.holder));
      const outcome = await withScf((service) =>
        service.issue({
          issuerAccountId: issuer,
          holderAccountId: holder,
          amountMinor,
          currency: String(opts.currency),
          maturityDate: String(opts.maturity),
          debtReference: String(opts.debt),
        }),
      );
      printStep(outcome, Boolean(opts.json));
    });

  scf
    .command('split <receivable>')
    .description('Split a receivable into parts that sum exactly to it')
    .requiredOption('--amounts <decimals...>', 'the parts, in major units')
    .option('--json', 'print one JSON document')
    .action(async (text: string, opts) => {
      const id = idArg(RECEIVABLE_PREFIX, text);
      const outcome = await withScf(async (service) => {
        const currency = await currencyOf(service, id, text);
        return service.split(
          id,
          (opts.amounts as string[]).map((a) => amountArg(a, currency)),
        );
      });
      printStep(outcome, Boolean(opts.json));
    });

  scf
    .command('transfer <receivable>')
    .description('Transfer all, or --amount of, a receivable to the next tier')
    .requiredOption('--to <acc>', "the new holder's ledger account")
    .option('--amount <decimal>', 'part of the receivable; the rest stays with the holder')
    .option('--json', 'print one JSON document')
    .action(async (text: string, opts) => {
      const id = idArg(RECEIVABLE_PREFIX, text);
      const to = idArg('acc', String(opts.to));
      const outcome = await withScf(async (service) => {
        const currency = await currencyOf(service, id, text);
        return service.transfer(
          id,
          to,
          opts.amount === undefined ? undefined : amountArg(String(opts.amount), currency),
        );
      });
      printStep(outcome, Boolean(opts.json));
    });

  scf
    .command('finance <receivable>')
    .description('Discount a receivable at a funder: pay-out = face × (1 − rate × days / 360), rounded down')
    .requiredOption('--funder <acc>', "the funder's (bank's) ledger account")
    .requiredOption('--rate <decimal>', 'annual rate as a fraction, e.g. 0.0365 for 3.65 %')
    .option('--json', 'print one JSON document')
    .action(async (text: string, opts) => {
      const id = idArg(RECEIVABLE_PREFIX, text);
      const funder = idArg('acc', String(opts.funder));
      printStep(await withScf((service) => service.finance(id, funder, String(opts.rate))), Boolean(opts.json));
    });

  scf
    .command('settle [receivable]')
    .description('Settle a matured receivable, or every receivable due today without an argument')
    .option('--json', 'print one JSON document')
    .action(async (text: string | undefined, opts) => {
      if (text === undefined) {
        const result = await withScf((service) => service.settleDue());
        if (opts.json) return printJson(result);
        console.log(`settled ${result.settled}`);
        for (const f of result.failed) console.log(`  NOT settled ${f.id}: ${explain(f.code)}`);
        process.exitCode = result.failed.length > 0 ? 1 : 0;
        return;
      }
      const id = idArg(RECEIVABLE_PREFIX, text);
      printStep(await withScf((service) => service.settle(id)), Boolean(opts.json));
    });

  scf
    .command('show <receivable>')
    .description('A receivable and the steps from its issuance to now')
    .option('--json', 'print one JSON document')
    .action(async (text: string, opts) => {
      const id = idArg(RECEIVABLE_PREFIX, text);
      const outcome = await withScf((service) => service.history(id));
      if (!outcome.ok) fail(explain(outcome.code, outcome.params), 1);
      const view = {
        receivable: receivableJson(outcome.value.receivable),
        steps: outcome.value.steps.map(stepResultJson),
      };
      if (opts.json) return printJson(view);
      const r = view.receivable;
      console.log(`${r.id} ${r.amount} ${r.currency} ${r.status}, held by ${r.holderAccountId}, due ${r.maturityDate}`);
      for (const s of view.steps) console.log(`  ${s.step.createdAt} ${s.step.kind} ${s.step.id}`);
    });
}
