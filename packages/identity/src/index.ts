export {
  CSRF_COOKIE,
  CSRF_HEADER,
  clearedCookies,
  readCookie,
  SESSION_COOKIE,
  sessionCookies,
} from './cookies.ts';
export { type IdentityErrorCode, identityErrors } from './errors.ts';
export { identityRoutes, StaffSchema } from './identity.routes.ts';
export {
  ADMIN_PASSWORD_FILE,
  BOOTSTRAP_ADMIN_USERNAME,
  type CreateStaffInput,
  type IdentityDeps,
  type IdentityOptions,
  IdentityService,
  type LoginError,
  type OpenedSession,
  type StaffSession,
  type UpdateStaffInput,
} from './identity.service.ts';
export { identityMigrations } from './migrations.ts';
export { createIdentityModule, IDENTITY_MODULE_NAME, identityModule } from './module.ts';
export {
  generatePassword,
  isStaffRole,
  LOCALES,
  type Locale,
  ROLE_SCOPE_PATTERNS,
  STAFF_ROLES,
  type StaffId,
  type StaffRole,
  type StaffView,
  scopesForRole,
} from './staff.ts';
