import { Command } from 'commander';
import { registerBenchCommands } from './commands/bench.ts';
import { registerLedgerCommands } from './commands/ledger.ts';
import { registerPlatformCommands } from './commands/platform.ts';
import { registerSimulateCommands } from './commands/simulate.ts';

const program = new Command()
  .name('zhirong')
  .description('Zhirong (智融) — smart-finance platform: server, ledger, operations and benchmarks')
  .version('0.1.0')
  .showHelpAfterError();

registerPlatformCommands(program);
registerLedgerCommands(program);
registerBenchCommands(program);
registerSimulateCommands(program);

await program.parseAsync(process.argv);
