import { assert } from '@zhirong/kernel';
import type { IdentityService } from './identity.service.ts';
import type { StaffRole, StaffView } from './staff.ts';

/** A password every test user gets unless the test says otherwise (passes the password rule). */
export const TEST_PASSWORD = 'correct horse battery staple';

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
