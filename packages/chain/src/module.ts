import type { DomainEvent, ModuleContext, ZhirongModule } from '@zhirong/platform';
import { chainRoutes } from './chain.routes.ts';
import { ChainService, type EvidenceRecord } from './chain.service.ts';
import { chainErrors } from './errors.ts';
import { loadOrCreateKey } from './keys.ts';
import { chainMigrations } from './migrations.ts';

/**
 * The generic way for any domain to put records in the log without depending on this package:
 * write an outbox event with this topic, in the same transaction as the record, whose payload is
 * `{ records: [{ recordType, recordId, body }] }`. The chain module appends them when the relay
 * publishes the event (at least once; appends are idempotent by recordType + recordId).
 */
export const EVIDENCE_TOPIC = 'evidence.records';

export interface EvidenceEventPayload {
  readonly records: readonly EvidenceRecord[];
}

export const chainModule: ZhirongModule<ChainService> = {
  name: 'chain',
  migrations: chainMigrations,
  errors: chainErrors,
  scopes: {
    'chain:read': 'Read signed tree heads, leaves, proofs, witnesses and fork alarms of the evidence log',
    'chain:append': 'Append records to the evidence log',
    'chain:witness': 'Submit witness cosignatures and fork alarms',
    'chain:admin': 'Register witnesses of the evidence log',
  },
  createService(context: ModuleContext): ChainService {
    return new ChainService({
      db: context.db.kysely,
      clock: context.clock,
      ids: context.ids,
      logger: context.logger,
      key: loadOrCreateKey(context.config.chainKeyFile, context.rng),
      witnessQuorum: context.config.chainWitnessQuorum,
    });
  },
  async routes(app, service) {
    await chainRoutes(app, service);
  },
  start(service, context) {
    const unsubscribe = context.bus.subscribe(
      EVIDENCE_TOPIC,
      async (event: DomainEvent) => {
        const payload = event.payload as EvidenceEventPayload;
        const result = await service.append(Array.isArray(payload?.records) ? payload.records : []);
        if (!result.ok)
          context.logger.error({ event: event.id, code: result.code, params: result.params }, 'evidence event refused');
        else if (result.value.conflicts.length > 0) {
          context.logger.error(
            { event: event.id, conflicts: result.value.conflicts },
            'evidence records changed after they were logged',
          );
        }
      },
      { consumer: 'chain.evidence-records' },
    );
    // Sign a head whenever the log has grown, at the configured interval.
    let running: Promise<void> | undefined;
    const sign = () => {
      if (running) return;
      running = service
        .signHead()
        .then(() => undefined)
        .catch((error: unknown) => context.logger.error({ err: error }, 'signing a tree head failed'))
        .finally(() => {
          running = undefined;
        });
    };
    sign();
    const timer = setInterval(sign, context.config.chainHeadIntervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      unsubscribe();
      await running;
    };
  },
};
