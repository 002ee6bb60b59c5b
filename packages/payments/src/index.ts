export * from './contract.ts';
export { paymentsMigrations } from './migrations.ts';
export { PAYMENTS_MODULE_NAME, type PaymentsModuleOptions, paymentsModule, QR_NETWORK_ID_DEFAULT } from './module.ts';
export { qrJson } from './payments.routes.ts';
export { IdempotencyConflict, PaymentsService } from './payments.service.ts';
