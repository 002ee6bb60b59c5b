// Proves staff sign-in and sessions against a real database: argon2id hashes only, generic failures, per-user lockout and per-address throttling, idle and absolute expiry, CSRF digests, last-admin protection, and the one-time bootstrap admin written 0600.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, testBackends } from '@zhirong/db/testing';
import { ManualClock, SeededRng } from '@zhirong/kernel/testing';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD_FILE, IdentityService } from './identity.service.ts';
import { createIdentityModule } from './module.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { ROLE_SCOPE_PATTERNS, STAFF_ROLES, scopesForRole } from './staff.ts';
import { createTestStaff, TEST_PASSWORD, TEST_PASSWORD_COST } from './testing.ts';

const MINUTE = 60_000;

describe.each(testBackends())('identity service on %s', (backend) => {
  let platform: Platform;
  let service: IdentityService;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const dirs: string[] = [];

  beforeAll(async () => {
    platform = await bootPlatform({
      config: loadConfig({}, tmpdir()),
      modules: new ModuleRegistry().register(
        createIdentityModule({
          sessionIdleMs: 30 * MINUTE,
          sessionLifetimeMs: 12 * 60 * MINUTE,
          passwordCost: TEST_PASSWORD_COST,
        }),
      ),
      logger: createLogger({ level: 'silent' }),
      db: await openTestDatabase(backend),
      clock,
      rng: new SeededRng(9),
    });
    service = platform.service<IdentityService>('identity');
  });
  afterAll(async () => {
    await platform?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the bootstrap admin once, with its password in a 0600 file, and only when nobody exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zr-identity-'));
    dirs.push(dir);
    const password = await service.ensureBootstrapAdmin(join(dir, 'data'));
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    const file = join(dir, 'data', ADMIN_PASSWORD_FILE);
    expect(readFileSync(file, 'utf8')).toBe(`${password}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const login = await service.login({ username: 'ADMIN', password: password ?? '', address: '10.0.0.1' });
    expect(login.ok && login.value.staff.role).toBe('admin');
    const other = mkdtempSync(join(tmpdir(), 'zr-identity-'));
    dirs.push(other);
    expect(await new IdentityService(platform.context).ensureBootstrapAdmin(other)).toBeUndefined();
    expect(existsSync(join(other, ADMIN_PASSWORD_FILE))).toBe(false);
  });

  it('stores only an argon2id hash and the SHA-256 of session and CSRF tokens', async () => {
    await createTestStaff(service, 'operator', { username: 'hash.check' });
    const login = await service.login({ username: 'hash.check', password: TEST_PASSWORD, address: '10.0.0.2' });
    if (!login.ok) throw new Error(login.code);
    const staff = await sql<{ password_hash: string }>`
      select password_hash from identity.staff where username = 'hash.check'`.execute(platform.context.db.kysely);
    expect(staff.rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(JSON.stringify(staff.rows)).not.toContain(TEST_PASSWORD);
    const sessions = await sql<{ token_sha256: Uint8Array; csrf_sha256: Uint8Array }>`
      select token_sha256, csrf_sha256 from identity.sessions`.execute(platform.context.db.kysely);
    for (const row of sessions.rows) {
      expect(row.token_sha256.length).toBe(32);
      expect(Buffer.from(row.token_sha256).toString('latin1')).not.toContain(login.value.token.slice(4));
    }
    expect(login.value.token).toMatch(/^zrs_[A-Za-z0-9_-]{43}$/);
    const verified = await service.verifySession(login.value.token);
    expect(verified.ok && verified.value.staff.username).toBe('hash.check');
    if (!verified.ok) return;
    expect(service.checkCsrf(verified.value, login.value.csrfToken)).toBe(true);
    expect(service.checkCsrf(verified.value, `${login.value.csrfToken.slice(0, -1)}A`)).toBe(
      login.value.csrfToken.endsWith('A'),
    );
    expect(service.checkCsrf(verified.value, undefined)).toBe(false);
    expect(service.checkCsrf(verified.value, 'short')).toBe(false);
  });

  it('answers login_failed alike for an unknown user, a wrong password and a disabled user', async () => {
    const disabled = await createTestStaff(service, 'loan_officer', { username: 'gone' });
    expect((await service.updateStaff(disabled.id, { status: 'disabled' })).ok).toBe(true);
    for (const attempt of [
      { username: 'nobody', password: TEST_PASSWORD },
      { username: 'hash.check', password: 'wrong wrong wrong' },
      { username: 'gone', password: TEST_PASSWORD },
      { username: '../bad name', password: TEST_PASSWORD },
    ]) {
      const result = await service.login({ ...attempt, address: '10.0.0.3' });
      expect(result.ok ? 'ok' : result.code).toBe('login_failed');
    }
  });

  it('locks a user after five wrong passwords, even against the right one, until the lock ends', async () => {
    await createTestStaff(service, 'risk_analyst', { username: 'guessed' });
    for (let i = 0; i < 5; i++) {
      const result = await service.login({ username: 'guessed', password: `wrong ${i} wrong`, address: `10.1.0.${i}` });
      expect(result.ok ? 'ok' : result.code).toBe('login_failed');
    }
    const locked = await service.login({ username: 'guessed', password: TEST_PASSWORD, address: '10.1.1.1' });
    expect(locked).toMatchObject({ ok: false, code: 'login_locked', detail: { retryAfterSeconds: 900, minutes: 15 } });
    clock.advance(15 * MINUTE);
    const after = await service.login({ username: 'guessed', password: TEST_PASSWORD, address: '10.1.1.1' });
    expect(after.ok).toBe(true);
  });

  it('lets an admin lift a lock at once', async () => {
    const user = await createTestStaff(service, 'operator', { username: 'unlock.me' });
    for (let i = 0; i < 5; i++)
      await service.login({ username: 'unlock.me', password: 'not the password', address: `10.2.0.${i}` });
    expect((await service.getStaff(user.id)).ok && (await service.getStaff(user.id))).toMatchObject({
      value: { lockedUntil: expect.any(Date) },
    });
    expect((await service.updateStaff(user.id, { unlock: true })).ok).toBe(true);
    expect((await service.login({ username: 'unlock.me', password: TEST_PASSWORD, address: '10.2.1.1' })).ok).toBe(
      true,
    );
  });

  it('throttles an address after 20 failures in 15 minutes, whatever the user names', async () => {
    for (let i = 0; i < 20; i++) {
      const result = await service.login({ username: `ghost${i}`, password: 'not the password', address: '10.9.9.9' });
      expect(result.ok ? 'ok' : result.code).toBe('login_failed');
    }
    const throttled = await service.login({ username: 'hash.check', password: TEST_PASSWORD, address: '10.9.9.9' });
    expect(throttled.ok ? 'ok' : throttled.code).toBe('login_throttled');
    expect((await service.login({ username: 'hash.check', password: TEST_PASSWORD, address: '10.9.9.8' })).ok).toBe(
      true,
    );
    clock.advance(15 * MINUTE);
    expect((await service.login({ username: 'hash.check', password: TEST_PASSWORD, address: '10.9.9.9' })).ok).toBe(
      true,
    );
  });

  it('ends a session after 30 idle minutes, keeps it alive while used, and ends it at 12 hours regardless', async () => {
    const login = await service.login({ username: 'hash.check', password: TEST_PASSWORD, address: '10.3.0.1' });
    if (!login.ok) throw new Error(login.code);
    const token = login.value.token;
    for (let i = 0; i < 24; i++) {
      clock.advance(29 * MINUTE);
      expect((await service.verifySession(token)).ok, `after ${(i + 1) * 29} minutes`).toBe(true);
    }
    clock.advance(29 * MINUTE); // 12 h 5 min after sign-in
    expect(await service.verifySession(token)).toEqual({ ok: false, code: 'session_invalid' });
    const idle = await service.login({ username: 'hash.check', password: TEST_PASSWORD, address: '10.3.0.1' });
    if (!idle.ok) throw new Error(idle.code);
    clock.advance(30 * MINUTE);
    expect(await service.verifySession(idle.value.token)).toEqual({ ok: false, code: 'session_invalid' });
  });

  it('ends sessions on logout, on disabling, on a new role and on a password reset', async () => {
    const user = await createTestStaff(service, 'compliance_officer', { username: 'ends' });
    const open = async () => {
      const login = await service.login({ username: 'ends', password: TEST_PASSWORD, address: '10.4.0.1' });
      if (!login.ok) throw new Error(login.code);
      return login.value.token;
    };
    const dead = async (token: string) => expect((await service.verifySession(token)).ok).toBe(false);
    let token = await open();
    const verified = await service.verifySession(token);
    if (!verified.ok) throw new Error(verified.code);
    await service.logout(verified.value.sessionId);
    await dead(token);
    token = await open();
    await service.updateStaff(user.id, { role: 'operator' });
    await dead(token);
    token = await open();
    await service.updateStaff(user.id, { password: 'another long password' });
    await dead(token);
    expect((await service.login({ username: 'ends', password: TEST_PASSWORD, address: '10.4.0.2' })).ok).toBe(false);
    expect((await service.login({ username: 'ends', password: 'another long password', address: '10.4.0.2' })).ok).toBe(
      true,
    );
    await service.updateStaff(user.id, { status: 'disabled' });
    expect((await service.verifySession('zrs_' + 'x'.repeat(43))).ok).toBe(false);
    expect((await service.verifySession('garbage')).ok).toBe(false);
  });

  it('refuses weak passwords, bad names and duplicates, one code per reason', async () => {
    const base = { displayName: 'X', role: 'operator' as const };
    expect(await service.createStaff({ ...base, username: 'short.pw', password: 'short' })).toEqual({
      ok: false,
      code: 'password_too_weak',
    });
    expect(await service.createStaff({ ...base, username: 'samename', password: 'xxsamenamexxyy' })).toEqual({
      ok: false,
      code: 'password_too_weak',
    });
    expect(await service.createStaff({ ...base, username: 'Ab', password: TEST_PASSWORD })).toEqual({
      ok: false,
      code: 'staff_username_invalid',
    });
    expect(
      await service.createStaff({ ...base, displayName: ' ', username: 'okname', password: TEST_PASSWORD }),
    ).toEqual({ ok: false, code: 'staff_display_name_invalid' });
    expect(await service.createStaff({ ...base, username: 'HASH.CHECK', password: TEST_PASSWORD })).toEqual({
      ok: false,
      code: 'staff_username_taken',
    });
  });

  it('never disables or demotes the last active admin', async () => {
    const page = await service.listStaff({ limit: 500 });
    if (!page.ok) throw new Error(page.code);
    const admins = page.value.items.filter((s) => s.role === 'admin' && s.status === 'active');
    expect(admins).toHaveLength(1);
    const only = admins[0]?.id ?? '';
    expect(await service.updateStaff(only, { role: 'operator' })).toEqual({ ok: false, code: 'staff_last_admin' });
    expect(await service.updateStaff(only, { status: 'disabled' })).toEqual({ ok: false, code: 'staff_last_admin' });
    const second = await createTestStaff(service, 'admin', { username: 'second.admin' });
    expect((await service.updateStaff(only, { role: 'operator' })).ok).toBe(true);
    expect(await service.updateStaff(second.id, { status: 'disabled' })).toEqual({
      ok: false,
      code: 'staff_last_admin',
    });
    expect(await service.updateStaff('stf_nope', { role: 'admin' })).toEqual({ ok: false, code: 'staff_not_found' });
  });

  it('resets a password from the command line: generated, lock lifted, user re-enabled, sessions ended', async () => {
    const user = await createTestStaff(service, 'operator', { username: 'forgetful' });
    const before = await service.login({ username: 'forgetful', password: TEST_PASSWORD, address: '10.6.0.1' });
    if (!before.ok) throw new Error(before.code);
    for (let i = 0; i < 5; i++)
      await service.login({ username: 'forgetful', password: 'not it at all', address: `10.6.1.${i}` });
    await service.updateStaff(user.id, { status: 'disabled' });
    const reset = await service.resetPassword('Forgetful');
    if (!reset.ok) throw new Error(reset.code);
    expect(reset.value.password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(reset.value.staff).toMatchObject({ status: 'active', lockedUntil: null });
    expect((await service.verifySession(before.value.token)).ok).toBe(false);
    expect((await service.login({ username: 'forgetful', password: TEST_PASSWORD, address: '10.6.0.2' })).ok).toBe(
      false,
    );
    const after = await service.login({ username: 'forgetful', password: reset.value.password, address: '10.6.0.2' });
    expect(after.ok).toBe(true);
    expect(await service.resetPassword('nobody-here')).toEqual({ ok: false, code: 'staff_not_found' });
  });

  it('pages through staff in creation order and rejects a bad cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await service.listStaff({ limit: 3, ...(cursor ? { cursor } : {}) });
      if (!page.ok) throw new Error(page.code);
      seen.push(...page.value.items.map((s) => s.id));
      if (page.value.nextCursor === null) break;
      cursor = page.value.nextCursor;
    }
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
    expect(await service.listStaff({ cursor: 'nope' })).toEqual({ ok: false, code: 'staff_cursor_invalid' });
  });

  it('remembers preferences and lets users change their own password with the current one', async () => {
    const user = await createTestStaff(service, 'operator', { username: 'prefs' });
    const prefs = await service.setPreferences(user.id, { locale: 'zh-CN', accessible: true });
    expect(prefs.ok && [prefs.value.locale, prefs.value.accessible]).toEqual(['zh-CN', true]);
    const login = await service.login({ username: 'prefs', password: TEST_PASSWORD, address: '10.5.0.1' });
    const other = await service.login({ username: 'prefs', password: TEST_PASSWORD, address: '10.5.0.1' });
    if (!login.ok || !other.ok) throw new Error('login');
    const session = await service.verifySession(login.value.token);
    if (!session.ok) throw new Error(session.code);
    expect(await service.changePassword(user.id, session.value.sessionId, 'wrong one', 'a new long password')).toEqual({
      ok: false,
      code: 'password_wrong',
    });
    expect(
      (await service.changePassword(user.id, session.value.sessionId, TEST_PASSWORD, 'a new long password')).ok,
    ).toBe(true);
    expect((await service.verifySession(login.value.token)).ok).toBe(true);
    expect((await service.verifySession(other.value.token)).ok).toBe(false);
  });
});

describe.each(testBackends())('identity sign-in load on %s', (backend) => {
  it('refuses sign-ins beyond the in-flight limit instead of queueing them', async () => {
    const platform = await bootPlatform({
      config: loadConfig({}, tmpdir()),
      modules: new ModuleRegistry().register(createIdentityModule({ loginsInFlightMax: 2 })),
      logger: createLogger({ level: 'silent' }),
      db: await openTestDatabase(backend),
    });
    try {
      const service = platform.service<IdentityService>('identity');
      await createTestStaff(service, 'operator', { username: 'busy' });
      const attempts = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          service.login({ username: 'busy', password: TEST_PASSWORD, address: `10.7.0.${i}` }),
        ),
      );
      const codes = attempts.map((a) => (a.ok ? 'ok' : a.code)).sort();
      expect(codes).toEqual(['login_throttled', 'login_throttled', 'login_throttled', 'login_throttled', 'ok', 'ok']);
      expect((await service.login({ username: 'busy', password: TEST_PASSWORD, address: '10.7.1.1' })).ok).toBe(true);
    } finally {
      await platform.close();
    }
  });
});

describe('password hashing', () => {
  it('uses argon2id at 19 MiB, 2 passes, 1 lane by default, and verifies only the right password', async () => {
    const hash = await hashPassword(TEST_PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hashPassword(TEST_PASSWORD)).not.toBe(hash);
    expect(await verifyPassword(hash, TEST_PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, `${TEST_PASSWORD} `)).toBe(false);
    expect(await verifyPassword('not a hash', TEST_PASSWORD)).toBe(false);
  });
});

describe('roles', () => {
  const known = ['admin', 'ledger:read', 'ledger:write', 'payments:read', 'payments:write', 'risk:read', 'risk:write'];

  it('expands role patterns against the scopes the running modules declare', () => {
    expect(scopesForRole('admin', known)).toEqual(['admin']);
    expect(scopesForRole('operator', known)).toEqual([
      'ledger:read',
      'ledger:write',
      'payments:read',
      'payments:write',
    ]);
    expect(scopesForRole('risk_analyst', known)).toEqual(['ledger:read', 'payments:read', 'risk:read', 'risk:write']);
    expect(scopesForRole('loan_officer', known)).toEqual(['ledger:read', 'payments:read']);
    expect(scopesForRole('compliance_officer', known)).toEqual(['ledger:read', 'payments:read', 'risk:read']);
    expect(scopesForRole('operator', ['ledgers:read'])).toEqual([]);
  });

  it('gives only admins the admin scope and only operators and admins ledger writes', () => {
    for (const role of STAFF_ROLES) {
      const scopes = scopesForRole(role, known);
      expect(scopes.includes('admin')).toBe(role === 'admin');
      expect(scopes.includes('ledger:write')).toBe(role === 'operator');
      expect(ROLE_SCOPE_PATTERNS[role].length).toBeGreaterThan(0);
    }
  });
});
