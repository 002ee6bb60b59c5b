export {
  CONFIG_KEYS,
  type Config,
  ConfigError,
  type ConfigKey,
  loadConfig,
  redactedConfig,
  redactUrl,
} from './config.ts';
export {
  type DeliveryFailure,
  type DomainEvent,
  type EventBus,
  type EventHandler,
  InProcessEventBus,
  type SubscribeOptions,
  topicMatches,
} from './event-bus.ts';
export type { Principal, StaffPrincipal } from './http.ts';
export { type IdempotencyTable, idempotentReply } from './idempotent-reply.ts';
export { createLogger, type Logger, REDACTED_PATHS } from './logger.ts';
export {
  type ModuleContext,
  ModuleRegistry,
  type ScopeCatalog,
  type ServiceDirectory,
  type ZhirongModule,
} from './module.ts';
export {
  type DeadLetter,
  eventJson,
  type NewEvent,
  OUTBOX_BATCH_MAX,
  OUTBOX_CLAIM_MS,
  OUTBOX_DELIVERY_ATTEMPTS_MAX,
  Outbox,
  OutboxRelay,
  type OutboxRelayOptions,
  type OutboxTables,
  outboxMigrations,
  retryDelayMs,
} from './outbox.ts';
export { ProblemError, problem } from './problem-error.ts';
export { type BootOptions, bootPlatform, embeddedDataDir, type Platform } from './runtime.ts';
export { Shutdown } from './shutdown.ts';
