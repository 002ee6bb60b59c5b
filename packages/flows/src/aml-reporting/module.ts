// Feeds AML from the other domains: settled payments become reportable transactions (and a payment to a new external counterparty screens it), and a new list version re-screens every customer.
import {
  type AmlScreeningService,
  type AmlWorkbench,
  amlWorkbenchOf,
  type CustomerType,
  LIST_LOADED_TOPIC,
  type ReportableTransaction,
} from '@zhirong/aml';
import { formatId, parseId } from '@zhirong/kernel';
import type { LedgerModuleService } from '@zhirong/ledger';
import { PAYMENT_PREFIX, type PaymentOrder, type PaymentsService, paymentTopic } from '@zhirong/payments';
import type { DomainEvent, Logger, ModuleContext, ZhirongModule } from '@zhirong/platform';

/** The institution's home country: a counterparty elsewhere makes a transfer cross-border. */
export const HOME_COUNTRY = 'CN';
const SETTLED_TOPIC = paymentTopic('settled');

/** Who holds an account, as AML knows customers: the ledger account's owner, else the account itself. */
export type AccountOwners = (accountIds: readonly string[]) => Promise<Map<string, string>>;

export interface PaymentParties {
  /** Customer id by internal account id. */
  readonly owners: ReadonlyMap<string, string>;
  /** Customer type by customer id (customers without a KYC profile are taken as personal: lower thresholds). */
  readonly types: ReadonlyMap<string, CustomerType>;
}

function externalKey(party: PaymentOrder['creditor']): string | undefined {
  if (!party) return undefined;
  if (party.iban) return `iban:${party.iban}`;
  if (party.accountId) return `account:${party.bic ?? ''}:${party.accountId}`;
  if (party.name) return `name:${party.name.trim().toLowerCase()}`;
  return undefined;
}

/**
 * A settled payment as AML transactions: the paying customer's leg (`out`, in the debit currency)
 * and the receiving customer's leg (`in`, in the credit currency), for each side that is an
 * internal account. Cross-border when the other side is an external party in another country; cash
 * when the payment's metadata says `channel: cash`.
 */
export function paymentTransactions(
  p: PaymentOrder,
  settledAt: Date,
  parties: PaymentParties,
  homeCountry = HOME_COUNTRY,
): ReportableTransaction[] {
  const channel = p.metadata.channel === 'cash' ? 'cash' : 'transfer';
  const out: ReportableTransaction[] = [];
  const side = (
    accountId: string | null,
    direction: 'in' | 'out',
    amountMinor: bigint,
    currency: string,
    other: PaymentOrder['creditor'],
    otherAccountId: string | null,
  ) => {
    if (accountId === null || amountMinor <= 0n) return;
    const customerId = parties.owners.get(accountId) ?? formatId('acc', accountId);
    const country = other?.country;
    out.push({
      id: `${formatId(PAYMENT_PREFIX, p.id)}:${direction}`,
      customerId,
      customerType: parties.types.get(customerId) ?? 'personal',
      channel,
      region: country !== undefined && country !== homeCountry ? 'cross_border' : 'domestic',
      direction,
      amountMinor,
      currency,
      occurredAt: settledAt,
      counterparty: {
        ...(other?.name ? { name: other.name } : {}),
        ...(other?.iban || other?.accountId
          ? { accountId: other.iban ?? other.accountId }
          : otherAccountId
            ? { accountId: formatId('acc', otherAccountId) }
            : {}),
        ...(other?.bic ? { institution: other.bic } : {}),
        ...(country ? { country } : {}),
      },
    });
  };
  side(p.debtorAccountId, 'out', p.amountMinor, p.currency, p.creditor, p.creditorAccountId);
  side(p.creditorAccountId, 'in', p.creditAmountMinor, p.creditCurrency, p.debtor, p.debtorAccountId);
  return out;
}

export class AmlReportingFlow {
  constructor(
    readonly aml: AmlWorkbench,
    readonly payment: (id: string) => Promise<PaymentOrder | undefined>,
    readonly owners: AccountOwners,
    readonly logger: Logger,
  ) {}

