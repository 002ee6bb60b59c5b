import { assert } from '@zhirong/kernel';
import type { ZhirongModule } from '@zhirong/platform';
import type { IdentityOptions, IdentityService } from './identity.service.ts';
import { createIdentityModule } from './module.ts';
import type { PasswordCost } from './password.ts';
import type { StaffRole, StaffView } from './staff.ts';

/** A password every test user gets unless the test says otherwise (passes the password rule). */
export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * A cheap argon2id cost for tests (1 MiB, 1 pass: about a millisecond), so suites that create and
 * sign in many users stay fast. Never use it outside tests.
 */
export const TEST_PASSWORD_COST: PasswordCost = Object.freeze({ memoryCost: 1024, timeCost: 1 });

/** The identity module with the cheap test hashing cost (and any other options). */
export function testIdentityModule(options: IdentityOptions = {}): ZhirongModule<IdentityService> {
  return createIdentityModule({ passwordCost: TEST_PASSWORD_COST, ...options });
}

/** Creates a staff user for a test; fails loudly if the service refuses. */
export async function createTestStaff(
  service: IdentityService,
  role: StaffRole,
  options: { username?: string; password?: string } = {},
): Promise<StaffView> {
  const created = await service.createStaff({
    username: options.username ?? `test-${role.replaceAll('_', '-')}`,
    displayName: `Test ${role}`,
    role,
    password: options.password ?? TEST_PASSWORD,
  });
  assert(created.ok, `test staff refused: ${created.ok ? '' : created.code}`);
  return created.value;
}
