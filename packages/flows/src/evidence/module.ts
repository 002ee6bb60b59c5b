import type { ChainService, EvidenceRecord, RecordResolver } from '@zhirong/chain';
import { formatId, LIMITS, parseId } from '@zhirong/kernel';
import { type LedgerModuleService, TRANSFER_PREFIX, transferJson } from '@zhirong/ledger';
import type { DomainEvent, Logger, ModuleContext, ZhirongModule } from '@zhirong/platform';
import { type ScfService, STEP_PREFIX, STEP_RECORD_TYPE, stepRecordBody } from '@zhirong/scf';

/** Ledger transfers are logged under this record type, by their `trf_` id, with their API JSON as the body. */
export const LEDGER_TRANSFER_RECORD = 'ledger.transfer';
const LEDGER_TOPIC = 'ledger.transfers.created';
const APPEND_ATTEMPTS_MAX = 5;
const APPEND_BACKOFF_MS = 200;

/**
 * Wires the ledger (and the receivables) to the evidence log. The ledger writes one outbox event
 * per committed batch naming its transfers; this flow reads them and appends their canonical JSON
 * to the log. Delivery is at least once and appends are idempotent by transfer id, so a replayed
 * event adds nothing. For the audit it re-reads every record the log names from its domain.
 */
export class EvidenceFlow {
  constructor(
    readonly chain: ChainService,
    readonly ledger: LedgerModuleService,
    readonly scf: ScfService | undefined,
    readonly logger: Logger,
  ) {}

  /** Appends the named ledger transfers (at most one ledger batch) to the log. */
  async appendTransfers(transferIds: readonly string[]): Promise<number> {
    let appended = 0;
    for (let i = 0; i < transferIds.length; i += LIMITS.transferBatchSizeMax) {
      const transfers = await this.ledger.ledger.getTransfers(transferIds.slice(i, i + LIMITS.transferBatchSizeMax));
      const records: EvidenceRecord[] = transfers.map((t) => ({
        recordType: LEDGER_TRANSFER_RECORD,
        recordId: formatId(TRANSFER_PREFIX, t.id),
        body: transferJson(t),
      }));
      const result = await this.chain.append(records);
      if (!result.ok) throw new Error(`evidence append refused: ${result.code}`);
      appended += result.value.appended;
      if (result.value.conflicts.length > 0) {
        this.logger.error({ conflicts: result.value.conflicts }, 'ledger transfers changed after they were logged');
      }
    }
    return appended;
  }

  /** Readers of the current bodies of every record type this flow knows, for `ChainService.audit`. */
  resolvers(): Map<string, RecordResolver> {
    const out = new Map<string, RecordResolver>();
    out.set(LEDGER_TRANSFER_RECORD, async (recordIds) => {
      const bodies = new Map<string, unknown>();
      const uuids = recordIds.flatMap((id) => {
        const parsed = parseId(TRANSFER_PREFIX, id);
        return parsed.ok ? [parsed.value] : [];
      });
      for (let i = 0; i < uuids.length; i += LIMITS.transferBatchSizeMax) {
        for (const t of await this.ledger.ledger.getTransfers(uuids.slice(i, i + LIMITS.transferBatchSizeMax))) {
          bodies.set(formatId(TRANSFER_PREFIX, t.id), transferJson(t));
        }
      }
      return bodies;
    });
    const scf = this.scf;
    if (scf) {
      out.set(STEP_RECORD_TYPE, async (recordIds) => {
        const uuids = recordIds.flatMap((id) => {
          const parsed = parseId(STEP_PREFIX, id);
          return parsed.ok ? [parsed.value] : [];
        });
        const steps = await scf.completedSteps(uuids);
        const bodies = new Map<string, unknown>();
        for (const [id, result] of steps) {
          let body: unknown;
          try {
            body = stepRecordBody(result.step, result.outputs);
          } catch (error) {
            // An output row is gone: the step can no longer be rebuilt, which the audit reports as a change.
            body = { unreadable: String((error as Error).message) };
          }
          bodies.set(formatId(STEP_PREFIX, id), body);
        }
        return bodies;
      });
    }
    return out;
  }

  audit() {
    return this.chain.audit(this.resolvers());
  }

  /** The record body the log holds a digest of, read from its domain now (for `chain proof --with-body`). */
  async recordBody(recordType: string, recordId: string): Promise<unknown> {
    const resolve = this.resolvers().get(recordType);
    return resolve ? (await resolve([recordId])).get(recordId) : undefined;
  }

  async onTransfersCreated(event: DomainEvent): Promise<void> {
    const ids = (event.payload as { transferIds?: unknown })?.transferIds;
    if (!Array.isArray(ids)) return;
    // The bus reports a handler's failure and moves on, so transient failures are retried here.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.appendTransfers(ids.map(String));
        return;
      } catch (error) {
        if (attempt >= APPEND_ATTEMPTS_MAX) throw error;
        this.logger.warn({ err: error, event: event.id, attempt }, 'evidence append failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, APPEND_BACKOFF_MS * attempt));
      }
    }
  }
}

function optionalService<S>(context: ModuleContext, name: string): S | undefined {
  try {
    return context.services.service<S>(name);
  } catch {
    return undefined;
  }
}

/** Registered after ledger, chain (and scf): its schema has no tables, only its name. */
export const evidenceModule: ZhirongModule<EvidenceFlow> = {
  name: 'evidence',
  migrations: { schema: 'flows_evidence', migrations: {} },
  errors: {},
  createService(context) {
    return new EvidenceFlow(
      context.services.service<ChainService>('chain'),
      context.services.service<LedgerModuleService>('ledger'),
      optionalService<ScfService>(context, 'scf'),
      context.logger,
    );
  },
  start(flow, context) {
    const unsubscribe = context.bus.subscribe(LEDGER_TOPIC, (event) => flow.onTransfersCreated(event), {
      consumer: 'evidence.ledger-transfers',
    });
    return async () => {
      unsubscribe();
    };
  },
};
