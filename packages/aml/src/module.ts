import type { ZhirongModule } from '@zhirong/platform';
import { amlErrors } from './errors.ts';
import { amlMigrations } from './migrations.ts';
import { monitoringRoutes } from './monitoring/monitoring.routes.ts';
import { AmlMonitoringService } from './monitoring/monitoring.service.ts';
import { screeningRoutes } from './screening/screening.routes.ts';
import { AmlScreeningService } from './screening/screening.service.ts';

export const AML_MODULE_NAME = 'aml';

/**
 * The `aml` module: its schema (lists, versions, entries, screening results, whitelist), its error
 * catalog, the screening service and its routes (`/v1/aml/lists`, `/v1/aml/screening`), and monitoring
 * (`/v1/aml/scenarios`, `/v1/aml/alerts`).
 */
/** The module's service: screening, with the monitoring service beside it. */
export type AmlModuleService = AmlScreeningService & { readonly monitoring: AmlMonitoringService };

export const amlModule: ZhirongModule<AmlModuleService> = {
  name: AML_MODULE_NAME,
  migrations: amlMigrations,
  errors: amlErrors,
  scopes: {
    'aml:read': 'Read screening lists, versions and results',
    'aml:screen': 'Screen names against the lists',
    'aml:write': 'Load list versions and whitelist reviewed false positives',
  },
  createService(context) {
    const deps = { db: context.db.kysely, clock: context.clock, ids: context.ids };
    return Object.assign(new AmlScreeningService(deps), { monitoring: new AmlMonitoringService(deps) });
  },
  async routes(app, service) {
    await screeningRoutes(app, service);
    await monitoringRoutes(app, service.monitoring);
  },
};
