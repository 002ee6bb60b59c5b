import type { ZhirongModule } from '@zhirong/platform';
import { caseRoutes } from './cases/cases.routes.ts';
import { amlErrors } from './errors.ts';
import { kycRoutes } from './kyc/kyc.routes.ts';
import { amlMigrations } from './migrations.ts';
import { monitoringRoutes } from './monitoring/monitoring.routes.ts';
import { AmlMonitoringService } from './monitoring/monitoring.service.ts';
import { reportRoutes } from './reports/reports.routes.ts';
import { screeningRoutes } from './screening/screening.routes.ts';
import { AmlScreeningService } from './screening/screening.service.ts';
import { amlWorkbenchOf } from './workbench.ts';

export const AML_MODULE_NAME = 'aml';

/**
 * The `aml` module: its schema (lists, screening results, whitelist, scenarios, alerts, cases,
 * reports, KYC ratings), its error catalog, and its routes: `/v1/aml/lists`, `/v1/aml/screening`,
 * `/v1/aml/scenarios`, `/v1/aml/alerts`, `/v1/aml/cases`, `/v1/aml/reports`, `/v1/aml/kyc`.
 * The module's service is screening with the monitoring service beside it; cases, reports and KYC
 * are its workbench (`amlWorkbenchOf`).
 */
export type AmlModuleService = AmlScreeningService & { readonly monitoring: AmlMonitoringService };

export const amlModule: ZhirongModule<AmlModuleService> = {
  name: AML_MODULE_NAME,
  migrations: amlMigrations,
  errors: amlErrors,
  scopes: {
    'aml:read': 'Read screening lists, versions and results',
    'aml:screen': 'Screen names against the lists',
    'aml:write': 'Load list versions and whitelist reviewed false positives',
    'aml:cases': 'Work AML cases: inbox, view, assign, note, attach, escalate and decide',
    'aml:reports': 'Record reportable transactions; generate, validate and submit PBoC reports',
    'aml:kyc': 'Onboard customers (screened and rated) and read their KYC risk ratings',
  },
  createService(context) {
    const deps = { db: context.db.kysely, clock: context.clock, ids: context.ids };
    return Object.assign(new AmlScreeningService({ ...deps, outbox: context.outbox }), {
      monitoring: new AmlMonitoringService(deps),
    });
  },
  async routes(app, service, context) {
    await screeningRoutes(app, service, { db: context.db.kysely, now: () => context.clock.now() });
    await monitoringRoutes(app, service.monitoring);
    await caseRoutes(app, amlWorkbenchOf(service, context));
    await reportRoutes(app, amlWorkbenchOf(service, context));
    await kycRoutes(app, amlWorkbenchOf(service, context));
  },
};
