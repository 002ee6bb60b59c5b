// Proves LedgerService on each backend: accounts, every transfer rule, two-phase, expiry, reversals, chains, big batches, history, totals, verify and the outbox.
import { testBackends } from '@zhirong/db/testing';
import { AMOUNT_MAX_MINOR, type CurrencyCode } from '@zhirong/kernel';
import { ManualClock } from '@zhirong/kernel/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountFlag, AccountType, Balances } from './account.ts';
import type { AccountRequest } from './ledger.service.ts';
import { openTestLedger } from './testing.ts';
import type { TransferRequest, TransferResult } from './transfer.ts';

const CNY = 'CNY' as CurrencyCode;
const USD = 'USD' as CurrencyCode;
const START = new Date(Date.UTC(2026, 2, 1, 9, 0, 0));

const outcome = (r: TransferResult | { status: string; code?: string } | undefined) =>
  r === undefined ? 'missing' : r.status === 'failed' ? (r as { code: string }).code : r.status;

function balances(dpe: bigint, dpo: bigint, cpe: bigint, cpo: bigint): Balances {
  return { debitsPending: dpe, debitsPosted: dpo, creditsPending: cpe, creditsPosted: cpo };
}

describe.each(testBackends())('LedgerService on %s', (backend) => {
  const clock = new ManualClock(START);
  let t: Awaited<ReturnType<typeof openTestLedger>>;

  beforeAll(async () => {
    t = await openTestLedger(backend, { clock });
  });
  afterAll(async () => t?.db.close());

  const uuid = () => t.ids.uuid();

  /** Creates accounts and returns their ids, in order. */
  async function open(
    ...specs: { type?: AccountType; flags?: AccountFlag[]; currency?: CurrencyCode }[]
  ): Promise<string[]> {
    const requests: AccountRequest[] = specs.map((s) => ({
      id: uuid(),
      currency: s.currency ?? CNY,
      type: s.type ?? 'liability',
      ...(s.flags ? { flags: s.flags } : {}),
    }));
    const results = await t.ledger.createAccounts(requests);
    expect(results.map((r) => r.status)).toEqual(requests.map(() => 'created'));
    return requests.map((r) => r.id);
  }

  /** A bank (asset, no limit) and customer accounts that must not be overdrawn. */
  async function bankAndCustomers(count: number, currency = CNY): Promise<[string, ...string[]]> {
    const [bank, ...customers] = await open(
      { type: 'asset', currency },
      ...Array.from({ length: count }, () => ({ flags: ['debits_must_not_exceed_credits' as AccountFlag], currency })),
    );
    return [bank as string, ...customers];
  }

  function single(
    debit: string,
    credit: string,
    amountMinor: bigint,
    extra: Partial<TransferRequest> = {},
  ): TransferRequest {
    return {
      kind: 'single',
      id: uuid(),
      debitAccountId: debit,
      creditAccountId: credit,
      amountMinor,
      currency: CNY,
      ...extra,
    } as TransferRequest;
  }

  async function transfer(...requests: TransferRequest[]): Promise<string[]> {
    return (await t.ledger.createTransfers(requests)).map(outcome);
  }

  async function balanceOf(id: string): Promise<Balances> {
    const account = await t.ledger.getAccount(id);
    expect(account).toBeDefined();
    return account?.balances as Balances;
  }

  async function storedTransferCount(ids: readonly string[]): Promise<number> {
    const { rows } = await sql<{
      n: bigint;
    }>`select count(*) as n from ledger.transfers where id = any(${ids}::uuid[])`.execute(t.db.kysely);
    return Number(rows[0]?.n ?? 0n);
  }

  /**
   * How often each of `ids` is announced by a transfer event in the outbox. The event layout is
   * the outbox's business (one `ledger.transfer.created` row per transfer, or one
   * `ledger.transfers.created` row per batch listing `transfers` or `transferIds`); whatever it
   * is, each created transfer must be announced exactly once, in the transaction that wrote it.
   */
  async function announced(ids: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await sql<{ payload: Record<string, unknown> }>`
      select payload from platform.outbox where topic in ('ledger.transfer.created', 'ledger.transfers.created')`.execute(
      t.db.kysely,
    );
    const wanted = new Set(ids);
    const found = new Map<string, number>();
    for (const { payload } of rows) {
      const named = Array.isArray(payload.transferIds)
        ? (payload.transferIds as string[])
        : Array.isArray(payload.transfers)
          ? (payload.transfers as { id: string }[]).map((x) => x.id)
          : [String(payload.id)];
      for (const id of named) if (wanted.has(id)) found.set(id, (found.get(id) ?? 0) + 1);
    }
    return found;
  }

  // ---------------------------------------------------------------- accounts

  describe('accounts', () => {
    it('creates, replays as exists, and refuses the same id with other fields', async () => {
      const id = uuid();
      const request: AccountRequest = {
        id,
        currency: CNY,
        type: 'liability',
        code: 2001,
        ownerRef: 'cust-1',
        metadata: { tier: 'gold' },
      };
      const [created] = await t.ledger.createAccounts([request]);
      expect(created?.status).toBe('created');
      if (created?.status !== 'created') return;
      expect(created.account).toMatchObject({
        id,
        currency: CNY,
        type: 'liability',
        code: 2001,
        ownerRef: 'cust-1',
        limit: 'none',
        status: 'active',
      });
      expect(created.account.balances).toEqual(balances(0n, 0n, 0n, 0n));

      const [again] = await t.ledger.createAccounts([{ ...request, metadata: { tier: 'gold' } }]);
      expect(again?.status).toBe('exists');
      const different = await t.ledger.createAccounts([
        { ...request, code: 2002 },
        { ...request, metadata: { tier: 'silver' } },
        { ...request, flags: ['debits_must_not_exceed_credits'] },
        { ...request, currency: USD },
      ]);
      expect(different.map(outcome)).toEqual(Array(4).fill('exists_with_different_fields'));
      expect((await t.ledger.getAccount(id))?.code).toBe(2001);
    });

    it('refuses an unknown currency, an unknown type and conflicting flags, item by item', async () => {
      const good = uuid();
      const results = await t.ledger.createAccounts([
        { id: uuid(), currency: 'XYZ', type: 'asset' },
        { id: good, currency: CNY, type: 'asset' },
        { id: uuid(), currency: CNY, type: 'cash' as AccountType },
        {
          id: uuid(),
          currency: CNY,
          type: 'liability',
          flags: ['debits_must_not_exceed_credits', 'credits_must_not_exceed_debits'],
        },
      ]);
      expect(results.map(outcome)).toEqual([
        'currency_unknown',
        'created',
        'account_type_unknown',
        'account_flags_conflict',
      ]);
      expect(results[0]).toMatchObject({ params: { currency: 'XYZ' } });
      expect(await t.ledger.getAccount(good)).toBeDefined();
    });

    it('limits metadata in bytes, as the edge does', async () => {
      const chinese = { note: '账'.repeat(1500) }; // 1,511 characters of JSON, 4,511 bytes
      const ascii = { note: 'x'.repeat(4000) };
      const results = await t.ledger.createAccounts([
        { id: uuid(), currency: CNY, type: 'asset', metadata: chinese },
        { id: uuid(), currency: CNY, type: 'asset', metadata: ascii },
      ]);
      expect(results.map(outcome)).toEqual(['metadata_too_large', 'created']);
    });

    it('writes one ledger.account.created event per created account', async () => {
      const ids = await open({}, {});
      const { rows } = await sql<{ topic: string; key: string }>`
        select topic, key from platform.outbox where key = any(${ids}::text[]) order by key`.execute(t.db.kysely);
      expect(rows).toEqual([...ids].sort().map((key) => ({ topic: 'ledger.account.created', key })));
    });
  });

  // ---------------------------------------------------------------- transfer rules

  describe('transfers', () => {
    it('refuses what would overdraw, exceed debits, mix currencies, loop on one account or name an unknown account', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const [loan] = await open({ type: 'asset', flags: ['credits_must_not_exceed_debits'] });
      const [dollars] = await open({ currency: USD });
      expect(await transfer(single(bank, alice as string, 10_000n))).toEqual(['created']);

      const results = await t.ledger.createTransfers([
        single(alice as string, bank, 10_001n),
        single(bank, loan as string, 1n),
        single(bank, dollars as string, 1n),
        single(bank, dollars as string, 1n, { currency: USD }),
        single(bank, bank, 1n),
        single(bank, uuid(), 1n),
        single(alice as string, bank, 10_000n),
      ]);
      expect(results.map(outcome)).toEqual([
        'exceeds_credits',
        'exceeds_debits',
        'currency_mismatch',
        'currency_mismatch',
        'accounts_must_be_different',
        'account_not_found',
        'created',
      ]);
      expect(results[0]).toMatchObject({ params: { id: alice } });
      expect(results[1]).toMatchObject({ params: { id: loan } });
      expect(await balanceOf(alice as string)).toEqual(balances(0n, 10_000n, 0n, 10_000n));
      expect(await balanceOf(loan as string)).toEqual(balances(0n, 0n, 0n, 0n));
      // Nothing pending may exceed what is there either.
      expect(await transfer({ ...single(alice as string, bank, 1n), kind: 'pending' } as TransferRequest)).toEqual([
        'exceeds_credits',
      ]);
    });

    it('replays a transfer as exists and refuses its id with other fields', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const request = single(bank, alice as string, 500n, { metadata: { ref: 'INV-7' }, code: 3 });
      expect(await transfer(request)).toEqual(['created']);
      const [replay] = await t.ledger.createTransfers([{ ...request, metadata: { ref: 'INV-7' } }]);
      expect(replay?.status).toBe('exists');
      expect(
        await transfer({ ...request, amountMinor: 501n } as TransferRequest, { ...request, metadata: {} }),
      ).toEqual(['exists_with_different_fields', 'exists_with_different_fields']);
      expect(await balanceOf(alice as string)).toEqual(balances(0n, 0n, 0n, 500n));
    });

    it('refuses frozen and closed accounts, unfreezes, and closes only at zero', async () => {
      const [bank, alice, bob] = await bankAndCustomers(2);
      const a = alice as string;
      const b = bob as string;
      expect(await transfer(single(bank, a, 1_000n))).toEqual(['created']);
      const hold = { ...single(a, b, 100n), kind: 'pending' } as TransferRequest;
      expect(await transfer(hold)).toEqual(['created']);

      const frozen = await t.ledger.setAccountStatus(a, 'frozen');
      expect(frozen.ok && frozen.value.status).toBe('frozen');
      const refused = await t.ledger.createTransfers([
        single(a, b, 1n),
        single(bank, a, 1n),
        { ...single(a, b, 1n), kind: 'pending' } as TransferRequest,
      ]);
      expect(refused.map(outcome)).toEqual(['account_frozen', 'account_frozen', 'account_frozen']);
      expect(refused[0]).toMatchObject({ params: { id: a } });
      // A hold on a frozen account cannot be posted, but it can be released.
      expect(await transfer({ kind: 'post_pending', id: uuid(), pendingId: hold.id })).toEqual(['account_frozen']);
      expect(await transfer({ kind: 'void_pending', id: uuid(), pendingId: hold.id })).toEqual(['created']);

      const unfrozen = await t.ledger.setAccountStatus(a, 'active');
      expect(unfrozen.ok && unfrozen.value.status).toBe('active');
      expect(await transfer(single(a, b, 400n))).toEqual(['created']);

      expect(await t.ledger.setAccountStatus(a, 'closed')).toMatchObject({
        ok: false,
        code: 'account_balance_not_zero',
        params: { id: a },
      });
      expect(await transfer(single(a, bank, 600n))).toEqual(['created']);
      const closed = await t.ledger.setAccountStatus(a, 'closed');
      expect(closed.ok && closed.value.status).toBe('closed');
      expect(await transfer(single(bank, a, 1n), single(b, a, 1n))).toEqual(['account_closed', 'account_closed']);
      expect(await t.ledger.setAccountStatus(a, 'active')).toMatchObject({
        ok: false,
        code: 'account_status_transition_invalid',
      });
      expect(await t.ledger.setAccountStatus(uuid(), 'frozen')).toMatchObject({ ok: false, code: 'account_not_found' });
      expect(await balanceOf(a)).toEqual(balances(0n, 1_000n, 0n, 1_000n));
    });
  });

  // ---------------------------------------------------------------- two-phase

  describe('two-phase transfers', () => {
    it('posts part of a hold, releases the rest, and refuses a second resolution', async () => {
      const [bank, alice, merchant] = await bankAndCustomers(2);
      const a = alice as string;
      const m = merchant as string;
      expect(await transfer(single(bank, a, 1_000n))).toEqual(['created']);
      const hold = { ...single(a, m, 300n), kind: 'pending', timeoutSeconds: 3600 } as TransferRequest;
      expect(await transfer(hold)).toEqual(['created']);
      expect(await balanceOf(a)).toEqual(balances(300n, 0n, 0n, 1_000n));
      expect(await balanceOf(m)).toEqual(balances(0n, 0n, 300n, 0n));
      // The hold counts against the funds.
      expect(await transfer(single(a, m, 701n))).toEqual(['exceeds_credits']);

      expect(await transfer({ kind: 'post_pending', id: uuid(), pendingId: hold.id, amountMinor: 301n })).toEqual([
        'exceeds_pending_transfer_amount',
      ]);
      const post = { kind: 'post_pending', id: uuid(), pendingId: hold.id, amountMinor: 120n } as const;
      const [posted] = await t.ledger.createTransfers([post]);
      expect(posted?.status).toBe('created');
      if (posted?.status === 'created')
        expect(posted.transfer).toMatchObject({ kind: 'post_pending', amountMinor: 120n, pendingId: hold.id });
      expect(await balanceOf(a)).toEqual(balances(0n, 120n, 0n, 1_000n));
      expect(await balanceOf(m)).toEqual(balances(0n, 0n, 0n, 120n));
      expect(await t.ledger.getTransfer(hold.id)).toMatchObject({ pendingState: 'posted' });

      expect(await transfer({ kind: 'post_pending', id: uuid(), pendingId: hold.id })).toEqual([
        'pending_transfer_already_posted',
      ]);
      expect(await transfer({ kind: 'void_pending', id: uuid(), pendingId: hold.id })).toEqual([
        'pending_transfer_already_posted',
      ]);
      // The post itself replays as exists.
      expect(await transfer(post)).toEqual(['exists']);
      expect(await transfer({ kind: 'post_pending', id: uuid(), pendingId: uuid() })).toEqual([
        'pending_transfer_not_found',
      ]);
    });

    it('voids a hold and then refuses to post it', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const hold = { ...single(bank, alice as string, 250n), kind: 'pending' } as TransferRequest;
      expect(await transfer(hold)).toEqual(['created']);
      expect(await transfer({ kind: 'void_pending', id: uuid(), pendingId: hold.id })).toEqual(['created']);
      expect(await balanceOf(alice as string)).toEqual(balances(0n, 0n, 0n, 0n));
      expect(await balanceOf(bank)).toEqual(balances(0n, 0n, 0n, 0n));
      expect(await transfer({ kind: 'post_pending', id: uuid(), pendingId: hold.id })).toEqual([
        'pending_transfer_already_voided',
      ]);
      expect(await t.ledger.getTransfer(hold.id)).toMatchObject({ pendingState: 'voided' });
    });

    it('expires a hold once its timeout has passed, and refuses to post it after', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const a = alice as string;
      expect(await transfer(single(bank, a, 1_000n))).toEqual(['created']);
      const hold = { ...single(a, bank, 400n), kind: 'pending', timeoutSeconds: 30 } as TransferRequest;
      const forever = { ...single(a, bank, 100n), kind: 'pending' } as TransferRequest;
      expect(await transfer(hold, forever)).toEqual(['created', 'created']);
      expect(await t.ledger.getTransfer(hold.id)).toMatchObject({
        pendingState: 'pending',
        expiresAt: new Date(clock.nowMs() + 30_000),
      });

      clock.advance(29_999);
      await t.ledger.expireDue();
      expect(await t.ledger.getTransfer(hold.id)).toMatchObject({ pendingState: 'pending' });
      clock.advance(1);
      // Due but not yet swept: it can no longer be posted or voided.
      expect(await transfer({ kind: 'post_pending', id: uuid(), pendingId: hold.id })).toEqual([
        'pending_transfer_expired',
      ]);
      expect(await transfer({ kind: 'void_pending', id: uuid(), pendingId: hold.id })).toEqual([
        'pending_transfer_expired',
      ]);

      expect(await t.ledger.expireDue()).toBeGreaterThanOrEqual(1);
      expect(await t.ledger.getTransfer(hold.id)).toMatchObject({ pendingState: 'expired' });
      expect(await t.ledger.getTransfer(forever.id)).toMatchObject({ pendingState: 'pending', expiresAt: null });
      expect(await balanceOf(a)).toEqual(balances(100n, 0n, 0n, 1_000n));
      expect(await transfer({ kind: 'post_pending', id: uuid(), pendingId: hold.id })).toEqual([
        'pending_transfer_expired',
      ]);

      const { rows } = await sql<{ kind: string; amount: bigint }>`
        select kind, amount from ledger.transfers where pending_id = ${hold.id}::uuid`.execute(t.db.kysely);
      expect(rows).toEqual([{ kind: 'expire_pending', amount: 400n }]);
      clock.advance(3_600_000);
      await t.ledger.expireDue();
      expect(await t.ledger.getTransfer(forever.id)).toMatchObject({ pendingState: 'pending' });
    });
  });

  // ---------------------------------------------------------------- reversals

  describe('reversals', () => {
    it('reverses in part and in full, never more than the original', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const a = alice as string;
      const original = single(bank, a, 1_000n, { code: 7 });
      expect(await transfer(original)).toEqual(['created']);

      const part = await t.ledger.reversalRequest(original.id, {
        id: uuid(),
        amountMinor: 300n,
        metadata: { reason: 'refund' },
      });
      expect(part.ok).toBe(true);
      if (!part.ok) return;
      expect(part.value).toMatchObject({
        kind: 'single',
        debitAccountId: a,
        creditAccountId: bank,
        amountMinor: 300n,
        reversesId: original.id,
        code: 7,
      });
      expect(await transfer(part.value)).toEqual(['created']);
      expect(await balanceOf(a)).toEqual(balances(0n, 300n, 0n, 1_000n));

      const whole = await t.ledger.reversalRequest(original.id, { id: uuid() });
      expect(whole.ok && (await transfer(whole.value))).toEqual(['exceeds_reversible_amount']);
      const rest = await t.ledger.reversalRequest(original.id, { id: uuid(), amountMinor: 700n });
      expect(rest.ok && (await transfer(rest.value))).toEqual(['created']);
      const more = await t.ledger.reversalRequest(original.id, { id: uuid(), amountMinor: 1n });
      expect(more.ok && (await transfer(more.value))).toEqual(['exceeds_reversible_amount']);
      expect(await balanceOf(a)).toEqual(balances(0n, 1_000n, 0n, 1_000n));

      // A whole reversal in one go, of a posted two-phase transfer.
      const hold = { ...single(bank, a, 50n), kind: 'pending' } as TransferRequest;
      const post = { kind: 'post_pending', id: uuid(), pendingId: hold.id } as const;
      expect(await transfer(hold, post)).toEqual(['created', 'created']);
      const full = await t.ledger.reversalRequest(post.id, { id: uuid() });
      expect(full.ok && full.value.amountMinor).toBe(50n);
      expect(full.ok && (await transfer(full.value))).toEqual(['created']);
    });

    it('reverses, or refuses to resolve, a transfer made earlier in the same batch', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const a = alice as string;
      const original = single(bank, a, 80n);
      const results = await t.ledger.createTransfers([
        original,
        single(a, bank, 30n, { reversesId: original.id }),
        single(a, bank, 51n, { reversesId: original.id }),
        { kind: 'post_pending', id: uuid(), pendingId: original.id },
        { kind: 'void_pending', id: uuid(), pendingId: original.id },
      ]);
      expect(results.map(outcome)).toEqual([
        'created',
        'created',
        'exceeds_reversible_amount',
        'pending_transfer_not_pending',
        'pending_transfer_not_pending',
      ]);
      expect(await balanceOf(a)).toEqual(balances(0n, 30n, 0n, 80n));
    });

    it('refuses to reverse a hold or an unknown transfer, and the wrong way round', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const a = alice as string;
      expect(await transfer(single(bank, a, 100n))).toEqual(['created']);
      const hold = { ...single(a, bank, 10n), kind: 'pending' } as TransferRequest;
      const paid = single(bank, a, 10n);
      expect(await transfer(hold, paid)).toEqual(['created', 'created']);
      expect(await t.ledger.reversalRequest(hold.id, { id: uuid() })).toMatchObject({
        ok: false,
        code: 'reversal_target_not_posted',
      });
      expect(await t.ledger.reversalRequest(uuid(), { id: uuid() })).toMatchObject({
        ok: false,
        code: 'transfer_not_found',
      });
      expect(
        await transfer(
          single(bank, a, 10n, { reversesId: hold.id }),
          single(a, bank, 1n, { reversesId: uuid() }),
          single(bank, a, 1n, { reversesId: paid.id }),
          single(a, bank, 1n, { reversesId: paid.id }),
        ),
      ).toEqual(['reversal_target_not_posted', 'transfer_not_found', 'reversal_target_not_posted', 'created']);
    });
  });

  // ---------------------------------------------------------------- linked chains and big batches

  describe('batches', () => {
    it('writes nothing of a linked chain that fails, and all of one that succeeds', async () => {
      const [bank, alice, bob] = await bankAndCustomers(2);
      const a = alice as string;
      const b = bob as string;
      expect(await transfer(single(bank, a, 100n))).toEqual(['created']);
      const before = await Promise.all([bank, a, b].map((id) => t.ledger.getAccount(id)));

      const failing = [
        single(a, b, 60n, { linked: true }),
        { ...single(b, bank, 60n), kind: 'pending', linked: true } as TransferRequest,
        single(a, b, 41n),
      ];
      const independent = single(bank, b, 5n);
      expect(await transfer(...failing, independent)).toEqual([
        'linked_event_failed',
        'linked_event_failed',
        'exceeds_credits',
        'created',
      ]);
      expect(await storedTransferCount(failing.map((r) => r.id))).toBe(0);
      const after = await Promise.all([bank, a, b].map((id) => t.ledger.getAccount(id)));
      expect(after[1]).toEqual(before[1]);
      expect(after[0]?.entryCount).toBe((before[0]?.entryCount ?? 0n) + 1n);
      expect((await announced(failing.map((r) => r.id))).size).toBe(0);

      const succeeding = [single(a, b, 60n, { linked: true }), single(a, b, 40n)];
      expect(await transfer(...succeeding)).toEqual(['created', 'created']);
      expect(await balanceOf(a)).toEqual(balances(0n, 100n, 0n, 100n));
      // A chain left open at the end of the batch fails whole.
      expect(await transfer(single(b, a, 1n, { linked: true }))).toEqual(['linked_event_chain_open']);
      expect((await t.ledger.verify()).problems).toEqual([]);
    });

    it('takes a batch of 8,000 transfers in one transaction', async () => {
      const [bank, ...customers] = await bankAndCustomers(8);
      const requests = Array.from({ length: 8000 }, (_, i) =>
        single(bank, customers[i % 8] as string, BigInt(1 + (i % 100))),
      );
      const results = await t.ledger.createTransfers(requests);
      expect(results.length).toBe(8000);
      expect(results.every((r) => r.status === 'created')).toBe(true);
      const total = requests.reduce((s, r) => s + (r as { amountMinor: bigint }).amountMinor, 0n);
      expect(await balanceOf(bank)).toEqual(balances(0n, total, 0n, 0n));
      expect((await t.ledger.getAccount(bank))?.entryCount).toBe(8000n);
      expect((await t.ledger.getAccount(customers[0] as string))?.entryCount).toBe(1000n);
      expect(await storedTransferCount(requests.map((r) => r.id))).toBe(8000);
      const events = await announced(requests.map((r) => r.id));
      expect(events.size).toBe(8000);
      expect([...events.values()].every((n) => n === 1)).toBe(true);
    });
  });

  // ---------------------------------------------------------------- history

  describe('history', () => {
    it('lists a statement with running balances, by time range and page by page', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const a = alice as string;
      const times: Date[] = [];
      const amounts = [1_000n, -200n, 300n, -50n, 2n ** 60n, -(2n ** 60n)];
      for (const amount of amounts) {
        clock.advance(60_000);
        times.push(clock.now());
        expect(await transfer(amount > 0n ? single(bank, a, amount) : single(a, bank, -amount))).toEqual(['created']);
      }
      const all = await t.ledger.statement({ accountId: a, limit: 100 });
      expect(all.ok).toBe(true);
      if (!all.ok) return;
      expect(all.value.nextAfterSeq).toBeUndefined();
      expect(all.value.lines.map((l) => l.seq)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
      let running = 0n;
      all.value.lines.forEach((line, i) => {
        const amount = amounts[i] as bigint;
        running += amount;
        expect(line.isDebit).toBe(amount < 0n);
        expect(line.amountMinor).toBe(amount < 0n ? -amount : amount);
        expect(line.creditsPosted - line.debitsPosted).toBe(running);
        expect(line.createdAt).toEqual(times[i]);
        expect(line.transfer.amountMinor).toBe(line.amountMinor);
        expect(line.transfer.id).toBe(line.transferId);
      });

      // [from, to): the second, third and fourth lines.
      const range = await t.ledger.statement({ accountId: a, from: times[1], to: times[4], limit: 100 });
      expect(range.ok && range.value.lines.map((l) => l.seq)).toEqual([2n, 3n, 4n]);

      const pages: bigint[][] = [];
      let afterSeq: bigint | undefined;
      do {
        const page = await t.ledger.statement({
          accountId: a,
          limit: 4,
          ...(afterSeq === undefined ? {} : { afterSeq }),
        });
        expect(page.ok).toBe(true);
        if (!page.ok) break;
        pages.push(page.value.lines.map((l) => l.seq));
        afterSeq = page.value.nextAfterSeq;
      } while (afterSeq !== undefined);
      expect(pages).toEqual([
        [1n, 2n, 3n, 4n],
        [5n, 6n],
      ]);
      expect(await t.ledger.statement({ accountId: uuid(), limit: 10 })).toMatchObject({
        ok: false,
        code: 'account_not_found',
      });
    });

    it('carries the largest amounts through a statement exactly', async () => {
      const [source, sink] = await open({ type: 'equity' }, { type: 'liability' });
      const amount = AMOUNT_MAX_MINOR;
      expect(await transfer(single(source as string, sink as string, amount))).toEqual(['created']);
      const statement = await t.ledger.statement({ accountId: sink as string, limit: 10 });
      expect(
        statement.ok && statement.value.lines.map((l) => [l.amountMinor, l.transfer.amountMinor, l.creditsPosted]),
      ).toEqual([[amount, amount, amount]]);
    });

    it('gives the balances as they stood at any instant', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const a = alice as string;
      clock.advance(1_000);
      const start = clock.now();
      const steps: [TransferRequest, Balances][] = [
        [single(bank, a, 500n), balances(0n, 0n, 0n, 500n)],
        [{ ...single(a, bank, 120n), kind: 'pending' } as TransferRequest, balances(120n, 0n, 0n, 500n)],
        [single(a, bank, 80n), balances(120n, 80n, 0n, 500n)],
      ];
      const instants: Date[] = [];
      for (const [request] of steps) {
        clock.advance(10_000);
        expect(await transfer(request)).toEqual(['created']);
        instants.push(clock.now());
      }
      clock.advance(10_000);
      expect(await t.ledger.balancesAsOf(a, start)).toMatchObject({
        ok: true,
        value: { balances: balances(0n, 0n, 0n, 0n), seq: 0n },
      });
      for (const [i, [, expected]] of steps.entries()) {
        const at = instants[i] as Date;
        // At the instant of the transfer and in the middle of the gap after it.
        for (const when of [at, new Date(at.getTime() + 5_000)]) {
          const asOf = await t.ledger.balancesAsOf(a, when);
          expect(asOf).toMatchObject({ ok: true, value: { balances: expected, seq: BigInt(i + 1) } });
        }
      }
      expect(await t.ledger.balancesAsOf(a, clock.now())).toMatchObject({
        ok: true,
        value: { balances: await balanceOf(a) },
      });
      expect(await t.ledger.balancesAsOf(uuid(), clock.now())).toMatchObject({ ok: false, code: 'account_not_found' });
    });

    it('sums every currency to debits = credits, exactly', async () => {
      const JPY = 'JPY' as CurrencyCode;
      const [bank, alice] = await open({ type: 'asset', currency: JPY }, { currency: JPY });
      expect(
        await transfer(
          { ...single(bank as string, alice as string, 7_000n), currency: JPY } as TransferRequest,
          { ...single(bank as string, alice as string, 300n), currency: JPY, kind: 'pending' } as TransferRequest,
        ),
      ).toEqual(['created', 'created']);
      const totals = await t.ledger.totals();
      expect(totals.find((x) => x.currency === 'JPY')).toEqual({
        currency: 'JPY',
        accounts: 2,
        debitsPending: 300n,
        debitsPosted: 7_000n,
        creditsPending: 300n,
        creditsPosted: 7_000n,
      });
      for (const x of totals) {
        expect(x.debitsPosted).toBe(x.creditsPosted);
        expect(x.debitsPending).toBe(x.creditsPending);
      }
    });
  });

  // ---------------------------------------------------------------- events and verification

  describe('outbox and verify', () => {
    it('announces each created transfer once in the outbox, and no failure', async () => {
      const [bank, alice] = await bankAndCustomers(1);
      const ok = single(bank, alice as string, 123_456_789_012_345_678n);
      const bad = single(alice as string, bank, 1n + 123_456_789_012_345_678n);
      const hold = { ...single(bank, alice as string, 5n), kind: 'pending' } as TransferRequest;
      const post = { kind: 'post_pending', id: uuid(), pendingId: hold.id } as const;
      expect(await transfer(ok, bad, hold, post)).toEqual(['created', 'exceeds_credits', 'created', 'created']);
      const events = await announced([ok.id, bad.id, hold.id, post.id]);
      expect(Object.fromEntries(events)).toEqual({ [ok.id]: 1, [hold.id]: 1, [post.id]: 1 });
      // A replay announces nothing new.
      expect(await transfer(ok)).toEqual(['exists']);
      expect((await announced([ok.id])).get(ok.id)).toBe(1);
    });

    it('finds the ledger clean after everything above, and names a tampered account', async () => {
      const clean = await t.ledger.verify();
      expect(clean.problems).toEqual([]);
      expect(clean.ok).toBe(true);
      expect(clean.transfers).toBeGreaterThan(8000);
      expect(clean.entries).toBe(2 * clean.transfers);

      const [bank, alice] = await open({ type: 'asset' }, {});
      expect(await transfer(single(bank as string, alice as string, 10n))).toEqual(['created']);
      await sql`update ledger.accounts set credits_posted = credits_posted + 1 where id = ${alice}::uuid`.execute(
        t.db.kysely,
      );
      const tampered = await t.ledger.verify();
      expect(tampered.ok).toBe(false);
      const checks = tampered.problems.filter((p) => p.subject === alice).map((p) => p.check);
      expect(checks).toContain('balance_matches_transfers');
      expect(tampered.problems).toContainEqual(
        expect.objectContaining({ check: 'debits_equal_credits_per_currency', subject: 'CNY' }),
      );
      // Nothing else is blamed.
      expect(tampered.problems.every((p) => p.subject === alice || p.subject === 'CNY')).toBe(true);

      await sql`update ledger.accounts set credits_posted = credits_posted - 1 where id = ${alice}::uuid`.execute(
        t.db.kysely,
      );
      expect((await t.ledger.verify()).problems).toEqual([]);

      // A doctored transfer amount puts both its accounts out of step with their history.
      const doctored = single(bank as string, alice as string, 20n);
      expect(await transfer(doctored)).toEqual(['created']);
      await sql`update ledger.transfers set amount = amount + 7 where id = ${doctored.id}::uuid`.execute(t.db.kysely);
      const blamed = (await t.ledger.verify()).problems.filter((p) => p.check === 'balance_matches_transfers');
      expect(blamed.map((p) => p.subject).sort()).toEqual([bank, alice].sort());
      await sql`update ledger.transfers set amount = amount - 7 where id = ${doctored.id}::uuid`.execute(t.db.kysely);
      expect((await t.ledger.verify()).problems).toEqual([]);
    });
  });
});