  async #parties(p: PaymentOrder): Promise<PaymentParties> {
    const accounts = [p.debtorAccountId, p.creditorAccountId].filter((a): a is string => a !== null);
    const owners = await this.owners(accounts);
    const types = new Map<string, CustomerType>();
    for (const accountId of accounts) {
      const customerId = owners.get(accountId) ?? formatId('acc', accountId);
      const profile = await this.aml.kyc.profile(customerId).catch(() => undefined);
      if (profile) types.set(customerId, profile.profile.customerType);
    }
    return { owners, types };
  }

  /** Records a settled payment for reporting and screens its external creditor the first time the payer pays it. */
  async recordPayment(p: PaymentOrder, settledAt: Date): Promise<{ recorded: number; screened: number }> {
    const parties = await this.#parties(p);
    const transactions = paymentTransactions(p, settledAt, parties);
    const { recorded } = await this.aml.reports.recordTransactions(transactions);
    let screened = 0;
    const key = externalKey(p.creditor);
    const payer = transactions.find((t) => t.direction === 'out');
    if (key !== undefined && p.creditor?.name && payer !== undefined) {
      if (await this.aml.screeningCases.isNewCounterparty(payer.customerId, key)) {
        const outcome = await this.aml.screeningCases.screen(
          [
            {
              customerId: payer.customerId,
              person: { fullName: p.creditor.name, ...(p.creditor.country ? { nationality: p.creditor.country } : {}) },
              source: 'payment_counterparty',
              counterpartyKey: key,
              reference: formatId(PAYMENT_PREFIX, p.id),
            },
          ],
          'payments',
        );
        screened = outcome.screened;
      }
    }
    return { recorded, screened };
  }

  async onPaymentSettled(event: DomainEvent): Promise<void> {
    const payload = event.payload as { id?: unknown; at?: unknown };
    const parsed = typeof payload?.id === 'string' ? parseId(PAYMENT_PREFIX, payload.id) : undefined;
    if (!parsed?.ok) return;
    const p = await this.payment(parsed.value);
    if (p === undefined) {
      this.logger.warn({ payment: payload.id }, 'settled payment not found for AML reporting');
      return;
    }
    const at = typeof payload.at === 'string' ? new Date(payload.at) : p.updatedAt;
    await this.recordPayment(p, at);
  }

  async onListLoaded(event: DomainEvent): Promise<void> {
    const list = (event.payload as { list?: unknown })?.list;
    if (typeof list !== 'string') return;
    const outcome = await this.aml.screeningCases.rescreenCustomers(list, 'list-change');
    this.logger.info(
      { list, screened: outcome.screened, hits: outcome.hits },
      'customers re-screened after a list load',
    );
  }
}

function optionalService<S>(context: ModuleContext, name: string): S | undefined {
  try {
    return context.services.service<S>(name);
  } catch {
    return undefined;
  }
}

/**
 * Registered after aml (and payments, ledger when present): settled payments feed the PBoC
 * reports and counterparty screening; every list load re-screens the customers. Its schema has no tables.
 */
export const amlReportingModule: ZhirongModule<AmlReportingFlow> = {
  name: 'aml-reporting',
  migrations: { schema: 'flows_aml_reporting', migrations: {} },
  errors: {},
  createService(context) {
    const aml = amlWorkbenchOf(context.services.service<AmlScreeningService>('aml'), context);
    const payments = optionalService<PaymentsService>(context, 'payments');
    const ledger = optionalService<LedgerModuleService>(context, 'ledger');
    const owners: AccountOwners = async (ids) => {
      const out = new Map<string, string>();
      if (!ledger) return out;
      for (const id of ids) {
        const account = await ledger.ledger.getAccount(id);
        if (account?.ownerRef) out.set(id, account.ownerRef);
      }
      return out;
    };
    return new AmlReportingFlow(
      aml,
      async (id) => (payments ? (await payments.getPayment(id))?.payment : undefined),
      owners,
      context.logger,
    );
  },
  start(flow, context) {
    const unsubscribePayments = context.bus.subscribe(SETTLED_TOPIC, (event) => flow.onPaymentSettled(event));
    const unsubscribeLists = context.bus.subscribe(LIST_LOADED_TOPIC, (event) => flow.onListLoaded(event));
    return async () => {
      unsubscribePayments();
      unsubscribeLists();
    };
  },
};
