// Proves the console end to end in real Chromium against a real server (built console, PGlite, demo data): sign-in and a wrong password, live overview, ledger account and statement, freeze/unfreeze, language switch remembered after reload, accessible mode, phone width, a role denied by the server (403 shown), and no serious or critical axe violations on the main pages in both languages and in accessible mode. Screenshots go to artifacts/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessModule } from '@zhirong/access';
import { type IdentityService, identityModule } from '@zhirong/identity';
import { createTestStaff, TEST_PASSWORD } from '@zhirong/identity/testing';
import { ledgerModule } from '@zhirong/ledger';
import { createLogger, loadConfig, ModuleRegistry } from '@zhirong/platform';
import { type ServerHandle, serve } from '@zhirong/server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../../../tools/build-console.ts';
import { seedDemoData } from '../../../cli/src/demo.ts';

import { ARTIFACTS, CHROMIUM, hasChromium, openBrowser, seriousViolations } from './harness.ts';

const describeIfChromium = hasChromium ? describe : describe.skip;

describeIfChromium(
  hasChromium
    ? 'console end to end'
    : `console end to end — SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run installs it)`,
  () => {
    let server: ServerHandle;
    let context: BrowserContext;
    let page: Page;
    let base: string;
    let adminPassword: string;
    let customerAccount: string;
    const dirs: string[] = [];

    const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    const expectAccessible = async (where: string) => {
      const violations = await seriousViolations(page);
      expect(violations, `${where}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
    };
    const signIn = async (username: string, password: string) => {
      await page.goto(`${base}/`);
      await page.locator('#username').fill(username);
      await page.locator('#password').fill(password);
      await page.getByRole('button', { name: /sign in|登录/i }).click();
    };
    const signOut = async () => {
      await page.getByRole('button', { name: /sign out|退出登录/i }).click();
      await page.locator('#username').waitFor();
    };

    beforeAll(async () => {
      await ensureConsoleBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      const dataDir = mkdtempSync(join(tmpdir(), 'zr-console-e2e-'));
      dirs.push(dataDir);
      const config = loadConfig({ ZHIRONG_DATA_DIR: dataDir, ZHIRONG_PORT: '0', ZHIRONG_DEMO: 'true' }, tmpdir());
      const modules = new ModuleRegistry().register(accessModule).register(identityModule).register(ledgerModule);
      server = await serve(config, modules, createLogger({ level: 'silent' }), {
        handleSignals: false,
        stdout: { write: () => true },
        onReady: async (platform) => {
          const demo = await seedDemoData(platform);
          customerAccount = demo.accounts[2] ?? '';
        },
      });
      base = server.address;
      adminPassword = readFileSync(join(dataDir, 'admin-password'), 'utf8').trim();
      await createTestStaff(server.platform.service<IdentityService>('identity'), 'risk_analyst', { username: 'rita' });
      ({ context, page } = await openBrowser(dirs));
      page.setDefaultTimeout(10_000);
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      await server?.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('refuses a wrong password and says why', async () => {
      await signIn('admin', 'not the password at all');
      await expect(page.getByTestId('login-error').textContent()).resolves.toBe(
        'The user name or the password is wrong',
      );
      await shot('login-en');
      await expectAccessible('sign-in page (en)');
    });

    it('signs in and shows the live overview with the demo banner', async () => {
      await signIn('admin', adminPassword);
      await page.getByTestId('ledger-overview').waitFor();
      await expect(page.getByTestId('demo-banner').isVisible()).resolves.toBe(true);
      const card = await page.getByTestId('overview-CNY').textContent();
      expect(card).toContain('Debits equal credits');
      expect(card).toMatch(/CN¥[\d,]+\.\d\d/);
      await expect(page.getByTestId('whoami').textContent()).resolves.toContain('Administrator');
      // Live: the overview polls; a new transfer shows up without a reload.
      const before = await page.getByTestId('overview-CNY').textContent();
      const ledger = server.platform.service<{ ledger: { createTransfers(x: unknown[]): Promise<unknown> } }>('ledger');
      const { parseId } = await import('@zhirong/kernel');
      const accounts = (await (
        await fetch(`${base}/v1/ledger/accounts`, { headers: { cookie: await cookieHeader() } })
      ).json()) as {
        data: { id: string; type: string }[];
      };
      const asset = accounts.data.find((a) => a.type === 'asset')?.id ?? '';
      const uuid = (id: string) => {
        const parsed = parseId('acc', id);
        if (!parsed.ok) throw new Error(id);
        return parsed.value;
      };
      await ledger.ledger.createTransfers([
        {
          kind: 'single',
          id: server.platform.context.ids.uuid(),
          debitAccountId: uuid(asset),
          creditAccountId: uuid(customerAccount),
          amountMinor: 12_345n,
          currency: 'CNY',
          metadata: { memo: 'e2e' },
        },
      ]);
      await page.waitForFunction(
        (previous) => document.querySelector('[data-testid="overview-CNY"]')?.textContent !== previous,
        before,
        { timeout: 15_000 },
      );
      await shot('overview-en');
      await expectAccessible('overview (en)');
      await page.getByTestId('whoami').click();
      await page.getByRole('heading', { name: 'My account' }).waitFor();
      await expectAccessible('my account (en)');
    });

    async function cookieHeader(): Promise<string> {
      return (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ');
    }

    it('opens a ledger account, its balances and its statement with running balance and a time range', async () => {
      await page.getByRole('link', { name: 'Ledger' }).click();
      await page.getByTestId('accounts-table').waitFor();
      await shot('ledger-accounts-en');
      await expectAccessible('accounts (en)');
      await page.getByTestId('account-search').fill(customerAccount);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByTestId('statement-table').waitFor();
      expect(page.url()).toContain(`/ledger/accounts/${customerAccount}`);
      const balances = await page.getByTestId('balances').textContent();
      expect(balances).toMatch(/Posted.*CN¥[\d,]+\.\d\d/);
      const rows = page.getByTestId('statement-table').locator('tbody tr');
      expect(await rows.count()).toBeGreaterThan(1);
      // The running balance of the newest line is the account's posted balance.
      const account = (await (
        await fetch(`${base}/v1/ledger/accounts/${customerAccount}`, { headers: { cookie: await cookieHeader() } })
      ).json()) as {
        balances: { posted: string };
      };
      const last = await rows.last().locator('td').last().textContent();
      expect(last?.replace(/[^\d.]/g, '')).toBe(account.balances.posted);
      await shot('ledger-account-en');
      await expectAccessible('account and statement (en)');
      const tomorrow = new Date(Date.UTC(2100, 0, 1)).toISOString().slice(0, 10);
      await page.locator('#statement-from').fill(tomorrow);
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByText('No entries in this period.').waitFor();
    });

    it('freezes and unfreezes an account as an admin', async () => {
      await page.reload();
      await page.getByTestId('freeze-toggle').click();
      await page.getByTestId('confirm-freeze').click();
      await page.getByText('This account is frozen: transfers that use it are refused.').waitFor();
      await expect(page.getByTestId('account-status').textContent()).resolves.toBe('Frozen');
      await page.getByTestId('freeze-toggle').click();
      await page.getByTestId('confirm-freeze').click();
      await page.getByTestId('account-status').filter({ hasText: 'Active' }).waitFor();
    });

    it('switches to Chinese, keeps it after a reload, and stays accessible in Chinese', async () => {
      await page.goto(`${base}/`);
      await page.getByTestId('language').selectOption('zh-CN');
      await page.getByRole('link', { name: '账务' }).waitFor();
      await page.reload();
      await page.getByTestId('ledger-overview').waitFor();
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
      expect(await page.getByTestId('overview-CNY').textContent()).toMatch(/借贷平衡.*¥[\d,]+\.\d\d/);
      await shot('overview-zh');
      await expectAccessible('overview (zh-CN)');
      await page.getByRole('link', { name: '账务' }).click();
      await page.getByTestId('accounts-table').waitFor();
      await expectAccessible('accounts (zh-CN)');
      await page.goto(`${base}/ledger/accounts/${customerAccount}`);
      await page.getByTestId('statement-table').waitFor();
      await shot('ledger-account-zh');
      await expectAccessible('account and statement (zh-CN)');
      // Remembered on the server too.
      const session = (await (
        await fetch(`${base}/v1/identity/session`, { headers: { cookie: await cookieHeader() } })
      ).json()) as {
        staff: { locale: string };
      };
      expect(session.staff.locale).toBe('zh-CN');
    });

    it('turns on accessible mode (larger type, simpler navigation), keeps it after a reload, and passes axe', async () => {
      await page.goto(`${base}/`);
      await page.getByTestId('accessible-toggle').click();
      await page.reload();
      await page.getByTestId('ledger-overview').waitFor();
      await expect(page.locator('html').getAttribute('data-accessible')).resolves.toBe('on');
      const rootFontPx = await page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
      expect(rootFontPx).toBe('20px');
      await shot('overview-accessible-zh');
      await expectAccessible('overview (accessible, zh-CN)');
      await page.goto(`${base}/ledger/accounts/${customerAccount}`);
      await page.getByTestId('statement-table').waitFor();
      await expectAccessible('account (accessible, zh-CN)');
      await page.getByTestId('language').selectOption('en');
      await page.getByRole('link', { name: 'Ledger' }).waitFor();
      await shot('ledger-account-accessible-en');
      await expectAccessible('account (accessible, en)');
      await page.getByTestId('accessible-toggle').click();
      await expect(page.locator('html').getAttribute('data-accessible')).resolves.toBe('off');
    });

    it('is usable at phone width (390 px): no sideways scrolling, navigation behind a menu button', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        for (const path of ['/', '/ledger', `/ledger/accounts/${customerAccount}`]) {
          await page.goto(`${base}${path}`);
          await page.locator('main h1').first().waitFor();
          await page.waitForLoadState('networkidle');
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
        }
        await shot('ledger-account-phone-en');
        await expect(page.getByRole('link', { name: 'Ledger' }).isVisible()).resolves.toBe(false);
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('link', { name: 'Ledger' }).click();
        await page.getByTestId('accounts-table').waitFor();
        await shot('ledger-accounts-phone-en');
        await expectAccessible('accounts (phone, en)');
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    });

    it('shows the server’s 403 when a role may not do something, and hides what the role cannot use', async () => {
      await signOut();
      await signIn('rita', TEST_PASSWORD);
      await page.getByTestId('ledger-overview').waitFor();
      await expect(page.getByTestId('whoami').textContent()).resolves.toContain('Risk analyst');
      await expect(page.getByRole('link', { name: 'Staff' }).count()).resolves.toBe(0);
      await page.goto(`${base}/staff`);
      const forbidden = page.getByTestId('forbidden');
      await forbidden.waitFor();
      expect(await forbidden.textContent()).toContain('Your role (risk_analyst) does not allow this operation');
      expect(await forbidden.textContent()).toContain('role_forbidden');
      await shot('forbidden-en');
      await expectAccessible('403 page (en)');
      await page.goto(`${base}/ledger/accounts/${customerAccount}`);
      await page.getByTestId('statement-table').waitFor();
      await expect(page.getByTestId('freeze-toggle').count()).resolves.toBe(0);
      // Even a hand-made request with a valid CSRF token is refused by the server.
      const status = await page.evaluate(async (id) => {
        const csrf =
          document.cookie
            .split('; ')
            .find((c) => c.startsWith('zr_csrf='))
            ?.slice(8) ?? '';
        const response = await fetch(`/v1/ledger/accounts/${id}/freeze`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
          body: '{}',
        });
        return response.status;
      }, customerAccount);
      expect(status).toBe(403);
    });
  },
);
