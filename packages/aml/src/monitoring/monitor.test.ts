// Proves the detection core: each typology built by hand raises its alert with the transactions it covers, windows expire exactly, repeated findings merge, hubs are left out, streaming equals batch on simulated data, and bad CSV input gets its code.
import { describe, expect, it } from 'vitest';
import { AmlError } from '../errors.ts';
import { simulatedTransactions } from './evaluate.ts';
import { type AlertChange, alertJson, detectBatch, Monitor, type MonitoredTransaction } from './monitor.ts';
import { defaultScenarios } from './scenarios.ts';
import { parseColumnMap, readTransactionsCsv } from './transactions-csv.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);
let seq = 0;
const tx = (from: string, to: string, yuan: number, hours: number, cash = false): MonitoredTransaction => ({
  id: `T${String(++seq).padStart(5, '0')}`,
  from,
  to,
  amountMinor: BigInt(Math.round(yuan * 100)),
  currency: 'CNY',
  atMs: T0 + hours * H,
  ...(cash ? { cash } : {}),
});
const detect = (txs: MonitoredTransaction[]) => detectBatch(txs, { scenarios: defaultScenarios() }).map(alertJson);

describe('scenarios', () => {
  it('fan-out: money in, then paid on to six people within hours, is one alert covering every leg', () => {
    const txs = [tx('X1', 'HUB', 200_000, 0)];
    for (let i = 0; i < 6; i++) txs.push(tx('HUB', `R${i}`, 30_000, 1 + i));
    const alerts = detect(txs);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.scenario).toBe('fan_out');
    expect(alerts[0]?.transactionIds).toEqual(txs.map((t) => t.id));
  });

  it('fan-out needs its counterparties within the window: the same payments spread over weeks raise nothing', () => {
    const txs = [tx('X1', 'HUB', 200_000, 0)];
    for (let i = 0; i < 6; i++) txs.push(tx('HUB', `R${i}`, 30_000, 1 + i * 6 * 24));
    expect(detect(txs)).toEqual([]);
  });

  it('a cycle of four accounts, each keeping a little, is found by the bounded search', () => {
    const txs = [tx('A', 'B', 80_000, 0), tx('B', 'C', 76_000, 5), tx('C', 'D', 72_000, 10), tx('D', 'A', 69_000, 20)];
    const alerts = detect(txs);
    expect(alerts.map((a) => a.scenario)).toEqual(['cycle']);
    expect(alerts[0]?.transactionIds).toEqual(txs.map((t) => t.id));
    // Growing amounts are not a ring of laundering (each member keeps a part).
    const growing = [tx('A', 'B', 10_000, 0), tx('B', 'C', 20_000, 1), tx('C', 'A', 40_000, 2)];
    expect(detect(growing).filter((a) => a.scenario === 'cycle')).toEqual([]);
  });

  it('structuring: three cash deposits just under CNY 50,000 in a week, but not two', () => {
    const two = [tx('CASH', 'S', 49_000, 0, true), tx('CASH', 'S', 48_500, 30, true)];
    expect(detect(two)).toEqual([]);
    const three = [...two, tx('CASH', 'S', 47_900, 60, true)];
    const alerts = detect(three);
    expect(alerts.map((a) => a.scenario)).toEqual(['structuring']);
    expect(alerts[0]?.transactionIds).toEqual(three.map((t) => t.id));
  });

  it('scatter-gather: one origin → three intermediaries → one sink', () => {
    const txs = [
      tx('X9', 'O', 150_000, 0),
      tx('O', 'M1', 50_000, 1),
      tx('O', 'M2', 40_000, 2),
      tx('O', 'M3', 45_000, 3),
      tx('M1', 'S', 47_000, 6),
      tx('M2', 'S', 38_000, 8),
      tx('M3', 'S', 43_000, 9),
    ];
    const alerts = detect(txs);
    expect(alerts.map((a) => a.scenario)).toEqual(['scatter_gather']);
    expect(new Set(alerts[0]?.transactionIds)).toEqual(new Set(txs.map((t) => t.id)));
  });

  it('dormant reactivation uses the profile’s last activity; a large amount alone alerts above the threshold', () => {
    const txs = [tx('X1', 'SLEEPER', 60_000, 0), tx('SLEEPER', 'X2', 58_000, 3)];
    const alerts = detectBatch(txs, {
      scenarios: defaultScenarios(),
      profiles: (a) => (a === 'SLEEPER' ? { lastActiveMs: T0 - 400 * 24 * H } : undefined),
    }).map(alertJson);
    expect(alerts.map((a) => a.scenario)).toEqual(['dormant_reactivation']);
    expect(alerts[0]?.findings[0]?.reason).toContain('400 days');
    expect(detect([tx('CASH', 'P', 50_000, 0, true)]).map((a) => a.scenario)).toEqual(['large_amount']);
    expect(detect([tx('CASH', 'P', 49_999.99, 0, true)])).toEqual([]);
  });

  it('windows expire exactly: an edge windowMs old no longer counts, one a millisecond younger does', () => {
    const window = 5 * 24 * H;
    const base = [tx('X1', 'HUB', 200_000, 0)];
    for (let i = 0; i < 4; i++) base.push(tx('HUB', `R${i}`, 30_000, 0));
    const edge = (atMs: number): MonitoredTransaction => ({ ...tx('HUB', 'R9', 30_000, 0), atMs });
    // The fifth receiver comes exactly one window after the first four: they have expired.
    expect(detect([...base, edge(T0 + window)])).toEqual([]);
    expect(detect([...base, edge(T0 + window - 1)]).map((a) => a.scenario)).toEqual(['fan_out']);
  });

  it('repeated findings on the same parties merge into one alert, and a busy account (a hub) is not a party', () => {
    const txs = [tx('X1', 'HUB', 400_000, 0)];
    for (let i = 0; i < 12; i++) txs.push(tx('HUB', `R${i}`, 30_000, 1 + i));
    const alerts = detect(txs);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.findings.length).toBeGreaterThan(1);
    const busy: MonitoredTransaction[] = [];
    for (let i = 0; i < 400; i++) busy.push(tx(`C${i}`, 'SHOP', 3_500, i * 0.1));
    const monitor = new Monitor({ scenarios: defaultScenarios(), limits: { edgesPerAccountMax: 50 } });
    for (const t of busy) monitor.process(t);
    expect(monitor.alerts()).toEqual([]);
    expect(monitor.stateSize().edges).toBeLessThanOrEqual(busy.length);
  });
});

