import { openTestLedger } from '/work/main/packages/ledger/src/testing.ts';
import { TransferCoalescer } from '/work/main/packages/ledger/src/transfer.coalescer.ts';
import { SeededRng } from '@zhirong/kernel';
process.env.ZHIRONG_TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const t = await openTestLedger('postgres', { poolSize: 8 });
const N = 10000;
const accs = Array.from({ length: N }, () => t.ids.uuid());
const src = t.ids.uuid();
const CNY = 'CNY' as any;
await t.ledger.createAccounts([{ id: src, currency: CNY, type: 'asset' }]);
for (let i = 0; i < N; i += 8000) await t.ledger.createAccounts(accs.slice(i, i + 8000).map((id) => ({ id, currency: CNY, type: 'liability', flags: ['debits_must_not_exceed_credits'] })));
for (let i = 0; i < N; i += 8000) await t.ledger.createTransfers(accs.slice(i, i + 8000).map((id) => ({ kind: 'single', id: t.ids.uuid(), debitAccountId: src, creditAccountId: id, amountMinor: 100000000n, currency: CNY })));
const rng = new SeededRng(1);
const co = new TransferCoalescer((r) => t.ledger.createTransfers(r), { inFlightMax: Number(process.env.INFLIGHT ?? 2) });
const lat: number[] = [];
const stop = performance.now() + 8000;
const start = performance.now();
await Promise.all(Array.from({ length: 32 }, async () => {
  while (performance.now() < stop) {
    const a = rng.int(N); let b = rng.int(N - 1); if (b >= a) b++;
    const s = performance.now();
    await co.submit({ kind: 'single', id: t.ids.uuid(), debitAccountId: accs[a]!, creditAccountId: accs[b]!, amountMinor: 100n, currency: CNY });
    lat.push(performance.now() - s);
  }
}));
lat.sort((x, y) => x - y);
console.log(JSON.stringify({ perSec: Math.round(lat.length / ((performance.now() - start) / 1000)), p50: lat[Math.floor(lat.length / 2)], p99: lat[Math.floor(lat.length * 0.99)] }));
await t.db.close();
