// Proves monitoring on a real database: scenario versions go draft → shadow → live and roll back, a fan-out streamed in batches becomes one stored alert (shadow alerts apart), alerts page and filter, and bad parameters or unknown alerts get their codes — on PGlite and PostgreSQL.
import { migrateSchema } from '@zhirong/db';
import { openTestDatabase, type TestDatabase, testBackends } from '@zhirong/db/testing';
import { IdGenerator, ManualClock, SeededRng } from '@zhirong/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmlError } from '../errors.ts';
import { amlMigrations } from '../migrations.ts';
import type { MonitoredTransaction } from './monitor.ts';
import { AmlMonitoringService } from './monitoring.service.ts';
import { SCENARIO_KEYS } from './scenarios.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);
const tx = (id: string, from: string, to: string, yuan: number, hours: number): MonitoredTransaction => ({
  id,
  from,
  to,
  amountMinor: BigInt(yuan * 100),
  currency: 'CNY',
  atMs: T0 + hours * H,
});

describe.each(testBackends())('AmlMonitoringService on %s', (backend) => {
  let db: TestDatabase;
  let service: AmlMonitoringService;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await migrateSchema(db.kysely, amlMigrations);
    service = new AmlMonitoringService({ db: db.kysely, clock, ids: new IdGenerator(clock, new SeededRng(3)) });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('runs versions draft → shadow → live, retires the one replaced, and rolls back', async () => {
    const first = await service.scenarios();
    expect(first.map((v) => `${v.key}@${v.version}:${v.status}`).sort()).toEqual(
      SCENARIO_KEYS.map((k) => `${k}@1:live`).sort(),
    );
    const draft = await service.createVersion('fan_out', { counterpartiesMin: 8 });
    expect(draft).toMatchObject({ version: 2, status: 'draft' });
    expect(draft.params.counterpartiesMin).toBe(8);
    await expect(service.createVersion('fan_out', { counterpartiesMin: -1 })).rejects.toMatchObject({
      code: 'scenario_params_invalid',
    });
    await expect(service.createVersion('fan_out', { colour: 1 })).rejects.toBeInstanceOf(AmlError);
    expect((await service.setStatus('fan_out', 2, 'shadow')).status).toBe('shadow');
    clock.advance(1000);
    expect((await service.setStatus('fan_out', 2, 'live')).status).toBe('live');
    const after = (await service.scenarios()).filter((v) => v.key === 'fan_out');
    expect(after.map((v) => `${v.version}:${v.status}`)).toEqual(['1:retired', '2:live']);
    await expect(service.setStatus('fan_out', 1, 'live')).rejects.toMatchObject({
      code: 'scenario_transition_invalid',
    });
    const back = await service.rollback('fan_out');
    expect(back).toMatchObject({ version: 1, status: 'live' });
    await expect(service.rollback('fan_out')).rejects.toMatchObject({ code: 'scenario_rollback_unavailable' });
  });

  it('stores one alert for a fan-out streamed in batches, keeps the shadow version’s alerts apart, and pages', async () => {
    // A stricter shadow fan-out (8 receivers) runs beside the live one (5).
    const shadow = await service.createVersion('fan_out', { counterpartiesMin: 8 });
    await service.setStatus('fan_out', shadow.version, 'shadow');
    const txs = [tx('t0', 'X1', 'HUB', 300_000, 0)];
    for (let i = 1; i <= 7; i++) txs.push(tx(`t${i}`, 'HUB', `R${i}`, 30_000, i));
    await service.ingest(txs.slice(0, 3));
    expect((await service.alerts({ mode: 'live' })).data).toEqual([]);
    const touched = await service.ingest(txs.slice(3));
    expect(touched.length).toBeGreaterThan(0);
    const live = await service.alerts({ mode: 'live' });
    expect(live.data).toHaveLength(1);
    const alert = live.data[0];
    expect(alert?.alert.scenario).toBe('fan_out');
    expect(alert?.alert.transactionIds).toEqual(txs.map((t) => t.id));
    expect(alert?.alert.findings.every((f) => f.version === 1)).toBe(true);
    expect((await service.alerts({ mode: 'shadow' })).data).toEqual([]);
    const detail = await service.alert(alert?.id ?? '');
    expect(detail.alert.edges[1]).toMatchObject({ from: 'HUB', to: 'R1', amountMinor: '3000000' });
    await expect(service.alert('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: 'alert_not_found',
    });

    // Another fan-out elsewhere: two alerts, one page of one each, filters by party and scenario.
    const more = [tx('u0', 'X2', 'HUB2', 300_000, 30)];
    for (let i = 1; i <= 8; i++) more.push(tx(`u${i}`, 'HUB2', `Q${i}`, 30_000, 30 + i));
    await service.ingest(more);
    const page1 = await service.alerts({ mode: 'live', limit: 1 });
    expect(page1.data).toHaveLength(1);
    const page2 = await service.alerts({ mode: 'live', limit: 1, after: page1.next ?? '' });
    expect(page2.data).toHaveLength(1);
    expect(page2.next).toBeNull();
    expect((await service.alerts({ mode: 'live', party: 'Q3' })).data.map((a) => a.alert.focus)).toEqual(['HUB2']);
    expect((await service.alerts({ mode: 'live', scenario: 'cycle' })).data).toEqual([]);
    // The shadow version (8 receivers) alerts only on the second hub.
    expect((await service.alerts({ mode: 'shadow' })).data.map((a) => a.alert.focus)).toEqual(['HUB2']);
  });
});
