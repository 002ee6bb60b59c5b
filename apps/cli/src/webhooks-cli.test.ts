// Proves `zhirong webhooks` end to end on an embedded database: registering an endpoint prints it with its secret as one JSON document, a private-address URL is refused with exit 1 and a clear message, and a malformed id exits 2.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-testing.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-cli-webhooks-'));

const zhirong = cliRunner(dataDir);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('zhirong webhooks', () => {
  it('registers an endpoint, refuses a private address, and rejects a malformed id before touching the database', () => {
    const created = zhirong(
      'webhooks',
      'endpoints',
      'create',
      '--url',
      'https://partner.example.com/hooks',
      '--event',
      'payments.payment.*',
      'ledger.transfers.created',
      '--json',
    );
    expect(created.code, created.stderr).toBe(0);
    const endpoint = JSON.parse(created.stdout);
    expect(endpoint).toMatchObject({
      status: 'active',
      eventTypes: ['payments.payment.*', 'ledger.transfers.created'],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);

    // A private address is refused with exit 1 and the reason; listing shows the one endpoint, never its secret.
    const refused = zhirong('webhooks', 'endpoints', 'create', '--url', 'https://169.254.169.254/x', '--event', '>');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('endpoint_url_forbidden');
    expect(refused.stderr).toContain('169.254.169.254');

    const bad = zhirong('webhooks', 'redeliver', 'whd_nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('id_malformed');
  }, 180_000); // two process starts, each booting the embedded database: slow on a busy machine
});
