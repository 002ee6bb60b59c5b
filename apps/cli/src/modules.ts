import { accessModule } from '@zhirong/access';
import { identityModule } from '@zhirong/identity';
import { ledgerModule } from '@zhirong/ledger';
import { ModuleRegistry } from '@zhirong/platform';

/** Every module of the platform, in dependency order. The one place the list is written. */
export function platformModules(): ModuleRegistry {
  return new ModuleRegistry().register(accessModule).register(identityModule).register(ledgerModule);
}
