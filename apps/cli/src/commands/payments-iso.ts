import { readFileSync, statSync, writeFileSync } from 'node:fs';
import {
  accountStatement,
  clearingBook,
  type IsoBookEntry,
  type IsoCreditTransferMessage,
  type IsoError,
  type IsoStatement,
  type IsoStatementEntry,
  importCreditTransfers,
} from '@zhirong/flows';
import { MESSAGE_BYTES_MAX } from '@zhirong/iso20022';
import { findCurrency, formatId, parseId } from '@zhirong/kernel';
import { type PaymentsService, paymentJson } from '@zhirong/payments';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';
import { dryRunView } from './iso20022.ts';

/**
 * `zhirong payments import-iso20022 | export-camt053 | reconcile`: the CLI joining the ISO 20022
 * library (parsing, validation, XML) to the payments side in `@zhirong/flows`. The library is
 * passed in (`registerPaymentsIsoCommands(payments, iso)` with `import * as iso from
 * '@zhirong/iso20022'`), typed here by the shape of its agreed API (briefs/iso20022-api.md).
 */
export interface IsoSummaryLike {
  readonly messageType: string;
  readonly transactions: number;
  readonly totalAmount: string;
  readonly currency: string;
  readonly errors: readonly IsoError[];
}

export interface IsoStatementMessageLike {
  readonly type: string;
  readonly messageId: string;
  readonly statements: readonly { readonly entries: readonly IsoStatementEntry[] }[];
}

export interface Iso20022Library {
  parseIso20022(
    input: string | Uint8Array,
  ):
    | { ok: true; message: IsoCreditTransferMessage | IsoStatementMessageLike; summary: IsoSummaryLike }
    | { ok: false; type?: string; errors: readonly IsoError[]; summary?: IsoSummaryLike };
  buildCamt053(input: { messageId: string; createdAt: string; statement: IsoStatement }): string;
  reconcile(
    statement: readonly IsoStatementEntry[],
    book: readonly IsoBookEntry[],
    options?: { dateToleranceDays?: number },
  ): {
    matched: readonly { statement: IsoStatementEntry; book: IsoBookEntry; rule: string }[];
    unmatchedStatement: readonly IsoStatementEntry[];
    unmatchedBook: readonly IsoBookEntry[];
  };
}

const isStatementMessage = (m: { type: string }): m is IsoStatementMessageLike => m.type.startsWith('camt.053');

function readMessage(file: string): Uint8Array {
  try {
    const size = statSync(file).size;
    if (size > MESSAGE_BYTES_MAX) fail(`${file} is ${size} bytes; at most ${MESSAGE_BYTES_MAX} bytes are accepted`);
    return readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return fail(`cannot read ${file}: ${reason}`);
  }
}

function dayArg(name: string, text: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    fail(`--${name} must be a date, YYYY-MM-DD`);
  }
  return new Date(`${text}T00:00:00Z`);
}

/** `IBAN=acc_…` pairs naming this institution's accounts in messages. */
function accountMap(pairs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const [identifier, account] = pair.split('=');
    const parsed = account ? parseId('acc', account) : undefined;
    if (!identifier || !parsed?.ok) fail(`--account takes IDENTIFIER=acc_…, not "${pair}"`);
    map.set(identifier.replaceAll(' ', '').toUpperCase(), parsed.value);
  }
  return map;
}

