import type { ZhirongModule } from '@zhirong/platform';
import { accessRoutes } from './access.routes.ts';
import { AccessService, type AccessServiceOptions } from './access.service.ts';
import { ADMIN_SCOPE, BUILTIN_SCOPES } from './api-key.ts';
import { accessErrors } from './errors.ts';
import { accessMigrations } from './migrations.ts';

export const ACCESS_MODULE_NAME = 'access';

/** The access module with non-default cache settings (tests pin the TTL). */
export function createAccessModule(options: AccessServiceOptions = {}): ZhirongModule<AccessService> {
  return {
    name: ACCESS_MODULE_NAME,
    migrations: accessMigrations,
    errors: accessErrors,
    scopes: { [ADMIN_SCOPE]: BUILTIN_SCOPES[ADMIN_SCOPE] ?? 'Every scope' },
    createService: (context) => new AccessService(context, options),
    routes: (app, service) => accessRoutes(app, service),
  };
}

/** API keys and their scopes: `/v1/access/*`, schema `access`. */
export const accessModule: ZhirongModule<AccessService> = createAccessModule();
