import type { ModuleContext, ZhirongModule } from '@zhirong/platform';
import { ledgerErrors } from './errors.ts';
import { LedgerOverview, overviewRoutes } from './ledger.overview.ts';
import { ledgerRoutes } from './ledger.routes.ts';
import { LedgerService } from './ledger.service.ts';
import { ledgerMigrations } from './migrations.ts';
import { TransferCoalescer } from './transfer.coalescer.ts';

export interface LedgerModuleService {
  readonly ledger: LedgerService;
  /** Single transfers submitted through here share database transactions with concurrent ones. */
  readonly coalescer: TransferCoalescer;
  /** The dashboard read behind `GET /v1/ledger/overview`. */
  readonly overview: LedgerOverview;
}

const EXPIRY_INTERVAL_MS = 1000;

export const ledgerModule: ZhirongModule<LedgerModuleService> = {
  name: 'ledger',
  migrations: ledgerMigrations,
  errors: ledgerErrors,
  scopes: {
    'ledger:read': 'Read accounts, balances, statements and transfers',
    'ledger:write': 'Create accounts and transfers, post and void holds, freeze and close accounts',
  },
  createService(context: ModuleContext): LedgerModuleService {
    const ledger = new LedgerService({
      db: context.db.kysely,
      clock: context.clock,
      ids: context.ids,
      outbox: context.outbox,
      eventsCommitted: context.eventsCommitted,
    });
    // PGlite is one connection: a second batch in flight would only wait for the first.
    const coalescer = new TransferCoalescer((requests) => ledger.createTransfers(requests), {
      inFlightMax: context.db.backend === 'pglite' ? 1 : 2,
    });
    return { ledger, coalescer, overview: new LedgerOverview(context.db.kysely, context.clock) };
  },
  async routes(app, service, context) {
    await ledgerRoutes(app, { ...service, ids: context.ids });
    await overviewRoutes(app, service.overview);
  },
  start(service, context) {
    // Expire pending transfers whose timeout has passed.
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      service.ledger
        .expireDue()
        .catch((error: unknown) => context.logger.error({ err: error }, 'pending-transfer expiry failed'))
        .finally(() => {
          running = false;
        });
    }, EXPIRY_INTERVAL_MS);
    timer.unref();
    return async () => clearInterval(timer);
  },
};
