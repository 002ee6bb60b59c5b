import type { ModuleContext, ZhirongModule } from '@zhirong/platform';
import { creditRoutes } from './credit.routes.ts';
import {
  type CreditCustomerDataPort,
  type CreditMoneyPort,
  type CreditScreeningPort,
  CreditService,
} from './credit.service.ts';
import { creditErrors } from './errors.ts';
import { creditMigrations } from './migrations.ts';
import { servicingRoutes } from './servicing.routes.ts';
import type { CreditMonitoringPort } from './servicing.ts';

export const CREDIT_MODULE_NAME = 'credit';

/**
 * Builds the `credit` module around a money port (flows adapts the ledger) and an optional
 * screening port (deny lists and fraud decisions from the risk engine; the default approves).
 * This package never imports another domain.
 */
export function createCreditModule(
  moneyPort: (context: ModuleContext) => CreditMoneyPort,
  screeningPort?: (context: ModuleContext) => CreditScreeningPort,
  monitoringPort?: (context: ModuleContext) => CreditMonitoringPort,
  customerDataPort?: (context: ModuleContext) => CreditCustomerDataPort,
): ZhirongModule<CreditService> {
  return {
    name: CREDIT_MODULE_NAME,
    migrations: creditMigrations,
    errors: creditErrors,
    scopes: {
      'credit:read': 'Read loan products, applications, decisions and loans',
      'credit:products': 'Create loan products',
      'credit:apply': 'Submit loan applications (decided at once)',
      'credit:loans': 'Accept approved applications (disbursement), take repayments, run accrual, write off',
    },
    createService(context) {
      return new CreditService({
        db: context.db.kysely,
        clock: context.clock,
        ids: context.ids,
        outbox: context.outbox,
        logger: context.logger,
        timeZone: context.config.timeZone,
        money: moneyPort(context),
        ...(screeningPort ? { screening: screeningPort(context) } : {}),
        ...(monitoringPort ? { monitoring: monitoringPort(context) } : {}),
        ...(customerDataPort ? { customerData: customerDataPort(context) } : {}),
        eventsCommitted: context.eventsCommitted,
      });
    },
    async routes(app, service, context) {
      await creditRoutes(app, service, context.db.kysely, () => context.clock.now());
      await servicingRoutes(app, service);
    },
  };
}
