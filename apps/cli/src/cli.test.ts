// Proves the `zhirong` command end to end on an embedded database: help, accounts, transfers, refusals with exit codes, `ledger verify` failing on a tampered balance, and dead letters listed and redelivered.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@zhirong/db';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner, ZHIRONG_BIN } from './cli-testing.ts';

const BIN = ZHIRONG_BIN;
const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-cli-'));

const zhirong = cliRunner(dataDir);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('zhirong CLI', () => {
  it('prints help and rejects a bad configuration with every bad key', () => {
    const help = zhirong('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('ledger');
    const env = { ...process.env, ZHIRONG_PORT: 'eighty', ZHIRONG_TYPO: '1' };
    const bad = spawnSync(process.execPath, [BIN, 'config'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ZHIRONG_PORT');
    expect(bad.stderr).toContain('ZHIRONG_TYPO');
  });

  it('creates accounts, moves money, refuses an overdraft, and verifies; verify fails after tampering', {
    timeout: 240_000,
  }, async () => {
    const bank = JSON.parse(
      zhirong('ledger', 'accounts', 'create', '--currency', 'CNY', '--type', 'asset', '--json').stdout,
    );
    const alice = JSON.parse(
      zhirong(
        'ledger',
        'accounts',
        'create',
        '--currency',
        'CNY',
        '--type',
        'liability',
        '--flag',
        'debits_must_not_exceed_credits',
        '--json',
      ).stdout,
    );
    expect(alice.id).toMatch(/^acc_/);
    const moved = zhirong(
      'ledger',
      'transfer',
      '--from',
      bank.id,
      '--to',
      alice.id,
      '--amount',
      '12.50',
      '--currency',
      'CNY',
      '--json',
    );
    expect(moved.code, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ status: 'created', amount: '12.50' });
    const pay = (amount: string) =>
      zhirong('ledger', 'transfer', '--from', alice.id, '--to', bank.id, '--amount', amount, '--currency', 'CNY');
    const overdraft = pay('20');
    expect(overdraft.code).toBe(1);
    expect(overdraft.stderr).toContain('exceeds_credits');
    const precise = pay('1.001');
    expect(precise.code).toBe(2);
    expect(precise.stderr).toContain('amount_too_precise');
    const shown = JSON.parse(zhirong('ledger', 'accounts', 'show', alice.id, '--json').stdout);
    expect(shown.balances.posted).toBe('12.50');

    const clean = zhirong('ledger', 'verify', '--json');
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, accounts: 2, transfers: 1 });

    // Edit a balance behind the ledger's back (the CLI has exited, so the embedded database is free).
    const db = await openDatabase({ dataDir: join(dataDir, 'pgdata') });
    await sql`update ledger.accounts set credits_posted = credits_posted + 1 where type = 'liability'`.execute(
      db.kysely,
    );
    await db.close();
    const tampered = zhirong('ledger', 'verify');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('MISMATCH balance_matches_transfers');
    expect(tampered.stdout).toContain('NOT verified');
  });

  it('lists a dead letter and redelivers it to its consumer, which takes it', { timeout: 240_000 }, async () => {
    expect(JSON.parse(zhirong('outbox', 'dead-letters', '--json').stdout)).toEqual({ deadLetters: [] });
    const eventId = '01938a6c-0000-7000-8000-0000000000aa';
    const db = await openDatabase({ dataDir: join(dataDir, 'pgdata') });
    await sql`
      insert into platform.outbox (id, topic, key, payload, occurred_at, published_at)
      values (${eventId}, 'ledger.accounts.created', 'acc_dead', '{"note":"dead letter"}', now(), now())`.execute(
      db.kysely,
    );
    await sql`
      insert into platform.outbox_retries (event_id, consumer, attempts, next_attempt_at, last_error, dead_at)
      values (${eventId}, 'webhooks.record-event', 12, now(), 'Error: database hiccup', now())`.execute(db.kysely);
    await db.close();
    const listed = JSON.parse(zhirong('outbox', 'dead-letters', '--json').stdout);
    expect(listed.deadLetters).toMatchObject([
      { eventId, consumer: 'webhooks.record-event', topic: 'ledger.accounts.created', attempts: 12 },
    ]);
    expect(JSON.parse(zhirong('outbox', 'redeliver', '--consumer', 'webhooks.record-event', '--json').stdout)).toEqual({
      redelivered: 1,
    });
    const after = await openDatabase({ dataDir: join(dataDir, 'pgdata') });
    const { rows } = await sql`select * from platform.outbox_retries`.execute(after.kysely);
    await after.close();
    expect(rows).toEqual([]);
    expect(zhirong('outbox', 'dead-letters', '--limit', 'many').code).toBe(2);
  });
});
