// Proves console sign-in and sessions over HTTP: cookie attributes, generic failures and lockout, CSRF on every state-changing request, role → scope checks on the server, cross-site sign-in refused, API keys unaffected; and that the server serves the built console with the SPA fallback while API paths stay authenticated.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testBackends } from '@zhirong/db/testing';
import type { IdentityService } from '@zhirong/identity';
import { createTestStaff, TEST_PASSWORD, testIdentityModule } from '@zhirong/identity/testing';
import { ledgerModule } from '@zhirong/ledger';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { loadConsoleAssets } from './console.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

const asModule = (m: unknown) => m as ZhirongModule<Record<string, never>>;

/** A stand-in for apps/console/dist: the server's file serving does not depend on what Vite emits. */
function fakeConsole(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zr-console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta name="zhirong-demo" content="false" /><meta name="zhirong-timezone" content="Asia/Shanghai" /></head><body><div id="root"></div><script type="module" src="/assets/app-1a2b.js"></script></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), `console.log(${JSON.stringify('x'.repeat(4000))});\n`);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

interface Browser {
  cookie: string;
  csrf: string;
}

describe.each(testBackends())('console sessions and serving on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let identity: IdentityService;
  let account: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      env: { ZHIRONG_DEMO: 'true', ZHIRONG_TIMEZONE: 'Europe/Berlin' },
      modules: [asModule(testIdentityModule()), asModule(ledgerModule)],
    });
    const dist = fakeConsole();
    dirs.push(dist);
    app = await createApp(platform, { consoleDir: dist, trustProxy: true });
    identity = platform.service<IdentityService>('identity');
    await createTestStaff(identity, 'admin', { username: 'ada' });
    await createTestStaff(identity, 'operator', { username: 'olga' });
    await createTestStaff(identity, 'risk_analyst', { username: 'rick' });
    const key = await testKey(platform, ['ledger:write']);
    const created = await app.inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: bearer(key),
      payload: { currency: 'CNY', type: 'liability' },
    });
    account = created.json().id;
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const login = async (username: string, password = TEST_PASSWORD, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/identity/session', headers, payload: { username, password } });

  async function signIn(username: string): Promise<Browser> {
    const response = await login(username);
    expect(response.statusCode).toBe(200);
    const cookies = response.cookies as { name: string; value: string }[];
    const session = cookies.find((c) => c.name === 'zr_session')?.value ?? '';
    const csrf = cookies.find((c) => c.name === 'zr_csrf')?.value ?? '';
    return { cookie: `zr_session=${session}; zr_csrf=${csrf}`, csrf };
  }

  const as = (browser: Browser, withCsrf = true) => ({
    cookie: browser.cookie,
    ...(withCsrf ? { 'x-csrf-token': browser.csrf } : {}),
  });

  it('signs in with session and CSRF cookies: HttpOnly session, SameSite=Strict, Secure only over HTTPS', async () => {
    const response = await login('olga');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const setCookie = response.headers['set-cookie'] as string[];
    expect(setCookie[0]).toMatch(
      /^zr_session=zrs_[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; SameSite=Strict; HttpOnly$/,
    );
    expect(setCookie[1]).toMatch(/^zr_csrf=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; SameSite=Strict$/);
    expect(response.json().staff).toMatchObject({ username: 'olga', role: 'operator' });
    expect(JSON.stringify(response.json())).not.toMatch(/argon|hash|password/i);
    const https = await login('olga', TEST_PASSWORD, { 'x-forwarded-proto': 'https' });
    for (const cookie of https.headers['set-cookie'] as string[]) expect(cookie).toMatch(/; Secure$/);
  });

  it('answers a wrong password and an unknown user alike, in the asked language', async () => {
    const wrong = await login('olga', 'wrong password!', { 'accept-language': 'zh-CN' });
    const unknown = await login('nobody', 'wrong password!', { 'accept-language': 'zh-CN' });
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'login_failed', title: '用户名或密码错误' });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    const malformed = await app.inject({ method: 'POST', url: '/v1/identity/session', payload: { username: 'x' } });
    expect(malformed.json().code).toBe('field_required');
  });

  it('locks a user after five wrong passwords with 429 and Retry-After', async () => {
    await createTestStaff(identity, 'loan_officer', { username: 'lena' });
    for (let i = 0; i < 5; i++) expect((await login('lena', `wrong ${i} password`)).statusCode).toBe(401);
    const locked = await login('lena');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'login_locked' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
  });

  it('refuses a sign-in posted from another site', async () => {
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
    ];
    for (const headers of crossSite) {
      const response = await login('olga', TEST_PASSWORD, headers);
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('origin_forbidden');
    }
    const sameSite = {
      origin: 'http://console.bank.example',
      host: 'console.bank.example:80',
      'sec-fetch-site': 'same-origin',
    };
    expect((await login('olga', TEST_PASSWORD, sameSite)).statusCode).toBe(200);
  });

  it('tells the signed-in user who they are and what their role may do', async () => {
    const olga = await signIn('olga');
    const me = await app.inject({ url: '/v1/identity/session', headers: as(olga, false) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ staff: { username: 'olga' }, scopes: ['ledger:read', 'ledger:write'] });
    const ada = await signIn('ada');
    expect((await app.inject({ url: '/v1/identity/session', headers: as(ada, false) })).json().scopes).toEqual([
      'admin',
    ]);
    const noSession = await app.inject({ url: '/v1/identity/session' });
    expect(noSession.statusCode).toBe(401);
  });

  it('requires the CSRF token on every state-changing request made with the session cookie', async () => {
    const olga = await signIn('olga');
    const url = `/v1/ledger/accounts/${account}/freeze`;
    const missing = await app.inject({ method: 'POST', url, headers: as(olga, false), payload: {} });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('csrf_token_invalid');
    const other = await signIn('olga');
    const wrong = await app.inject({
      method: 'POST',
      url,
      headers: { ...as(olga), 'x-csrf-token': other.csrf },
      payload: {},
    });
    expect(wrong.json().code).toBe('csrf_token_invalid');
    expect((await app.inject({ url: `/v1/ledger/accounts/${account}`, headers: as(olga, false) })).json().status).toBe(
      'active',
    );
    const frozen = await app.inject({ method: 'POST', url, headers: as(olga), payload: {} });
    expect(frozen.statusCode).toBe(200);
    expect(frozen.json().status).toBe('frozen');
    await app.inject({
      method: 'POST',
      url: `/v1/ledger/accounts/${account}/unfreeze`,
      headers: as(olga),
      payload: {},
    });
    const logout = await app.inject({ method: 'DELETE', url: '/v1/identity/session', headers: as(olga, false) });
    expect(logout.json().code).toBe('csrf_token_invalid');
  });

  it('checks the role on the server: a risk analyst reads the ledger but cannot freeze or manage staff', async () => {
    const rick = await signIn('rick');
    expect((await app.inject({ url: '/v1/ledger/accounts', headers: as(rick, false) })).statusCode).toBe(200);
    const freeze = await app.inject({
      method: 'POST',
      url: `/v1/ledger/accounts/${account}/freeze`,
      headers: as(rick),
      payload: {},
    });
    expect(freeze.statusCode).toBe(403);
    expect(freeze.json()).toMatchObject({
      code: 'role_forbidden',
      title: 'Your role (risk_analyst) does not allow this operation',
      requiredScope: 'ledger:write',
      role: 'risk_analyst',
    });
    expect((await app.inject({ url: '/v1/identity/staff', headers: as(rick, false) })).statusCode).toBe(403);
    expect((await app.inject({ url: '/v1/access/keys', headers: as(rick, false) })).statusCode).toBe(403);
    const ada = await signIn('ada');
    const staff = await app.inject({ url: '/v1/identity/staff', headers: as(ada, false) });
    expect(staff.statusCode).toBe(200);
    expect(staff.json().items.map((s: { username: string }) => s.username)).toContain('rick');
  });

  it('lets an admin manage staff over HTTP, and a demoted user loses the rights at once', async () => {
    const ada = await signIn('ada');
    const created = await app.inject({
      method: 'POST',
      url: '/v1/identity/staff',
      headers: as(ada),
      payload: { username: 'Omar', displayName: '欧马', role: 'operator', password: 'a long enough password' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ username: 'omar', role: 'operator', status: 'active' });
    const duplicate = await app.inject({
      method: 'POST',
      url: '/v1/identity/staff',
      headers: as(ada),
      payload: { username: 'omar', displayName: 'x', role: 'operator', password: 'a long enough password' },
    });
    expect(duplicate.json().code).toBe('staff_username_taken');
    const omarLogin = await login('omar', 'a long enough password');
    const omarCookies = omarLogin.cookies as { name: string; value: string }[];
    const omar = {
      cookie: omarCookies.map((c) => `${c.name}=${c.value}`).join('; '),
      csrf: omarCookies.find((c) => c.name === 'zr_csrf')?.value ?? '',
    };
    expect((await app.inject({ url: '/v1/identity/session', headers: as(omar, false) })).statusCode).toBe(200);
    const demoted = await app.inject({
      method: 'PATCH',
      url: `/v1/identity/staff/${created.json().id}`,
      headers: as(ada),
      payload: { role: 'loan_officer' },
    });
    expect(demoted.json().role).toBe('loan_officer');
    const after = await app.inject({ url: '/v1/identity/session', headers: as(omar, false) });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('session_invalid');
    expect(String(after.headers['set-cookie'])).toContain('zr_session=; Path=/; Max-Age=0');
    const bad = await app.inject({
      method: 'PATCH',
      url: '/v1/identity/staff/stf_nope',
      headers: as(ada),
      payload: { role: 'superuser' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('remembers preferences and ends the session on sign-out', async () => {
    const olga = await signIn('olga');
    const prefs = await app.inject({
      method: 'PUT',
      url: '/v1/identity/session/preferences',
      headers: as(olga),
      payload: { locale: 'zh-CN', accessible: true },
    });
    expect(prefs.json()).toMatchObject({ locale: 'zh-CN', accessible: true });
    const out = await app.inject({ method: 'DELETE', url: '/v1/identity/session', headers: as(olga) });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await app.inject({ url: '/v1/ledger/accounts', headers: as(olga, false) })).json().code).toBe(
      'session_invalid',
    );
  });

  it("changes the user's own password with the current one, ending their other sessions", async () => {
    await createTestStaff(identity, 'operator', { username: 'pavel' });
    const here = await signIn('pavel');
    const elsewhere = await signIn('pavel');
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/identity/session/password',
      headers: as(here),
      payload: { currentPassword: 'not my password', newPassword: 'pavel has a new password' },
    });
    expect(wrong.json().code).toBe('password_wrong');
    const weak = await app.inject({
      method: 'POST',
      url: '/v1/identity/session/password',
      headers: as(here),
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' },
    });
    expect(weak.json().code).toBe('password_too_weak');
    const changed = await app.inject({
      method: 'POST',
      url: '/v1/identity/session/password',
      headers: as(here),
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(changed.statusCode).toBe(204);
    expect((await app.inject({ url: '/v1/identity/session', headers: as(here, false) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/identity/session', headers: as(elsewhere, false) })).statusCode).toBe(401);
    expect((await login('pavel', 'a brand new passphrase')).statusCode).toBe(200);
  });

  it('keeps API keys working, and a key wins over a cookie', async () => {
    const reader = await testKey(platform, ['ledger:read']);
    expect((await app.inject({ url: '/v1/ledger/accounts', headers: bearer(reader) })).statusCode).toBe(200);
    const ada = await signIn('ada');
    const both = await app.inject({ url: '/v1/identity/staff', headers: { ...bearer(reader), cookie: ada.cookie } });
    expect(both.statusCode).toBe(403);
    const sessionRoute = await app.inject({ url: '/v1/identity/session', headers: bearer(reader) });
    expect(sessionRoute.json().code).toBe('session_required');
  });

  it('serves the console with the SPA fallback, the installation meta tags, caching and compression', async () => {
    const index = await app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.body).toContain('<meta name="zhirong-demo" content="true"');
    expect(index.body).toContain('<meta name="zhirong-timezone" content="Europe/Berlin"');
    const page = await app.inject({ url: '/ledger/accounts/acc_x?tab=statement' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe(index.body);
    const script = await app.inject({ url: '/assets/app-1a2b.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(script.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      'content-encoding': 'br',
    });
    expect(script.rawPayload.length).toBeLessThan(1000);
    const plain = await app.inject({ url: '/assets/app-1a2b.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(4000);
    expect((await app.inject({ url: '/assets/gone-9z.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/favicon.svg' })).headers['content-type']).toBe('image/svg+xml');
    for (const url of ['/../../etc/passwd', '/assets/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd']) {
      const escaped = await app.inject({ url });
      expect(escaped.body, url).not.toMatch(/root:|"name"/);
    }
  });

  it('shows no demo banner when the installation does not run on demo data', () => {
    const dist = fakeConsole();
    dirs.push(dist);
    const html = loadConsoleAssets(dist, { demo: false, timeZone: 'UTC"><script>' })?.index.body.toString() ?? '';
    expect(html).toContain('<meta name="zhirong-demo" content="false"');
    expect(html).toContain('<meta name="zhirong-timezone" content="UTCscript"');
  });

  it('never answers API paths with the console: they stay authenticated, 401 before 404', async () => {
    for (const url of ['/v1', '/v1/nothing/here', '/docs', '/openapi.json', '/metrics', '/v1/ledger/nope']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(401);
      expect(response.headers['content-type'], url).toContain('application/problem+json');
    }
    const reader = await testKey(platform, ['ledger:read']);
    const unknown = await app.inject({ url: '/v1/nothing/here', headers: bearer(reader) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('route_not_found');
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('explains how to build the console when it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'zr-console-none-'));
    dirs.push(empty);
    const bare = await createApp(platform, { consoleDir: empty });
    try {
      const response = await bare.inject({ url: '/' });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('npm run build:console');
    } finally {
      await bare.close();
    }
  });
});