describe('streaming and batch', () => {
  it('give the same alerts for the same simulated transactions (batch input shuffled)', async () => {
    const data = await simulatedTransactions({ customers: 1500, days: 30, seed: 4 });
    const profiles = (a: string) => data.profiles.get(a);
    const changes: AlertChange[] = [];
    const stream = new Monitor({ scenarios: defaultScenarios(), profiles, onChange: (c) => changes.push(c) });
    for (const t of data.transactions) stream.process(t);
    const shuffled = [...data.transactions].reverse();
    const batch = detectBatch(shuffled, { scenarios: defaultScenarios(), profiles });
    expect(stream.alerts().length).toBeGreaterThan(0);
    expect(batch.map(alertJson)).toEqual(stream.alerts().map(alertJson));
    // Every alert reported as it changed; the last change of each is its final state.
    expect(new Set(changes.map((c) => c.alert.id))).toEqual(
      new Set([...stream.alerts().map((a) => a.id), ...stream.alerts().flatMap((a) => a.merged)]),
    );
    // Labelled AML transactions are covered by alerts.
    const covered = new Set(batch.flatMap((a) => [...a.edges.keys()]));
    const labelled = [...data.labels.keys()];
    expect(labelled.filter((id) => covered.has(id)).length / labelled.length).toBeGreaterThan(0.5);
  }, 120_000);
});

describe('transactions CSV', () => {
  const map = parseColumnMap('id=tx,from=payer,to=payee,amount=amt,time=at');
  it('reads rows with exact amounts and ISO or Unix times, skipping rows that move no money', () => {
    const rows = readTransactionsCsv(
      'tx,payer,payee,amt,at\nt1,a,b,1500.25,2026-01-01T10:00:00Z\nt2,b,c,3,1767261600\nt3,,c,,2026-01-01\n',
      'f.csv',
      map,
    );
    expect(rows.map((r) => [r.id, r.amountMinor, r.atMs])).toEqual([
      ['t1', 150_025n, Date.UTC(2026, 0, 1, 10)],
      ['t2', 300n, 1_767_261_600_000],
    ]);
  });
  it('names the missing column, the bad line and the bad map', () => {
    const code = (work: () => unknown) => {
      try {
        work();
      } catch (error) {
        return error instanceof AmlError ? `${error.code} ${JSON.stringify(error.params)}` : String(error);
      }
      return 'no error';
    };
    expect(code(() => readTransactionsCsv('tx,payer,payee,amt\n', 'f.csv', map))).toContain(
      'transactions_column_missing',
    );
    expect(code(() => readTransactionsCsv('tx,payer,payee,amt,at\nt1,a,b,1.001,2026-01-01\n', 'f.csv', map))).toContain(
      '"line":2',
    );
    expect(code(() => readTransactionsCsv('tx,payer,payee,amt,at\nt1,a,b,1,yesterday\n', 'f.csv', map))).toContain(
      'transactions_row_invalid',
    );
    expect(code(() => parseColumnMap('id=a,from=b,to=c,amount=d'))).toContain('transactions_map_invalid');
    expect(code(() => parseColumnMap('id=a,from=b,to=c,amount=d,time=e,colour=f'))).toContain('unknown key');
  });
});
