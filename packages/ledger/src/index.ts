export * from './contract.ts';
export { LedgerService } from './ledger.service.ts';
export { type LedgerModuleService, ledgerModule } from './module.ts';
export { TransferCoalescer } from './transfer.coalescer.ts';
export { ledgerMigrations } from './migrations.ts';
