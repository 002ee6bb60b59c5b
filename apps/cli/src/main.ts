import { Command } from 'commander';
import { registerBenchCommands } from './commands/bench.ts';
import { registerLedgerCommands } from './commands/ledger.ts';
import { registerMlCommands } from './commands/ml.ts';
import { registerPlatformCommands } from './commands/platform.ts';

const program = new Command()
  .name('zhirong')
  .description('Zhirong (智融) — smart-finance platform: server, ledger, operations and benchmarks')
  .version('0.1.0')
  .showHelpAfterError();

registerPlatformCommands(program);
registerLedgerCommands(program);
registerMlCommands(program);
registerBenchCommands(program);

await program.parseAsync(process.argv);
