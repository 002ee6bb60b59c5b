import { accessModule } from '@zhirong/access';
import { ledgerPaymentRail } from '@zhirong/flows';
import { ledgerModule } from '@zhirong/ledger';
import { paymentsModule } from '@zhirong/payments';
import { ModuleRegistry } from '@zhirong/platform';

/** Every module of the platform, in dependency order. The one place the list is written. */
export function platformModules(): ModuleRegistry {
  return new ModuleRegistry()
    .register(accessModule)
    .register(ledgerModule)
    .register(paymentsModule({ rail: ledgerPaymentRail }));
}
