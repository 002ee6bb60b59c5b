import type { ModuleContext, ZhirongModule } from '@zhirong/platform';
import { paymentsErrors } from './errors.ts';
import { paymentsMigrations } from './migrations.ts';
import { paymentsRoutes } from './payments.routes.ts';
import { PaymentsService } from './payments.service.ts';
import type { PaymentRail } from './rail.ts';
import { approveAllPolicy, type RiskGate } from './risk.ts';

export const PAYMENTS_MODULE_NAME = 'payments';

/** GUID this institution writes in its merchant QR codes (EMV ID 26, sub-object 00), reverse-domain style. */
export const QR_NETWORK_ID_DEFAULT = 'dev.zhirong.pay';

export interface PaymentsModuleOptions {
  /**
   * Builds the rail that moves money (from `@zhirong/flows`: `ledgerPaymentRail`). It is called
   * while the module's service is built, after the modules registered before it.
   */
  readonly rail?: (context: ModuleContext) => PaymentRail;
  /** The risk gate; the default policy approves every payment. */
  readonly riskGate?: (context: ModuleContext) => RiskGate;
  readonly qrNetworkId?: string;
}

const RECOVERY_INTERVAL_MS = 5_000;

/**
 * The payments module. The rail is injected at composition (apps/cli/src/modules.ts) because
 * moving money is the ledger's business and this domain must not import it.
 */
export function paymentsModule(options: PaymentsModuleOptions = {}): ZhirongModule<PaymentsService> {
  return {
    name: PAYMENTS_MODULE_NAME,
    migrations: paymentsMigrations,
    errors: paymentsErrors,
    scopes: {
      'payments:read': 'Read payments, refunds, quotes, merchants and FX rates; decode QR codes',
      'payments:write': 'Create payments, refunds and quotes; capture and cancel; generate QR codes',
      'payments:review': 'Release or reject payments held for review',
      'payments:admin': 'Set FX rates, register merchants, reverse settled payments',
    },
    createService(context: ModuleContext): PaymentsService {
      return new PaymentsService({
        db: context.db.kysely,
        clock: context.clock,
        ids: context.ids,
        outbox: context.outbox,
        logger: context.logger,
        eventsCommitted: context.eventsCommitted,
        ...(options.rail ? { rail: options.rail(context) } : {}),
        riskGate: options.riskGate?.(context) ?? approveAllPolicy,
        // PGlite is one connection; on PostgreSQL a few groups overlap their round trips.
        inFlightMax: context.db.backend === 'pglite' ? 1 : 3,
      });
    },
    async routes(app, service, context) {
      await paymentsRoutes(app, {
        payments: service,
        ids: context.ids,
        qrNetworkId: options.qrNetworkId ?? QR_NETWORK_ID_DEFAULT,
      });
    },
    start(service, context) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        service
          .recoverStalled()
          .catch((error: unknown) => context.logger.error({ err: error }, 'payment recovery failed'))
          .finally(() => {
            running = false;
          });
      }, RECOVERY_INTERVAL_MS);
      timer.unref();
      return async () => clearInterval(timer);
    },
  };
}
