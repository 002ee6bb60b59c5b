// Builds the AML services beyond screening (cases, reports, KYC, screening that opens cases) and wires them: a case opened or decided re-rates its customer.
import type { AmlDeps, CaseSlaConfig } from './cases/case.ts';
import { DEFAULT_CASE_SLA } from './cases/case.ts';
import { AmlCaseService } from './cases/cases.service.ts';
import { AmlScreeningCases } from './cases/screening-cases.ts';
import { AmlKycService } from './kyc/kyc.service.ts';
import { DEFAULT_RATING, type RatingConfig } from './kyc/rating.ts';
import { DEFAULT_REPORTING, type ReportingConfig } from './reports/reporting.ts';
import { AmlReportService } from './reports/reports.service.ts';
import { AmlScreeningService } from './screening/screening.service.ts';

export interface AmlWorkbench {
  readonly screening: AmlScreeningService;
  readonly cases: AmlCaseService;
  readonly reports: AmlReportService;
  readonly kyc: AmlKycService;
  readonly screeningCases: AmlScreeningCases;
}

export interface AmlWorkbenchOptions {
  readonly sla?: CaseSlaConfig;
  readonly reporting?: ReportingConfig;
  readonly rating?: RatingConfig;
  /** The screening service to share (its index cache); a new one otherwise. */
  readonly screening?: AmlScreeningService;
}

const workbenches = new WeakMap<AmlScreeningService, AmlWorkbench>();

/**
 * The workbench of a running AML module (built once per screening service with the defaults), so
 * that its routes and packages/flows share one set of services.
 */
export function amlWorkbenchOf(
  screening: AmlScreeningService,
  context: { db: { kysely: AmlDeps['db'] }; clock: AmlDeps['clock']; ids: AmlDeps['ids']; outbox: AmlDeps['outbox'] },
): AmlWorkbench {
  let found = workbenches.get(screening);
  if (found === undefined) {
    found = createAmlWorkbench(
      { db: context.db.kysely, clock: context.clock, ids: context.ids, outbox: context.outbox },
      { screening },
    );
    workbenches.set(screening, found);
  }
  return found;
}

export function createAmlWorkbench(deps: AmlDeps, options: AmlWorkbenchOptions = {}): AmlWorkbench {
  const screening = options.screening ?? new AmlScreeningService(deps);
  const cases = new AmlCaseService(deps, options.sla ?? DEFAULT_CASE_SLA);
  const kyc = new AmlKycService(deps, options.rating ?? DEFAULT_RATING);
  cases.onChange(async (trx, customerIds, trigger) => {
    await kyc.rerate(trx, customerIds, trigger);
  });
  const reports = new AmlReportService(deps, cases, options.reporting ?? DEFAULT_REPORTING);
  return { screening, cases, reports, kyc, screeningCases: new AmlScreeningCases(deps, screening, cases, kyc) };
}
