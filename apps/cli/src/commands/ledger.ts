import { formatId, type Language, messageFor, parseAmount, parseId } from '@zhirong/kernel';
import {
  ACCOUNT_FLAGS,
  ACCOUNT_PREFIX,
  ACCOUNT_TYPES,
  type Account,
  type AccountFlag,
  type AccountType,
  accountJson,
  type LedgerModuleService,
  ledgerErrors,
  TRANSFER_PREFIX,
  type TransferRequest,
  transferJson,
} from '@zhirong/ledger';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';

function cliLanguage(): Language {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function explain(code: string, params?: Readonly<Record<string, unknown>>): string {
  const def = (ledgerErrors as Record<string, { status: number; en: string; zh: string }>)[code];
  return def ? `${code}: ${messageFor(def, cliLanguage(), params as Record<string, unknown>)}` : code;
}

function idArg(prefix: string, text: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) fail(explain('id_malformed', { value: text, kind: prefix }));
  return parsed.value;
}

function printAccount(a: Account, json: boolean): void {
  // The same representation the HTTP API returns.
  const view = accountJson(a);
  if (json) {
    printJson(view);
    return;
  }
  const b = view.balances;
  console.log(
    `${view.id}  ${view.type} ${view.currency}  ${view.status}${view.flags.length ? `  [${view.flags.join(', ')}]` : ''}`,
  );
  console.log(`  posted ${b.posted}  available ${b.available}`);
  console.log(`  debits  pending ${b.debitsPending}  posted ${b.debitsPosted}`);
  console.log(`  credits pending ${b.creditsPending}  posted ${b.creditsPosted}`);
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('Double-entry ledger: accounts, transfers, verification');
  const accounts = ledger.command('accounts').description('Ledger accounts');

  accounts
    .command('create')
    .description('Create an account (idempotent by --id)')
    .requiredOption('--currency <code>', 'ISO 4217 currency, e.g. CNY')
    .requiredOption('--type <type>', `one of ${ACCOUNT_TYPES.join(', ')}`)
    .option('--id <id>', 'acc_ id chosen by you (makes the call idempotent)')
    .option('--code <n>', 'chart-of-accounts code', '0')
    .option('--owner <ref>', 'owner reference (e.g. a customer id)')
    .option('--flag <flag...>', `balance limit: ${ACCOUNT_FLAGS.join(' | ')}`)
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      if (!ACCOUNT_TYPES.includes(opts.type)) fail(`--type must be one of ${ACCOUNT_TYPES.join(', ')}`);
      const code = Number(opts.code);
      if (!Number.isInteger(code) || code < 0 || code > 2147483647) fail('--code must be a whole number ≥ 0');
      const flags = (opts.flag ?? []) as string[];
      for (const f of flags)
        if (!ACCOUNT_FLAGS.includes(f as AccountFlag)) fail(`--flag must be one of ${ACCOUNT_FLAGS.join(', ')}`);
      await withPlatform(configFromEnv(), async (platform) => {
        const { ledger: service } = platform.service<LedgerModuleService>('ledger');
        const id = opts.id ? idArg(ACCOUNT_PREFIX, opts.id) : platform.context.ids.uuid();
        const [result] = await service.createAccounts([
          {
            id,
            currency: String(opts.currency),
            type: opts.type as AccountType,
            code,
            ownerRef: opts.owner ?? null,
            flags: flags as AccountFlag[],
          },
        ]);
        if (!result || result.status === 'failed') {
          fail(explain(result?.code ?? 'internal_error', { currency: opts.currency, ...result?.params }), 1);
        }
        printAccount(result.account, Boolean(opts.json));
      });
    });

  accounts
    .command('show <id>')
    .description('Show an account with its balances')
    .option('--as-of <instant>', 'balances as of an ISO 8601 instant')
    .option('--json', 'print one JSON document')
    .action(async (idText: string, opts) => {
      const id = idArg(ACCOUNT_PREFIX, idText);
      let asOf: Date | undefined;
      if (opts.asOf) {
        asOf = new Date(String(opts.asOf));
        if (Number.isNaN(asOf.getTime())) fail('--as-of must be an ISO 8601 instant');
      }
      await withPlatform(configFromEnv(), async (platform) => {
        const { ledger: service } = platform.service<LedgerModuleService>('ledger');
        if (asOf) {
          const outcome = await service.balancesAsOf(id, asOf);
          if (!outcome.ok) fail(explain(outcome.code, { id: idText }), 1);
          return printAccount({ ...outcome.value.account, balances: outcome.value.balances }, Boolean(opts.json));
        }
        const account = await service.getAccount(id);
        if (!account) fail(explain('account_not_found', { id: idText }), 1);
        printAccount(account, Boolean(opts.json));
      });
    });

  ledger
    .command('transfer')
    .description('Move an amount from one account (debit) to another (credit)')
    .requiredOption('--from <id>', 'debit account (acc_…)')
    .requiredOption('--to <id>', 'credit account (acc_…)')
    .requiredOption('--amount <decimal>', 'amount in major units, e.g. 1500.00')
    .requiredOption('--currency <code>', 'ISO 4217 currency')
    .option('--id <id>', 'trf_ id chosen by you (the idempotency key)')
    .option('--pending', 'reserve only (two-phase); post or void later')
    .option('--timeout <seconds>', 'pending only: expire after this many seconds')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const amount = parseAmount(String(opts.amount), String(opts.currency));
      if (!amount.ok) fail(explain(amount.code, { currency: opts.currency }));
      const timeout = opts.timeout === undefined ? 0 : Number(opts.timeout);
      if (!Number.isInteger(timeout) || timeout < 0) fail('--timeout must be a whole number of seconds');
      await withPlatform(configFromEnv(), async (platform) => {
        const { ledger: service } = platform.service<LedgerModuleService>('ledger');
        const request: TransferRequest = {
          kind: opts.pending ? 'pending' : 'single',
          id: opts.id ? idArg(TRANSFER_PREFIX, opts.id) : platform.context.ids.uuid(),
          debitAccountId: idArg(ACCOUNT_PREFIX, opts.from),
          creditAccountId: idArg(ACCOUNT_PREFIX, opts.to),
          amountMinor: amount.value,
          currency: String(opts.currency) as never,
          ...(timeout ? { timeoutSeconds: timeout } : {}),
        };
        const [result] = await service.createTransfers([request]);
        if (!result || result.status === 'failed') {
          const params = { ...result?.params };
          if (typeof params.id === 'string') params.id = formatId(ACCOUNT_PREFIX, params.id);
          fail(explain(result?.code ?? 'internal_error', params), 1);
        }
        const view = { status: result.status, ...transferJson(result.transfer) };
        if (opts.json) printJson(view);
        else
          console.log(
            `${view.id} ${view.status}: ${view.amount} ${view.currency} ${view.debitAccountId} → ${view.creditAccountId}`,
          );
      });
    });

  ledger
    .command('verify')
    .description('Recompute every balance from the transfers and check every invariant (exit 1 on any mismatch)')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const report = await withPlatform(configFromEnv(), (platform) =>
        platform.service<LedgerModuleService>('ledger').ledger.verify(),
      );
      if (opts.json) printJson(report);
      else {
        console.log(`accounts ${report.accounts}, transfers ${report.transfers}, entries ${report.entries}`);
        for (const p of report.problems) console.log(`MISMATCH ${p.check} ${p.subject}: ${p.detail}`);
        console.log(
          report.ok
            ? 'ledger verified: every invariant holds'
            : `ledger NOT verified: ${report.problems.length} problem(s)`,
        );
      }
      process.exitCode = report.ok ? 0 : 1;
    });
}
