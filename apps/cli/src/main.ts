import * as iso from '@zhirong/iso20022';
import { Command } from 'commander';
import { registerAmlCommands } from './commands/aml.ts';
import { registerBenchCommands } from './commands/bench.ts';
import { registerChainCommands } from './commands/chain.ts';
import { registerCreditCommands } from './commands/credit.ts';
import { registerLedgerCommands } from './commands/ledger.ts';
import { registerMlCommands } from './commands/ml.ts';
import { registerPaymentsCommands } from './commands/payments.ts';
import { registerPlatformCommands } from './commands/platform.ts';
import { registerRiskCommands } from './commands/risk.ts';
import { registerScfCommands } from './commands/scf.ts';
import { registerSimulateCommands } from './commands/simulate.ts';
import { registerStaffCommands } from './commands/staff.ts';
import { registerWebhooksCommands } from './commands/webhooks.ts';

const program = new Command()
  .name('zhirong')
  .description(
    'Zhirong (智融) — smart-finance platform: server, ledger, evidence log, supply-chain finance, operations and benchmarks',
  )
  .version('0.1.0')
  .showHelpAfterError();

registerPlatformCommands(program);
registerLedgerCommands(program);
registerWebhooksCommands(program);
registerChainCommands(program);
registerScfCommands(program);
registerStaffCommands(program);
registerMlCommands(program);
registerPaymentsCommands(program, iso);
registerRiskCommands(program);
registerAmlCommands(program);
registerBenchCommands(program);
registerSimulateCommands(program);
registerCreditCommands(program);

await program.parseAsync(process.argv);
