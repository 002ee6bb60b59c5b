import { Command } from 'commander';
import { registerBenchCommands } from './commands/bench.ts';
import { registerIso20022DryRun } from './commands/iso20022.ts';
import { registerLedgerCommands } from './commands/ledger.ts';
import { registerPlatformCommands } from './commands/platform.ts';

const program = new Command()
  .name('zhirong')
  .description('Zhirong (智融) — smart-finance platform: server, ledger, operations and benchmarks')
  .version('0.1.0')
  .showHelpAfterError();

registerPlatformCommands(program);
registerLedgerCommands(program);
registerBenchCommands(program);
// The payments helper owns the `payments` group; until the branches merge it holds only the ISO 20022 dry run.
registerIso20022DryRun(program.command('payments').description('Payments: ISO 20022 import'));

await program.parseAsync(process.argv);
