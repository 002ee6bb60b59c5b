import { formatAmount, type Language, messageFor, parseAmount, parseId } from '@zhirong/kernel';
import {
  ACCOUNT_PREFIX,
  type CreatePaymentInput,
  MERCHANT_PREFIX,
  PAYMENT_KINDS,
  PAYMENT_PREFIX,
  type PaymentKind,
  type PaymentOrder,
  type PaymentsService,
  parseMerchantQr,
  paymentJson,
  paymentsErrors,
  QUOTE_PREFIX,
  qrJson,
  type Refund,
  refundJson,
} from '@zhirong/payments';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';
import { type Iso20022Library, registerPaymentsIsoCommands } from './payments-iso.ts';

function cliLanguage(): Language {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function explain(code: string, params?: Readonly<Record<string, unknown>>): string {
  const def = (paymentsErrors as Record<string, { status: number; en: string; zh: string }>)[code];
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

function printPayment(payment: PaymentOrder, refunds: readonly Refund[] | undefined, json: boolean): void {
  const view = paymentJson(payment, refunds);
  if (json) {
    printJson(view);
    return;
  }
  console.log(`${view.id}  ${view.kind}  ${view.state}  ${view.amount} ${view.currency}`);
  if (view.creditCurrency !== view.currency)
    console.log(`  credited ${view.creditAmount} ${view.creditCurrency} at ${view.quote?.rate}`);
  if (view.fee !== formatAmount(0n, payment.currency)) console.log(`  fee ${view.fee} (MDR ${view.mdr})`);
  if (view.failureCode) console.log(`  reason ${view.failureCode}`);
  for (const t of view.transitions) console.log(`  ${t.at}  ${t.from ?? '—'} → ${t.to}  (${t.cause})`);
  for (const r of view.refunds ?? []) console.log(`  refund ${r.id} ${r.amount} ${r.state}`);
}

/**
 * `zhirong payments …`. With the ISO 20022 library (`import * as iso from '@zhirong/iso20022'`)
 * the `import-iso20022`, `export-camt053` and `reconcile` commands are registered too.
 */
export function registerPaymentsCommands(program: Command, iso?: Iso20022Library): void {
  const payments = program
    .command('payments')
    .description('Payment orders: create, show, refund; merchant QR codes; ISO 20022 import, export, reconciliation');
  if (iso) registerPaymentsIsoCommands(payments, iso);

  payments
    .command('create')
    .description('Create a payment order: risk gate, hold, and settlement (unless --capture manual)')
    .requiredOption('--kind <kind>', `one of ${PAYMENT_KINDS.join(', ')}`)
    .requiredOption('--amount <decimal>', 'amount the debtor pays, in major units')
    .requiredOption('--currency <code>', 'ISO 4217 currency of the amount')
    .option('--from <acc>', 'debtor ledger account (p2p, merchant, payout)')
    .option('--to <acc>', 'creditor ledger account (p2p, inbound)')
    .option('--merchant <mch>', 'merchant (kind merchant)')
    .option('--quote <fxq>', 'FX quote to convert with')
    .option('--creditor-name <name>', 'payout: the external creditor')
    .option('--creditor-iban <iban>', 'payout: the external creditor account')
    .option('--creditor-bic <bic>', 'payout: the creditor agent')
    .option('--debtor-name <name>', 'inbound: the external debtor')
    .option('--debtor-iban <iban>', 'inbound: the external debtor account')
    .option('--end-to-end-id <id>', 'end-to-end reference (unique)')
    .option('--remittance <text>', 'remittance information')
    .option('--capture <mode>', 'automatic (default) or manual', 'automatic')
    .option('--idempotency-key <key>', 'makes a retry return the first result')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      if (!PAYMENT_KINDS.includes(opts.kind)) fail(`--kind must be one of ${PAYMENT_KINDS.join(', ')}`);
      if (opts.capture !== 'automatic' && opts.capture !== 'manual') fail('--capture must be automatic or manual');
      const currency = String(opts.currency);
      const amountMinor = amountArg(String(opts.amount), currency);
      const party = (name?: string, iban?: string, bic?: string) =>
        name || iban || bic ? { ...(name ? { name } : {}), ...(iban ? { iban } : {}), ...(bic ? { bic } : {}) } : null;
      const input: CreatePaymentInput = {
        kind: opts.kind as PaymentKind,
        amountMinor,
        currency,
        debtorAccountId: opts.from ? idArg(ACCOUNT_PREFIX, opts.from) : null,
        creditorAccountId: opts.to ? idArg(ACCOUNT_PREFIX, opts.to) : null,
        merchantId: opts.merchant ? idArg(MERCHANT_PREFIX, opts.merchant) : null,
        quoteId: opts.quote ? idArg(QUOTE_PREFIX, opts.quote) : null,
        creditor: party(opts.creditorName, opts.creditorIban, opts.creditorBic),
        debtor: party(opts.debtorName, opts.debtorIban),
        capture: opts.capture,
        endToEndId: opts.endToEndId ?? null,
        remittanceInformation: opts.remittance ?? null,
      };
      await withPlatform(configFromEnv(), async (platform) => {
        const service = platform.service<PaymentsService>('payments');
        const outcome = await service.createPayment(input, {
          principal: 'cli',
          actor: 'cli',
          ...(opts.idempotencyKey
            ? { idempotencyKey: String(opts.idempotencyKey), requestHash: JSON.stringify(opts) }
            : {}),
        });
        if (!outcome.ok) fail(explain(outcome.code, outcome.params), 1);
        if (outcome.replayed) {
          if (opts.json) printJson(outcome.response);
          else console.log(`replayed: ${JSON.stringify(outcome.response)}`);
          return;
        }
        printPayment(outcome.payment, undefined, Boolean(opts.json));
        if (outcome.payment.state === 'failed' || outcome.payment.state === 'declined') process.exitCode = 1;
      });
    });

  payments
    .command('show <id>')
    .description('Show a payment with its transitions and refunds')
    .option('--json', 'print one JSON document')
    .action(async (idText: string, opts) => {
      const id = idArg(PAYMENT_PREFIX, idText);
      await withPlatform(configFromEnv(), async (platform) => {
        const found = await platform.service<PaymentsService>('payments').getPayment(id);
        if (!found) fail(explain('payment_not_found', { id: idText }), 1);
        printPayment(found.payment, found.refunds, Boolean(opts.json));
      });
    });

  payments
    .command('refund <id>')
    .description('Refund all (default) or part of a settled payment')
    .option('--amount <decimal>', 'amount to refund, in the payment currency')
    .option('--reason <text>', 'why')
    .option('--json', 'print one JSON document')
    .action(async (idText: string, opts) => {
      const id = idArg(PAYMENT_PREFIX, idText);
      await withPlatform(configFromEnv(), async (platform) => {
        const service = platform.service<PaymentsService>('payments');
        const found = await service.getPayment(id);
        if (!found) fail(explain('payment_not_found', { id: idText }), 1);
        const amountMinor =
          opts.amount === undefined ? undefined : amountArg(String(opts.amount), found.payment.currency);
        const outcome = await service.refund(
          id,
          {
            ...(amountMinor === undefined ? {} : { amountMinor }),
            ...(opts.reason ? { reason: String(opts.reason) } : {}),
          },
          { principal: 'cli', actor: 'cli' },
        );
        if (!outcome.ok) fail(explain(outcome.code, outcome.params), 1);
        if (opts.json)
          printJson({ refund: refundJson(outcome.value.refund), payment: paymentJson(outcome.value.payment) });
        else {
          const r = refundJson(outcome.value.refund);
          console.log(`${r.id}  ${r.amount} ${r.currency}  ${r.state}  (fee returned ${r.feeReturned})`);
          console.log(`payment ${r.paymentId} is ${outcome.value.payment.state}`);
        }
      });
    });

  payments
    .command('qr-decode <payload>')
    .description('Decode and check an EMV merchant-presented QR payload (CRC, TLV, required fields)')
    .option('--json', 'print one JSON document')
    .action((payload: string, opts) => {
      const parsed = parseMerchantQr(payload);
      if (!parsed.ok) {
        const e = parsed.error;
        if (opts.json) printJson({ ok: false, error: e });
        else console.error(`${e.code} at position ${e.position}${e.tag ? ` (ID ${e.tag})` : ''}: ${e.message}`);
        process.exitCode = 1;
        return;
      }
      const view = qrJson(parsed.qr, null);
      if (opts.json) printJson({ ok: true, ...view });
      else {
        console.log(`${view.merchantName}, ${view.merchantCity} ${view.countryCode}  MCC ${view.merchantCategoryCode}`);
        console.log(`  ${view.amount ?? '(amount entered by the payer)'} ${view.currency}  CRC ${view.crc}`);
        for (const a of view.merchantAccounts)
          console.log(`  account ${a.tag} ${a.guid ?? ''} ${JSON.stringify(a.fields)}`);
      }
    });
}