export function registerPaymentsIsoCommands(payments: Command, iso: Iso20022Library): void {
  payments
    .command('import-iso20022 <file>')
    .description('Check (--dry-run) or import a pain.001, pacs.008 or camt.053 message; the whole message or nothing')
    .option('--dry-run', 'check and summarise, write nothing')
    .option('--account <pair...>', "IBAN (or other account id)=acc_… of this institution's accounts")
    .option('--json', 'print one JSON document')
    .action(async (file: string, opts) => {
      const parsed = iso.parseIso20022(readMessage(file));
      const summary = parsed.summary;
      if (!parsed.ok) {
        if (opts.json) printJson(dryRunView(summary, parsed.errors, parsed.type));
        else for (const e of parsed.errors) console.error(`${e.path}: ${e.code}: ${e.message}`);
        process.exitCode = 1;
        return;
      }
      if (opts.dryRun) {
        if (opts.json) printJson(dryRunView(summary, []));
        else
          console.log(
            `${summary?.messageType}: ${summary?.transactions} transactions, ${summary?.totalAmount} ${summary?.currency}`,
          );
        return;
      }
      const message = parsed.message;
      if (isStatementMessage(message))
        fail('a camt.053 statement is reconciled, not imported: use `zhirong payments reconcile`');
      const accounts = accountMap((opts.account ?? []) as string[]);
      await withPlatform(configFromEnv(), async (platform) => {
        const service = platform.service<PaymentsService>('payments');
        const result = await importCreditTransfers(service, message, {
          accountFor: (party) => {
            const id = party.iban ?? party.otherAccountId;
            return id ? accounts.get(id.replaceAll(' ', '').toUpperCase()) : undefined;
          },
          context: { principal: 'cli', actor: 'cli' },
        });
        if (!result.ok) {
          if (opts.json) printJson({ ...parsed.summary, errors: result.errors });
          else for (const e of result.errors) console.error(`${e.path}: ${e.code}: ${e.message}`);
          process.exitCode = 1;
          return;
        }
        const view = {
          ...parsed.summary,
          imported: result.payments.length,
          payments: result.payments.map((p) => paymentJson(p)),
        };
        if (opts.json) printJson(view);
        else {
          console.log(`${view.messageType}: imported ${view.imported} payments`);
          for (const p of view.payments)
            console.log(`  ${p.id}  ${p.kind}  ${p.state}  ${p.amount} ${p.currency}  ${p.endToEndId ?? ''}`);
        }
      });
    });

  payments
    .command('export-camt053')
    .description('Write a camt.053 bank-to-customer statement of a ledger account for a date range')
    .requiredOption('--account <acc>', 'ledger account (acc_…)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (UTC)')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (UTC), included')
    .option('--iban <iban>', 'IBAN to name the account by in the statement')
    .option('--out <file>', 'write the XML here instead of stdout')
    .action(async (opts) => {
      const account = parseId('acc', String(opts.account));
      if (!account.ok) fail('--account must be an acc_ id');
      const from = dayArg('from', String(opts.from));
      const to = new Date(dayArg('to', String(opts.to)).getTime() + 86_400_000);
      if (to.getTime() <= from.getTime()) fail('--to must not be before --from');
      await withPlatform(configFromEnv(), async (platform) => {
        const { ledger } = platform.service<{ ledger: Parameters<typeof accountStatement>[0] }>('ledger');
        const now = platform.context.clock.now();
        const statement = await accountStatement(ledger, platform.service<PaymentsService>('payments'), {
          accountId: account.value,
          from,
          to,
          ...(opts.iban ? { iban: String(opts.iban) } : {}),
          statementId: `STMT-${formatId('acc', account.value).slice(4, 20)}-${String(opts.from)}`,
          createdAt: now,
        });
        if (!statement) fail(`account ${opts.account} does not exist`, 1);
        const xml = iso.buildCamt053({
          messageId: `ZR-${platform.context.ids.uuid()}`.slice(0, 35),
          createdAt: now.toISOString(),
          statement,
        });
        if (opts.out) writeFileSync(String(opts.out), xml);
        else process.stdout.write(xml);
      });
    });

  payments
    .command('reconcile <file>')
    .description('Match a camt.053 statement against the clearing account of its currency')
    .requiredOption('--currency <code>', 'currency of the clearing account')
    .option('--from <date>', 'book entries from this day (default: 90 days back)')
    .option('--to <date>', 'book entries up to this day, included (default: today)')
    .option('--tolerance-days <n>', 'value dates may differ by this many days', '0')
    .option('--json', 'print one JSON document')
    .action(async (file: string, opts) => {
      const currency = String(opts.currency);
      if (!findCurrency(currency)) fail(`--currency ${currency} is not an ISO 4217 currency`);
      const tolerance = Number(opts.toleranceDays);
      if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 31) fail('--tolerance-days must be 0 to 31');
      const parsed = iso.parseIso20022(readMessage(file));
      if (!parsed.ok) {
        for (const e of parsed.errors) console.error(`${e.path}: ${e.code}: ${e.message}`);
        process.exit(1);
      }
      if (!isStatementMessage(parsed.message)) fail('reconcile takes a camt.053 statement');
      const entries = parsed.message.statements.flatMap((s) => s.entries).filter((e) => e.currency === currency);
      await withPlatform(configFromEnv(), async (platform) => {
        const now = platform.context.clock.now();
        const to = opts.to ? new Date(dayArg('to', String(opts.to)).getTime() + 86_400_000) : now;
        const from = opts.from ? dayArg('from', String(opts.from)) : new Date(to.getTime() - 90 * 86_400_000);
        const { ledger } = platform.service<{ ledger: Parameters<typeof clearingBook>[0] }>('ledger');
        const book = await clearingBook(ledger, platform.service<PaymentsService>('payments'), { currency, from, to });
        const result = iso.reconcile(entries, book, { dateToleranceDays: tolerance });
        const view = {
          currency,
          statementEntries: entries.length,
          bookEntries: book.length,
          matched: result.matched.map((m) => ({
            rule: m.rule,
            book: m.book.id,
            endToEndId: m.book.endToEndId ?? null,
          })),
          unmatchedStatement: result.unmatchedStatement,
          unmatchedBook: result.unmatchedBook,
        };
        if (opts.json) printJson(view);
        else {
          console.log(
            `matched ${view.matched.length}; unmatched: ${view.unmatchedStatement.length} on the statement, ${view.unmatchedBook.length} in the book`,
          );
        }
        if (view.unmatchedStatement.length > 0 || view.unmatchedBook.length > 0) process.exitCode = 1;
      });
    });
}
