// Proves the Risk area end to end in real Chromium against a real server: a risk analyst finds a held payment's decision, reads the contribution waterfall, replays it, works the case in the review queue (note, confirm fraud) and the verdict reaches the engine's deny lists; a loan officer sees no Risk area and is refused by the server; axe finds nothing serious in both languages.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessModule } from '@zhirong/access';
import { type IdentityService, identityModule } from '@zhirong/identity';
import { createTestStaff, TEST_PASSWORD } from '@zhirong/identity/testing';
import { ledgerModule } from '@zhirong/ledger';
import { createLogger, loadConfig, ModuleRegistry } from '@zhirong/platform';
import { type RiskService, riskModule } from '@zhirong/risk';
import { paymentEvent } from '@zhirong/risk/testing';
import { type ServerHandle, serve } from '@zhirong/server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../../../tools/build-console.ts';
import { ARTIFACTS, CHROMIUM, hasChromium, openBrowser, seriousViolations } from './harness.ts';

const describeIfChromium = hasChromium ? describe : describe.skip;

describeIfChromium(
  hasChromium ? 'console risk area end to end' : `console risk area — SKIPPED: ${CHROMIUM} is not installed`,
  () => {
    let server: ServerHandle;
    let context: BrowserContext;
    let page: Page;
    let base: string;
    let risk: RiskService;
    const dirs: string[] = [];
    const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    const expectAccessible = async (where: string) => {
      const violations = await seriousViolations(page);
      expect(violations, `${where}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
    };
    const signIn = async (username: string) => {
      await page.goto(`${base}/`);
      await page.locator('#username').fill(username);
      await page.locator('#password').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: /sign in|登录/i }).click();
      await page.getByTestId('whoami').waitFor();
    };

    beforeAll(async () => {
      await ensureConsoleBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      const dataDir = mkdtempSync(join(tmpdir(), 'zr-risk-e2e-'));
      dirs.push(dataDir);
      const config = loadConfig({ ZHIRONG_DATA_DIR: dataDir, ZHIRONG_PORT: '0' }, tmpdir());
      const modules = new ModuleRegistry()
        .register(accessModule)
        .register(identityModule)
        .register(ledgerModule)
        .register(riskModule);
      server = await serve(config, modules, createLogger({ level: 'silent' }), {
        handleSignals: false,
        stdout: { write: () => true },
      });
      base = server.address;
      const identity = server.platform.service<IdentityService>('identity');
      await createTestStaff(identity, 'risk_analyst', { username: 'rita' });
      await createTestStaff(identity, 'loan_officer', { username: 'leo' });
      risk = server.platform.service<RiskService>('risk');
      const held = await risk.createRuleset(
        {
          name: 'e2e_large_transfers',
          eventTypes: ['payment'],
          rules: [
            {
              id: 'large_transfer',
              condition: 'amount >= 50000',
              action: 'review',
              reason: { en: 'Large transfer {amount}', zh: '大额转账 {amount}' },
            },
            {
              id: 'mid_transfer',
              condition: 'amount >= 100',
              action: 'score',
              points: 150,
              reason: { en: 'Transfer of {amount} or more', zh: '转账金额不低于 {amount}' },
            },
          ],
        },
        'e2e',
      );
      await risk.promote(held.id, 'live', 'e2e');
      const start = Date.parse('2026-12-01T02:00:00Z');
      await risk.decide(paymentEvent('e2e-small', start, { customerId: 'cus_e2e', amountMinor: 12_000n }));
      await risk.decide(
        paymentEvent('e2e-large', start + 60_000, {
          customerId: 'cus_e2e',
          amountMinor: 8_800_000n,
          deviceId: 'dev_e2e_new',
          payeeId: 'acc_e2e_mule',
        }),
      );
      ({ context, page } = await openBrowser(dirs, { width: 1280, height: 900 }));
      page.setDefaultTimeout(15_000);
    }, 180_000);

    afterAll(async () => {
      await context?.close();
      await server?.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('lists decisions, filters to reviews, and explains one with a waterfall that replays the same', async () => {
      await signIn('rita');
      await page.getByRole('link', { name: 'Risk', exact: true }).click();
      const table = page.getByTestId('decisions-table');
      await table.waitFor();
      expect(await table.locator('tbody tr').count()).toBe(2);
      await expectAccessible('risk decisions (en)');
      await page.getByTestId('risk-verdict').selectOption('review');
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="decisions-table"] tbody tr').length === 1,
      );
      await expect(table.locator('tbody tr').first().textContent()).resolves.toContain('88000.00');
      await table.locator('tbody tr a').first().click();
      await page.getByTestId('decisive-reasons').waitFor();
      await expect(page.getByTestId('verdict').first().textContent()).resolves.toBe('Review');
      await expect(page.getByTestId('decisive-reasons').textContent()).resolves.toContain('Large transfer');
      await expect(page.getByTestId('matched-rules').textContent()).resolves.toContain('large_transfer');
      await page.getByTestId('replay').click();
      await expect(page.getByTestId('replay-result').textContent()).resolves.toBe(
        'Replayed: the same decision, score and reasons.',
      );
      await shot('risk-decision-en');
      await expectAccessible('risk decision (en)');
    });

    it('draws the score of an approved payment as a waterfall of its contributions', async () => {
      await page.goto(`${base}/risk?decision=approve`);
      const table = page.getByTestId('decisions-table');
      await table.waitFor();
      await table.locator('tbody tr a').first().click();
      await page.getByTestId('waterfall').waitFor();
      await expect(page.getByTestId('decision-score').textContent()).resolves.toBe('150');
      const reasons = await page.getByTestId('reasons').textContent();
      expect(reasons).toContain('+150');
      expect(reasons).toContain('Transfer of');
      await expect(page.getByTestId('decisive-reasons').count()).resolves.toBe(0);
      await shot('risk-waterfall-en');
      await expectAccessible('risk waterfall (en)');
    });

    it('works the case in the review queue: note, confirm fraud; the engine learns the device', async () => {
      await page.getByRole('link', { name: 'Risk', exact: true }).click();
      await page.getByTestId('risk-cases-tab').click();
      const cases = page.getByTestId('cases-table');
      await cases.waitFor();
      expect(await cases.locator('tbody tr').count()).toBe(1);
      await expectAccessible('review queue (en)');
      await cases.locator('tbody tr a').first().click();
      await page.getByTestId('case-status').waitFor();
      await expect(page.getByTestId('case-status').textContent()).resolves.toBe('Open');
      await page.getByTestId('assign-me').click();
      await page.locator('#note-text').fill('Customer did not recognise the payee when called.');
      await page.getByRole('button', { name: 'Save note' }).click();
      await expect(page.getByTestId('case-notes').textContent()).resolves.toContain('did not recognise the payee');
      await page.getByTestId('close-fraud').click();
      await page.getByTestId('confirm-verdict').click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="case-status"]')?.textContent === 'Confirmed fraud',
      );
      await shot('risk-case-closed-en');
      const [closed] = await risk.listCases({ status: 'closed', limit: 10 });
      expect(closed).toMatchObject({ outcome: 'fraud', eventId: 'e2e-large' });
      expect(closed?.notes.map((n) => n.action)).toEqual(expect.arrayContaining(['assigned', 'note', 'closed']));
      // The verdict put the device on the deny list: the next payment from it is declined.
      const next = await risk.decide(
        paymentEvent('e2e-after', Date.parse('2026-12-01T03:00:00Z'), {
          customerId: 'cus_other',
          deviceId: 'dev_e2e_new',
          amountMinor: 1_000n,
        }),
      );
      expect(next.decision).toBe('decline');
    });

    it('speaks Chinese on the risk pages without serious accessibility violations', async () => {
      await page.getByRole('link', { name: 'Risk', exact: true }).click();
      await page.getByTestId('decisions-table').waitFor();
      await page.getByTestId('language').selectOption('zh-CN');
      await page.getByRole('heading', { name: '风控决策' }).waitFor();
      await page.getByTestId('risk-verdict').selectOption('decline');
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="decisions-table"] tbody tr').length === 1,
      );
      await page.getByTestId('decisions-table').locator('tbody tr a').first().click();
      await page.getByTestId('decisive-reasons').waitFor();
      await expect(page.getByRole('heading', { name: '原因', exact: true }).isVisible()).resolves.toBe(true);
      await shot('risk-decision-zh');
      await expectAccessible('risk decision (zh)');
      await page.getByTestId('language').selectOption('en');
    });

    it('hides the Risk area from a loan officer, and the server refuses its API', async () => {
      await page.getByRole('button', { name: /sign out|退出登录/i }).click();
      await page.locator('#username').waitFor();
      await signIn('leo');
      await expect(page.getByRole('link', { name: 'Risk', exact: true }).count()).resolves.toBe(0);
      await page.goto(`${base}/risk`);
      const forbidden = page.getByTestId('forbidden');
      await forbidden.waitFor();
      expect(await forbidden.textContent()).toContain('role_forbidden');
    });
  },
);
