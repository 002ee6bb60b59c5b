import { assert } from '@zhirong/kernel';
import type { AccessService } from './access.service.ts';

/** Creates a key for a test and returns its plaintext; fails loudly if the service refuses. */
export async function issueTestKey(
  service: AccessService,
  scopes: readonly string[],
  options: { name?: string; expiresAt?: Date } = {},
): Promise<string> {
  const created = await service.createKey({
    name: options.name ?? `test ${scopes.join(' ')}`,
    scopes,
    expiresAt: options.expiresAt ?? null,
  });
  assert(created.ok, `test key refused: ${created.ok ? '' : created.code}`);
  return created.value.key;
}
