// The AML monitoring flow: committed ledger transfers (payments included) reach the AML monitor through the outbox, after the money moved.
import {
  AmlError,
  type AmlModuleService,
  type AmlWorkbench,
  amlWorkbenchOf,
  type MonitoredTransaction,
} from '@zhirong/aml';
import { formatId, LIMITS, parseId } from '@zhirong/kernel';
import { ACCOUNT_PREFIX, type LedgerModuleService, TRANSFER_PREFIX, type Transfer } from '@zhirong/ledger';
import type { DomainEvent, Logger, ZhirongModule } from '@zhirong/platform';

const LEDGER_TOPIC = 'ledger.transfers.created';

/** Kinds of transfer that move money (a pending hold moves it when posted; voids and expiries move nothing). */
const MOVING_KINDS = new Set(['single', 'post_pending']);

/** A ledger transfer as the monitor's transaction: money goes from the debited account to the credited one. */
export function monitoredTransactionOf(t: Transfer): MonitoredTransaction {
  return {
    id: formatId(TRANSFER_PREFIX, t.id),
    from: formatId(ACCOUNT_PREFIX, t.debitAccountId),
    to: formatId(ACCOUNT_PREFIX, t.creditAccountId),
    amountMinor: t.amountMinor,
    currency: t.currency,
    atMs: t.createdAt.getTime(),
  };
}

/**
 * Reads the transfers each ledger event names and feeds the money-moving ones to the AML monitor,
 * in commit order. AML never blocks: this runs after the commit and only records alerts.
 * Delivery is at least once; a replayed event is skipped by its id (the last events seen are kept).
 */
export class AmlMonitoringFlow {
  readonly #seen = new Set<string>();
  readonly #seenOrder: string[] = [];
  static readonly SEEN_MAX = 10_000;

  constructor(
    readonly aml: AmlModuleService,
    readonly ledger: LedgerModuleService,
    readonly logger: Logger,
    /** Where a new live alert opens its case (cases, reports, KYC of the aml module). */
    readonly workbench?: AmlWorkbench,
  ) {}

  async onTransfersCreated(event: DomainEvent): Promise<void> {
    const ids = (event.payload as { transferIds?: unknown })?.transferIds;
    if (!Array.isArray(ids) || this.#seen.has(event.id)) return;
    for (let i = 0; i < ids.length; i += LIMITS.transferBatchSizeMax) {
      const transfers = await this.ledger.ledger.getTransfers(
        ids.slice(i, i + LIMITS.transferBatchSizeMax).map(String),
      );
      const moving = transfers
        .filter((t) => MOVING_KINDS.has(t.kind))
        .map(monitoredTransactionOf)
        .sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : 1));
      const touched = await this.aml.monitoring.ingest(moving);
      await openAlertCases(this, touched);
    }
    // Remembered only once ingested: a failed event is delivered again by the outbox relay.
    this.#seen.add(event.id);
    this.#seenOrder.push(event.id);
    if (this.#seenOrder.length > AmlMonitoringFlow.SEEN_MAX) this.#seen.delete(this.#seenOrder.shift() as string);
  }
}

/**
 * Each open live alert is a case for compliance, opened once per alert (a grown alert keeps its
 * case). The case's customer is the owner of the alert's focus account (its id when it has none).
 */
async function openAlertCases(flow: AmlMonitoringFlow, alertIds: readonly string[]): Promise<void> {
  const workbench = flow.workbench;
  if (workbench === undefined) return;
  for (const id of alertIds) {
    const stored = await flow.aml.monitoring.alert(id);
    if (stored.status !== 'open' || stored.mode !== 'live') continue;
    const a = stored.alert;
    const account = parseId(ACCOUNT_PREFIX, a.focus);
    const owner = account.ok ? (await flow.ledger.ledger.getAccount(account.value))?.ownerRef : undefined;
    try {
      await workbench.cases.openCases(
        [
          {
            subject: { kind: 'alert', id },
            customerId: owner ?? a.focus,
            summary: `${a.scenario} · score ${a.score} · ${a.transactionIds.length} transactions`,
            evidence: { alertId: id, scenario: a.scenario, parties: a.parties, transactionIds: a.transactionIds },
          },
        ],
        'aml-monitoring',
      );
    } catch (error) {
      // The alert already has its case (opened for the customer it had then): nothing to do.
      if (!(error instanceof AmlError && error.code === 'case_subject_conflict')) throw error;
    }
  }
}

/** Registered after ledger and aml: its schema has no tables, only its name. */
export const amlMonitoringModule: ZhirongModule<AmlMonitoringFlow> = {
  name: 'aml-monitoring',
  migrations: { schema: 'flows_aml', migrations: {} },
  errors: {},
  createService(context) {
    const aml = context.services.service<AmlModuleService>('aml');
    return new AmlMonitoringFlow(
      aml,
      context.services.service<LedgerModuleService>('ledger'),
      context.logger,
      amlWorkbenchOf(aml, context),
    );
  },
  start(flow, context) {
    const unsubscribe = context.bus.subscribe(LEDGER_TOPIC, (event) => flow.onTransfersCreated(event), {
      consumer: 'aml.ledger-transfers',
    });
    return async () => {
      unsubscribe();
    };
  },
};
