export { EvidenceFlow, evidenceModule, LEDGER_TRANSFER_RECORD } from './evidence/module.ts';
export { ledgerMoneyPort, scfModule } from './scf/module.ts';
