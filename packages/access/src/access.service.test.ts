// Proves key issue/verify/revoke/list against a real database: secrets never stored or listed, revocation and expiry enforced, the cache's TTL bound, and the one-time bootstrap admin key.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { ManualClock, SeededRng } from '@zhirong/kernel/testing';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessService, ADMIN_KEY_FILE, KEY_CACHE_TTL_MS } from './access.service.ts';
import { accessModule } from './module.ts';

describe.each(testBackends())('access service on %s', (backend) => {
  let db: TestDatabase;
  let platform: Platform;
  let service: AccessService;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const dirs: string[] = [];

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    platform = await bootPlatform({
      config: loadConfig({}, tmpdir()),
      modules: new ModuleRegistry().register(accessModule),
      logger: createLogger({ level: 'silent' }),
      db,
      clock,
      rng: new SeededRng(42),
    });
    service = platform.service<AccessService>('access');
  });

  afterAll(async () => {
    await platform?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'zr-access-'));
    dirs.push(dir);
    return dir;
  };

  /** A second service on the same database: another server process. */
  const otherProcess = () => new AccessService(platform.context);

  it('writes the bootstrap admin key once, to a 0600 file, and only when no key exists', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const key = await service.ensureBootstrapAdminKey(dataDir);
    expect(key).toMatch(/^zrk_/);
    const file = join(dataDir, ADMIN_KEY_FILE);
    expect(readFileSync(file, 'utf8')).toBe(`${key}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const verified = await service.verify(key ?? '');
    expect(verified.ok && verified.value.scopes).toEqual(['admin']);

    expect(await service.ensureBootstrapAdminKey(dataDir)).toBeUndefined();
    const elsewhere = tempDir();
    expect(await otherProcess().ensureBootstrapAdminKey(elsewhere)).toBeUndefined();
    expect(existsSync(join(elsewhere, ADMIN_KEY_FILE))).toBe(false);
  });

  it('returns the plaintext once and stores only a 32-byte digest', async () => {
    const created = await service.createKey({ name: 'reporting', scopes: ['ledger:read'] });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const { key, apiKey } = created.value;
    expect(apiKey).toMatchObject({ name: 'reporting', scopes: ['ledger:read'], status: 'active', expiresAt: null });
    const rows = await sql<{ digest: Uint8Array; scopes: string[] }>`
      select secret_sha256 as digest, scopes from access.api_keys`.execute(db.kysely);
    for (const row of rows.rows) {
      expect(row.digest.length).toBe(32);
      expect(Buffer.from(row.digest).toString('latin1')).not.toContain(key.slice(31));
    }
    const listed = await service.list();
    expect(JSON.stringify(listed)).not.toContain(key.slice(31));
    expect(JSON.stringify(listed)).not.toMatch(/sha256|digest|secret/i);
    const verified = await service.verify(key);
    expect(verified).toEqual({ ok: true, value: { keyId: apiKey.id, scopes: ['ledger:read'] } });
  });

  it('says api_key_invalid for a malformed key, an unknown id, or a wrong secret', async () => {
    const created = await service.createKey({ name: 'x', scopes: ['ledger:read'] });
    if (!created.ok) throw new Error(created.code);
    const key = created.value.key;
    const wrongSecret = `${key.slice(0, 31)}${key[31] === 'A' ? 'B' : 'A'}${key.slice(32)}`;
    const otherId = `zrk_${'0'.repeat(26)}${key.slice(30)}`;
    for (const bad of ['nonsense', wrongSecret, otherId]) {
      expect(await service.verify(bad)).toEqual({ ok: false, code: 'api_key_invalid' });
    }
  });

  it('rejects a revoked key at once in the revoking process, and hides the state from a wrong secret', async () => {
    const created = await service.createKey({ name: 'to revoke', scopes: ['ledger:write'] });
    if (!created.ok) throw new Error(created.code);
    const { key, apiKey } = created.value;
    expect((await service.verify(key)).ok).toBe(true);
    const revoked = await service.revoke(apiKey.id);
    expect(revoked.ok && revoked.value.status).toBe('revoked');
    expect(await service.verify(key)).toEqual({ ok: false, code: 'api_key_revoked' });
    const wrongSecret = `${key.slice(0, 31)}${key[31] === 'A' ? 'B' : 'A'}${key.slice(32)}`;
    expect(await service.verify(wrongSecret)).toEqual({ ok: false, code: 'api_key_invalid' });
    const again = await service.revoke(apiKey.id);
    expect(again.ok && again.value.revokedAt?.getTime()).toBe(revoked.ok && revoked.value.revokedAt?.getTime());
  });

  it('lets another process keep a revoked key for at most the cache TTL', async () => {
    const created = await service.createKey({ name: 'cached elsewhere', scopes: ['ledger:read'] });
    if (!created.ok) throw new Error(created.code);
    const other = otherProcess();
    expect((await other.verify(created.value.key)).ok).toBe(true);
    await service.revoke(created.value.apiKey.id);
    clock.advance(KEY_CACHE_TTL_MS - 1);
    expect((await other.verify(created.value.key)).ok).toBe(true);
    clock.advance(1);
    expect(await other.verify(created.value.key)).toEqual({ ok: false, code: 'api_key_revoked' });
  });

  it('expires a key at its expiry instant, even from the cache', async () => {
    const created = await service.createKey({
      name: 'short-lived',
      scopes: ['ledger:read'],
      expiresAt: new Date(clock.nowMs() + 1000),
    });
    if (!created.ok) throw new Error(created.code);
    expect((await service.verify(created.value.key)).ok).toBe(true);
    clock.advance(1000);
    expect(await service.verify(created.value.key)).toEqual({ ok: false, code: 'api_key_expired' });
    const view = await service.getKey(created.value.apiKey.id);
    expect(view.ok && view.value.status).toBe('expired');
  });

  it('refuses unknown scopes, bad names and past expiries, one code per reason', async () => {
    expect(await service.createKey({ name: 'x', scopes: ['ledger:read', 'payments:write'] })).toEqual({
      ok: false,
      code: 'scope_unknown',
      detail: { scope: 'payments:write' },
    });
    expect((await service.createKey({ name: ' ', scopes: ['admin'] })).ok).toBe(false);
    expect(await service.createKey({ name: 'x', scopes: ['admin'], expiresAt: new Date(clock.nowMs()) })).toEqual({
      ok: false,
      code: 'api_key_expiry_invalid',
    });
    service.declareScopes({ 'payments:write': 'Initiate payments' });
    expect((await service.createKey({ name: 'x', scopes: ['payments:write'] })).ok).toBe(true);
    expect(service.scopeCatalog()).toHaveProperty('payments:write', 'Initiate payments');
  });

  it('will not revoke the last active admin key', async () => {
    const page = await service.list({ limit: 500 });
    if (!page.ok) throw new Error(page.code);
    const admins = page.value.items.filter((k) => k.scopes.includes('admin') && k.status === 'active');
    expect(admins).toHaveLength(1);
    const only = admins[0]?.id ?? '';
    expect(await service.revoke(only)).toEqual({ ok: false, code: 'api_key_last_admin' });
    const second = await service.createKey({ name: 'second admin', scopes: ['admin'] });
    if (!second.ok) throw new Error(second.code);
    const revoked = await service.revoke(only, { revokedBy: second.value.apiKey.id });
    expect(revoked.ok && revoked.value.revokedBy).toBe(second.value.apiKey.id);
    expect(await service.revoke(second.value.apiKey.id)).toEqual({ ok: false, code: 'api_key_last_admin' });
    expect(await service.revoke('key_nope')).toEqual({ ok: false, code: 'api_key_not_found' });
    expect(await service.revoke('key_01jd8x3r5m0e9bq2c7k4n6v1wz')).toEqual({ ok: false, code: 'api_key_not_found' });
  });

  it('pages through keys in creation order with an opaque cursor', async () => {
    const all: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await service.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      if (!page.ok) throw new Error(page.code);
      expect(page.value.items.length).toBeLessThanOrEqual(2);
      all.push(...page.value.items.map((k) => k.id));
      if (page.value.nextCursor === null) break;
      cursor = page.value.nextCursor;
    }
    const once = await service.list({ limit: 500 });
    expect(once.ok && once.value.items.map((k) => k.id)).toEqual(all);
    expect([...all].sort()).toEqual(all);
    expect(await service.list({ cursor: 'garbage' })).toEqual({ ok: false, code: 'api_key_cursor_invalid' });
  });

  it('writes an outbox event for each created and revoked key, without secrets', async () => {
    const rows = await sql<{ topic: string; payload: unknown }>`
      select topic, payload from platform.outbox where topic like 'access.%' order by id`.execute(db.kysely);
    const topics = new Set(rows.rows.map((r) => r.topic));
    expect(topics).toEqual(new Set(['access.api_keys.created', 'access.api_keys.revoked']));
    expect(JSON.stringify(rows.rows)).not.toMatch(/zrk_/);
  });
});
