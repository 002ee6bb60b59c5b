import type { ZhirongModule } from '@zhirong/platform';
import { identityErrors } from './errors.ts';
import { identityRoutes } from './identity.routes.ts';
import { type IdentityOptions, IdentityService } from './identity.service.ts';
import { identityMigrations } from './migrations.ts';

export const IDENTITY_MODULE_NAME = 'identity';
const SWEEP_INTERVAL_MS = 3_600_000;

/** The identity module with non-default session and lockout settings (tests shorten them). */
export function createIdentityModule(options: IdentityOptions = {}): ZhirongModule<IdentityService> {
  return {
    name: IDENTITY_MODULE_NAME,
    migrations: identityMigrations,
    errors: identityErrors,
    createService: (context) => new IdentityService(context, options),
    routes: (app, service) => identityRoutes(app, service),
    start(service, context) {
      // Old ended and expired sessions are deleted hourly, a bounded batch at a time.
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        service
          .sweepSessions()
          .catch((error: unknown) => context.logger.error({ err: error }, 'session sweep failed'))
          .finally(() => {
            running = false;
          });
      }, SWEEP_INTERVAL_MS);
      timer.unref();
      return async () => clearInterval(timer);
    },
  };
}

/** Staff users, console sessions and sign-in: `/v1/identity/*`, schema `identity`. */
export const identityModule: ZhirongModule<IdentityService> = createIdentityModule();
