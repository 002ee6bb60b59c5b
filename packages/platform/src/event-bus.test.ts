// Proves the in-process bus routes by topic pattern (exact, `.*`, `.>`), isolates a failing handler and reports it, and stops delivering after unsubscribe.
import { type DomainEvent, InProcessEventBus, topicMatches } from '@zhirong/platform';
import { describe, expect, it } from 'vitest';

function event(topic: string, id = topic): DomainEvent {
  return { id, topic, key: 'k', payload: { topic }, occurredAt: new Date(Date.UTC(2026, 0, 1)) };
}

describe('topicMatches', () => {
  it.each([
    ['ledger.transfers.committed', 'ledger.transfers.committed', true],
    ['ledger.transfers.committed', 'ledger.transfers.voided', false],
    ['ledger.transfers.committed', 'ledger.transfers', false],
    ['ledger.>', 'ledger.transfers.committed', true],
    ['ledger.>', 'ledger.accounts', true],
    ['ledger.>', 'ledger', false],
    ['ledger.>', 'ledgerx.accounts', false],
    ['ledger.>', 'risk.ledger.accounts', false],
    ['ledger.*', 'ledger.accounts', true],
    ['ledger.*', 'ledger.transfers.committed', false],
    ['ledger.*', 'ledger', false],
    ['ledger.*', 'ledgerx.accounts', false],
    ['ledger.transfers.*', 'ledger.transfers.committed', true],
    ['ledger.transfers.>', 'ledger.transfers.committed', true],
    ['>', 'anything.at.all', true],
    ['*', 'anything', true],
  ])('%s matches %s: %s', (pattern, topic, expected) => {
    expect(topicMatches(pattern, topic)).toBe(expected);
  });
});

describe('InProcessEventBus', () => {
  it('delivers each event to the handlers whose pattern matches, in publication order', async () => {
    const bus = new InProcessEventBus();
    const seen: Record<string, string[]> = { all: [], ledger: [], ledgerTop: [], exact: [], risk: [] };
    bus.subscribe('>', (e) => void seen.all?.push(e.topic));
    bus.subscribe('ledger.>', (e) => void seen.ledger?.push(e.topic));
    bus.subscribe('ledger.*', (e) => void seen.ledgerTop?.push(e.topic));
    bus.subscribe('ledger.transfers.committed', (e) => void seen.exact?.push(e.topic));
    bus.subscribe('risk.>', (e) => void seen.risk?.push(e.topic));

    await bus.publish([
      event('ledger.transfers.committed'),
      event('ledger.accounts'),
      event('credit.loans.approved'),
      event('ledger.transfers.voided'),
    ]);

    expect(seen).toEqual({
      all: ['ledger.transfers.committed', 'ledger.accounts', 'credit.loans.approved', 'ledger.transfers.voided'],
      ledger: ['ledger.transfers.committed', 'ledger.accounts', 'ledger.transfers.voided'],
      ledgerTop: ['ledger.accounts'],
      exact: ['ledger.transfers.committed'],
      risk: [],
    });
  });

  it('awaits each handler before the next, so a handler sees events one at a time', async () => {
    const bus = new InProcessEventBus();
    const trace: string[] = [];
    bus.subscribe('>', async (e) => {
      trace.push(`start ${e.id}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      trace.push(`end ${e.id}`);
    });
    await bus.publish([event('a.b', '1'), event('a.b', '2')]);
    expect(trace).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('reports a failing handler to onError and still runs the others', async () => {
    const failures: { error: unknown; id: string }[] = [];
    const bus = new InProcessEventBus((error, e) => failures.push({ error, id: e.id }));
    const delivered: string[] = [];
    const syncFailure = new Error('sync failure');
    const asyncFailure = new Error('async failure');
    bus.subscribe('>', () => {
      throw syncFailure;
    });
    bus.subscribe('>', async (e) => {
      if (e.id === '2') throw asyncFailure;
    });
    bus.subscribe('>', (e) => void delivered.push(e.id));

    await expect(bus.publish([event('a.b', '1'), event('a.b', '2')])).resolves.toEqual([]);
    expect(delivered).toEqual(['1', '2']);
    expect(failures).toEqual([
      { error: syncFailure, id: '1' },
      { error: syncFailure, id: '2' },
      { error: asyncFailure, id: '2' },
    ]);
  });

  it('swallows handler failures when no onError is given', async () => {
    const bus = new InProcessEventBus();
    bus.subscribe('>', () => {
      throw new Error('ignored');
    });
    await expect(bus.publish([event('a.b')])).resolves.toEqual([]);
  });

  it("returns a named consumer's failures, and delivers an event to that consumer alone on request", async () => {
    const bus = new InProcessEventBus();
    const failure = new Error('down');
    const byOther: string[] = [];
    let failing = true;
    const byNamed: string[] = [];
    bus.subscribe('a.>', (e) => void byOther.push(e.id), { consumer: 'other' });
    bus.subscribe(
      'a.>',
      (e) => {
        if (failing) throw failure;
        byNamed.push(e.id);
      },
      { consumer: 'named' },
    );
    const failures = await bus.publish([event('a.b', '1')]);
    expect(failures).toEqual([{ consumer: 'named', event: event('a.b', '1'), error: failure }]);
    await expect(bus.deliver('named', event('a.b', '1'))).rejects.toBe(failure);
    failing = false;
    await expect(bus.deliver('named', event('a.b', '1'))).resolves.toBe(true);
    await expect(bus.deliver('nobody', event('a.b', '1'))).resolves.toBe(false);
    expect(byNamed).toEqual(['1']);
    expect(byOther).toEqual(['1']);
  });

  it('stops delivering to a handler once unsubscribed, leaving the others', async () => {
    const bus = new InProcessEventBus();
    const first: string[] = [];
    const second: string[] = [];
    const unsubscribe = bus.subscribe('>', (e) => void first.push(e.id));
    bus.subscribe('>', (e) => void second.push(e.id));
    await bus.publish([event('a.b', '1')]);
    unsubscribe();
    unsubscribe();
    await bus.publish([event('a.b', '2')]);
    expect(first).toEqual(['1']);
    expect(second).toEqual(['1', '2']);
  });

  it('treats the same handler subscribed twice as two subscriptions', async () => {
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    const handler = (e: DomainEvent) => void seen.push(e.id);
    const off = bus.subscribe('a.>', handler);
    bus.subscribe('a.b', handler);
    await bus.publish([event('a.b', '1')]);
    off();
    await bus.publish([event('a.b', '2')]);
    expect(seen).toEqual(['1', '1', '2']);
  });

  it('publishes an empty batch as a no-op', async () => {
    const bus = new InProcessEventBus();
    let calls = 0;
    bus.subscribe('>', () => {
      calls += 1;
    });
    await bus.publish([]);
    expect(calls).toBe(0);
  });
});
