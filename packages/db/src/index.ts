export { type Backend, type Database, type DatabaseOptions, openDatabase } from './database.ts';
export { type MigrationReport, migrateSchema, type SchemaMigrations } from './migrate.ts';
export {
  type IsolationLevel,
  inTransaction,
  isRetryableTransactionError,
  isUniqueViolation,
  sqlState,
  type TransactionOptions,
} from './transaction.ts';
