export { ApiKeySchema, accessRoutes } from './access.routes.ts';
export {
  type AccessDeps,
  AccessService,
  type AccessServiceOptions,
  ADMIN_KEY_FILE,
  type ApiKeyPage,
  BOOTSTRAP_KEY_NAME,
  type CreatedApiKey,
  type CreateKeyError,
  type CreateKeyInput,
  KEY_CACHE_SIZE_MAX,
  KEY_CACHE_TTL_MS,
  type RevokeError,
  type VerifyError,
} from './access.service.ts';
export {
  ADMIN_SCOPE,
  API_KEY_PREFIX,
  type ApiKeyStatus,
  type ApiKeyView,
  BUILTIN_SCOPES,
  hasScope,
  type KeyId,
  parseApiKey,
} from './api-key.ts';
export { type AccessErrorCode, accessErrors } from './errors.ts';
export { accessMigrations } from './migrations.ts';
export { ACCESS_MODULE_NAME, accessModule, createAccessModule } from './module.ts';
