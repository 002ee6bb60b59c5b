import type { ModuleContext, ZhirongModule } from '@zhirong/platform';
import { scfErrors } from './errors.ts';
import { scfMigrations } from './migrations.ts';
import { scfRoutes } from './scf.routes.ts';
import { type ScfMoneyPort, ScfService } from './scf.service.ts';

export const SCF_MODULE_NAME = 'scf';

/**
 * Builds the `scf` module around a money port. The port comes from the composition package
 * (flows adapts the ledger): this package never imports another domain.
 */
export function createScfModule(moneyPort: (context: ModuleContext) => ScfMoneyPort): ZhirongModule<ScfService> {
  return {
    name: SCF_MODULE_NAME,
    migrations: scfMigrations,
    errors: scfErrors,
    scopes: {
      'scf:read': 'Read receivables and their steps',
      'scf:issue': 'Issue receivables (core enterprises, after confirming the debt)',
      'scf:write': 'Split and transfer receivables',
      'scf:finance': 'Finance (discount) receivables',
      'scf:settle': 'Settle matured receivables',
    },
    createService(context) {
      return new ScfService({
        db: context.db.kysely,
        clock: context.clock,
        ids: context.ids,
        outbox: context.outbox,
        logger: context.logger,
        timeZone: context.config.timeZone,
        money: moneyPort(context),
        eventsCommitted: context.eventsCommitted,
      });
    },
    async routes(app, service, context) {
      await scfRoutes(app, service, context.db.kysely, () => context.clock.now());
    },
    start(service, context) {
      // At maturity the money reaches the current holders without anyone asking; pending steps
      // left by a crash are finished on the same beat.
      let running: Promise<void> | undefined;
      const tick = () => {
        if (running) return;
        running = Promise.resolve()
          .then(() => service.recoverPending())
          .then(() => service.settleDue())
          .then((result) => {
            if (result.settled > 0 || result.failed.length > 0)
              context.logger.info(result, 'scf: matured receivables settled');
          })
          .catch((error: unknown) => context.logger.error({ err: error }, 'scf: settlement pass failed'))
          .finally(() => {
            running = undefined;
          });
      };
      const timer = setInterval(tick, context.config.scfSettleIntervalMs);
      timer.unref();
      return async () => {
        clearInterval(timer);
        await running;
      };
    },
  };
}
