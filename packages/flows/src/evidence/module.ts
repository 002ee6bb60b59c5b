// The evidence flow: appends every business record the table in sources.ts describes to the Merkle log when its outbox event is published, and reads records back for the audit and for proofs.
import type { ChainService, EvidenceRecord, RecordResolver } from '@zhirong/chain';
import { inTransaction } from '@zhirong/db';
import type { DomainEvent, Logger, ModuleContext, ZhirongModule } from '@zhirong/platform';
import type { Kysely } from 'kysely';
import {
  type AmlWorkbenchContext,
  type EvidenceSource,
  evidenceSources,
  LOAD_BATCH_MAX,
  type ServiceLookup,
} from './sources.ts';

export {
  CREDIT_CONSENT_RECORD,
  CREDIT_DECISION_RECORD,
  type EvidenceSource,
  LEDGER_TRANSFER_RECORD,
  PAYMENT_REFUND_RECORD,
  PAYMENT_TRANSITION_RECORD,
  RISK_DECISION_RECORD,
} from './sources.ts';

/** Tries per event before the flow gives it up (logged at error level; the audit's record count shows the gap). */
export const APPEND_ATTEMPTS_MAX = 5;
/** Backoff before retry n is n × this: 200 + 400 + 600 + 800 ms = 2 s at most in total. */
export const APPEND_BACKOFF_MS = 200;

/**
 * Wires the domains to the evidence log. Each domain writes, in the transaction of its records, an
 * outbox event naming them (one per committed batch); this flow reads the records named and
 * appends their canonical JSON to the log in one batch. Delivery is at least once and appends are
 * idempotent by (recordType, recordId), so a replayed event adds nothing. For the audit and for
 * proofs it re-reads every record the log names from its domain with the same reader.
 */
export class EvidenceFlow {
  #sources: readonly EvidenceSource[] | undefined;

  constructor(
    readonly chain: ChainService,
    readonly db: Kysely<unknown>,
    readonly lookup: ServiceLookup,
    readonly logger: Logger,
    /** The platform's database, clock and ids, for domains whose readers are built from them (AML reports). */
    readonly platform?: AmlWorkbenchContext,
  ) {}

  /** The record types of the modules registered (resolved on first use: every module is built by then). */
  get sources(): readonly EvidenceSource[] {
    this.#sources ??= evidenceSources(this.lookup, this.platform);
    return this.#sources;
  }

  source(recordType: string): EvidenceSource | undefined {
    return this.sources.find((s) => s.recordType === recordType);
  }

  /** The topics the flow listens to. */
  topics(): string[] {
    return [...new Set(this.sources.flatMap((s) => s.topics))];
  }

  /** Reads the records of the subjects named and appends them to the log; returns how many were new. */
  async append(source: EvidenceSource, subjectIds: readonly string[]): Promise<number> {
    const unique = [...new Set(subjectIds)];
    let appended = 0;
    for (let i = 0; i < unique.length; i += LOAD_BATCH_MAX) {
      const bodies = await source.load(unique.slice(i, i + LOAD_BATCH_MAX));
      const records: EvidenceRecord[] = [...bodies].map(([recordId, body]) => ({
        recordType: source.recordType,
        recordId,
        body,
      }));
      if (records.length === 0) continue;
      // Events often name records already logged (a payment's second write names its first
      // transitions again): appending in a transaction of ours looks them up first, where
      // `ChainService.append` would insert, hit the unique index, roll back and try again.
      const result = await inTransaction(this.db, (trx) => this.chain.appendInTransaction(trx, records));
      appended += result.appended;
      if (result.conflicts.length > 0) {
        this.logger.error({ conflicts: result.conflicts }, 'records changed after they were logged');
      }
    }
    return appended;
  }

  /** Handles one published event: every record type it names, each in one batch, retried on failure. */
  async onEvent(event: DomainEvent): Promise<void> {
    for (const source of this.sources) {
      if (!source.topics.includes(event.topic)) continue;
      const ids = source.idsOf(event);
      if (ids.length === 0) continue;
      // The bus reports a handler's failure and moves on, so transient failures are retried here.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.append(source, ids);
          break;
        } catch (error) {
          if (attempt >= APPEND_ATTEMPTS_MAX) {
            this.logger.error(
              { err: error, event: event.id, topic: event.topic, recordType: source.recordType, ids: ids.length },
              'evidence append gave up: these records are not on the log',
            );
            throw error;
          }
          this.logger.warn({ err: error, event: event.id, attempt }, 'evidence append failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, APPEND_BACKOFF_MS * attempt));
        }
      }
    }
  }

  /** Readers of the current bodies of every record type, for `ChainService.audit`. */
  resolvers(): Map<string, RecordResolver> {
    const out = new Map<string, RecordResolver>();
    for (const source of this.sources) {
      out.set(source.recordType, async (recordIds) => {
        const subjectOf = source.subjectOf ?? ((id: string) => id);
        const subjects = [...new Set(recordIds.map(subjectOf))];
        const wanted = new Set(recordIds);
        const bodies = new Map<string, unknown>();
        for (let i = 0; i < subjects.length; i += LOAD_BATCH_MAX) {
          for (const [id, body] of await source.load(subjects.slice(i, i + LOAD_BATCH_MAX))) {
            if (wanted.has(id)) bodies.set(id, body);
          }
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
}

function lookupOf(context: ModuleContext): ServiceLookup {
  return <S>(name: string) => {
    try {
      return context.services.service<S>(name);
    } catch {
      return undefined;
    }
  };
}

/**
 * Its schema has no tables, only its name. It may be registered anywhere after `chain`: the
 * record types of the other modules are looked up when first used.
 */
export const evidenceModule: ZhirongModule<EvidenceFlow> = {
  name: 'evidence',
  migrations: { schema: 'flows_evidence', migrations: {} },
  errors: {},
  createService(context) {
    return new EvidenceFlow(
      context.services.service<ChainService>('chain'),
      context.db.kysely,
      lookupOf(context),
      context.logger,
      context,
    );
  },
  start(flow, context) {
    // One durable consumer per topic: a failed append is delivered again by the outbox relay.
    const unsubscribes = flow
      .topics()
      .map((topic) => context.bus.subscribe(topic, (event) => flow.onEvent(event), { consumer: `evidence.${topic}` }));
    return async () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  },
};
