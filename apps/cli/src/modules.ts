import { accessModule } from '@zhirong/access';
import { amlModule } from '@zhirong/aml';
import { chainModule } from '@zhirong/chain';
import {
  amlMonitoringModule,
  amlReportingModule,
  creditModule,
  evidenceModule,
  ledgerPaymentRail,
  riskPaymentGate,
  riskPaymentsModule,
  scfModule,
} from '@zhirong/flows';
import { identityModule } from '@zhirong/identity';
import { ledgerModule } from '@zhirong/ledger';
import { paymentsModule } from '@zhirong/payments';
import { ModuleRegistry } from '@zhirong/platform';
import { riskModule } from '@zhirong/risk';
import { webhooksModule } from '@zhirong/webhooks';

/** Every module of the platform, in dependency order. The one place the list is written. */
export function platformModules(): ModuleRegistry {
  return (
    new ModuleRegistry()
      .register(accessModule)
      .register(identityModule)
      .register(ledgerModule)
      .register(chainModule)
      // The evidence flow explains the records of the modules before it (the ledger's transfers, scf's steps).
      .register(scfModule)
      .register(evidenceModule)
      .register(riskModule)
      .register(paymentsModule({ rail: ledgerPaymentRail, riskGate: riskPaymentGate }))
      // Closing a review case releases or rejects the payment it held.
      .register(riskPaymentsModule)
      .register(webhooksModule)
      .register(creditModule)
      .register(amlModule)
      // Committed transfers feed the AML monitor (alerts only, after the money moved).
      .register(amlMonitoringModule)
      // Settled payments feed AML reporting and counterparty screening; list loads re-screen customers.
      .register(amlReportingModule)
  );
}
