export * from './contract.ts';
export { LedgerService } from './ledger.service.ts';
export { ledgerMigrations } from './migrations.ts';
export { type LedgerModuleService, ledgerModule } from './module.ts';
export { TransferCoalescer } from './transfer.coalescer.ts';
