import { readFileSync, statSync } from 'node:fs';
import type { ImportSummary, Iso20022Error } from '@zhirong/iso20022';
import type { Command } from 'commander';
import { fail, printJson } from '../context.ts';

function chinese(): boolean {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh');
}

function readMessage(file: string, limit: number): Uint8Array {
  try {
    const size = statSync(file).size;
    if (size > limit) fail(`${file} is ${size} bytes; at most ${limit} bytes are accepted`);
    return readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return fail(`cannot read ${file}: ${reason}`);
  }
}

/** The dry-run document: the brief's fields first, per-currency totals after, errors last. */
export function dryRunView(summary: ImportSummary | undefined, errors: readonly Iso20022Error[], type?: string) {
  return {
    messageType: summary?.messageType ?? type ?? null,
    transactions: summary?.transactions ?? 0,
    totalAmount: summary?.totalAmount ?? '0',
    currency: summary?.currency ?? '',
    totals: summary?.totals ?? [],
    errors,
  };
}

/**
 * `payments import-iso20022 <file> --dry-run [--json]`: recognises pain.001, pacs.008 or camt.053
 * by namespace, validates it whole and prints its summary without writing anything. The exit
 * status is 1 when the message has errors, 2 when the file cannot be read. The import itself
 * (without --dry-run) turns transfers into payment orders and lives with the payments module.
 */
export function registerIso20022DryRun(payments: Command): void {
  payments
    .command('import-iso20022 <file>')
    .description('Validate an ISO 20022 pain.001, pacs.008 or camt.053 file and import it (--dry-run: validate only)')
    .option('--dry-run', 'validate and summarise without writing anything')
    .option('--json', 'print one JSON document')
    .action(async (file: string, opts: { dryRun?: boolean; json?: boolean }) => {
      if (!opts.dryRun) {
        fail(
          'import-iso20022 without --dry-run creates payment orders, which needs the payments module; ' +
            'use --dry-run to validate and summarise the file',
        );
      }
      // Loaded here, not at start: every other command starts without the XML parser.
      const { MESSAGE_BYTES_MAX, parseIso20022 } = await import('@zhirong/iso20022');
      const result = parseIso20022(readMessage(file, MESSAGE_BYTES_MAX));
      const errors = result.ok ? [] : result.errors;
      const view = dryRunView(result.summary, errors, result.ok ? undefined : result.type);
      if (opts.json) printJson(view);
      else {
        if (view.messageType === null) console.log(`${file}: not a supported ISO 20022 message`);
        else
          console.log(
            `${view.messageType}: ${view.transactions} ${view.messageType.startsWith('camt') ? 'entries' : 'transactions'}, ${view.totalAmount} ${view.currency}`.trim(),
          );
        if (errors.length > 0) console.log(`rejected with ${errors.length} error(s):`);
        for (const line of view.totals.slice(1)) console.log(`  ${line.amount} ${line.currency} (${line.count})`);
        for (const error of errors)
          console.log(`  ${error.path}: ${error.code}: ${chinese() ? error.messageZh : error.message}`);
      }
      if (errors.length > 0) {
        if (opts.json) process.stderr.write(`rejected: ${errors.length} error(s)\n`);
        process.exitCode = 1;
      }
    });
}
