export { openPaymentsTestPlatform, type PaymentsTestPlatform } from './payments/testing.ts';
