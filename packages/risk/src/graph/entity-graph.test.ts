// Proves the entity graph's rules one by one: links through shared entities, idempotency, the hub cut-off, money cycles within depth and window, dense mule rings, confirmed-fraud neighbours, the drawable component view, the memory bound and option validation.
import { describe, expect, it } from 'vitest';
import type { RiskEvent } from '../event.ts';
import { EntityGraph, GRAPH_FEATURES } from './entity-graph.ts';
import { GraphError } from './errors.ts';

let serial = 0;
function event(customerId: string, fields: Partial<RiskEvent> = {}): RiskEvent {
  serial++;
  return { id: `e${serial}`, type: 'login', atMs: serial * 1_000, customerId, amountMinor: 0n, ...fields };
}

/** A payment from `from`'s account to `to`'s account at `atMs`. */
function pay(from: string, to: string, atMs: number): RiskEvent {
  return event(from, { type: 'payment', accountId: `acc_${from}`, payeeId: `acc_${to}`, atMs, amountMinor: 500n });
}

/** Each customer makes one event with its own account, so the graph learns who owns which account. */
function openAccounts(graph: EntityGraph, ...customers: string[]): void {
  for (const c of customers) graph.observe(event(c, { accountId: `acc_${c}`, atMs: 0 }));
}

describe('EntityGraph', () => {
  it('links customers through a shared device and reports the features', () => {
    const graph = new EntityGraph();
    const first = event('alice', { deviceId: 'dev1', ip: '10.0.0.1' });
    graph.observe(first);
    graph.observe(event('bob', { deviceId: 'dev1' }));
    graph.observe(event('carol', { ip: '10.0.0.9' }));
    expect(graph.graphFeatures(first)).toEqual({
      graph_component_size: 4, // alice, bob, dev1, ip 10.0.0.1
      graph_component_customers: 2,
      graph_neighbours_confirmed_fraud: 0,
      graph_device_shared_customers: 1,
      graph_payee_shared_payers: null,
      graph_in_ring: false,
    });
    expect(graph.connected('alice', 'bob')).toBe(true);
    expect(graph.connected('alice', 'carol')).toBe(false);
    expect(Object.keys(graph.graphFeatures(first))).toEqual(GRAPH_FEATURES.map((f) => f.name));
    for (const f of GRAPH_FEATURES) expect(f.description.zh.length).toBeGreaterThan(0);
  });

  it('counts the other payers of a payee and learns money flows from account ownership', () => {
    const graph = new EntityGraph();
    openAccounts(graph, 'a', 'b', 'c');
    graph.observe(pay('a', 'c', 10));
    const last = pay('b', 'c', 20);
    graph.observe(last);
    expect(graph.graphFeatures(last).graph_payee_shared_payers).toBe(1);
    expect(graph.stats().flows).toBe(2);
    const view = graph.component('c');
    expect(view?.edges.filter((e) => e.kind === 'pays').map((e) => `${e.source}>${e.target}`)).toEqual(
      expect.arrayContaining(['a>c', 'b>c']),
    );
  });

  it('ignores an event id it has seen, so flow counts do not double', () => {
    const graph = new EntityGraph();
    openAccounts(graph, 'a', 'b');
    const payment = pay('a', 'b', 10);
    expect(graph.observe(payment)).toBe(true);
    expect(graph.observe(payment)).toBe(false);
    expect(graph.component('a')?.edges.find((e) => e.kind === 'pays')?.count).toBe(1);
    expect(graph.stats().duplicates).toBe(1);
  });

  it('forgets the oldest ids past seenEventIdsMax', () => {
    const graph = new EntityGraph({ seenEventIdsMax: 2 });
    const [a, b, c] = [event('x'), event('x'), event('x')];
    graph.observe(a);
    graph.observe(b);
    graph.observe(c);
    expect(graph.observe(c)).toBe(false);
    expect(graph.observe(a)).toBe(true);
  });

  it('cuts off a hub: an IP shared by more than hubCustomersMax customers links nobody', () => {
    const graph = new EntityGraph({ hubCustomersMax: 3 });
    for (let i = 0; i < 3; i++) graph.observe(event(`c${i}`, { ip: '1.1.1.1' }));
    expect(graph.connected('c0', 'c2')).toBe(true);
    const fourth = event('c3', { ip: '1.1.1.1', deviceId: 'd' });
    graph.observe(fourth);
    expect(graph.connected('c0', 'c2')).toBe(false);
    expect(graph.connected('c0', 'c3')).toBe(false);
    expect(graph.graphFeatures(fourth).graph_component_customers).toBe(1);
    // The shared count saturates at the cut-off + 1 and stays there.
    expect(graph.stats().hubs).toBe(1);
    expect(graph.components({ customersMin: 2 })).toEqual([]);
  });

  it('keeps links made through other entities when a hub is cut off', () => {
    const graph = new EntityGraph({ hubCustomersMax: 2 });
    graph.observe(event('a', { ip: 'pub', deviceId: 'd1' }));
    graph.observe(event('b', { ip: 'pub', deviceId: 'd1' }));
    graph.observe(event('c', { ip: 'pub' }));
    expect(graph.connected('a', 'b')).toBe(true);
    expect(graph.connected('a', 'c')).toBe(false);
  });

  it('finds a money cycle A→B→C→A inside the window, once', () => {
    const graph = new EntityGraph({ cycleWindowMs: 3_600_000 });
    openAccounts(graph, 'A', 'B', 'C');
    graph.observe(pay('A', 'B', 1_000));
    graph.observe(pay('B', 'C', 2_000));
    const closing = pay('C', 'A', 3_000);
    graph.observe(closing);
    const cycles = graph.rings().filter((r) => r.kind === 'money_cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.customers).toEqual(['A', 'B', 'C']);
    expect(cycles[0]?.eventId).toBe(closing.id);
    expect(graph.graphFeatures(closing).graph_in_ring).toBe(true);
    graph.observe(pay('C', 'A', 4_000));
    expect(graph.rings().filter((r) => r.kind === 'money_cycle')).toHaveLength(1);
  });

  it('does not call a round trip of two, a stale path or a cycle longer than the depth a ring', () => {
    const twice = new EntityGraph();
    openAccounts(twice, 'A', 'B');
    twice.observe(pay('A', 'B', 1));
    twice.observe(pay('B', 'A', 2));
    expect(twice.rings()).toEqual([]);

    const stale = new EntityGraph({ cycleWindowMs: 1_000 });
    openAccounts(stale, 'A', 'B', 'C');
    stale.observe(pay('A', 'B', 0));
    stale.observe(pay('B', 'C', 5_000));
    stale.observe(pay('C', 'A', 5_500));
    expect(stale.rings()).toEqual([]);

    const long = new EntityGraph({ cycleLengthMax: 6 });
    const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
    openAccounts(long, ...names);
    for (let i = 0; i < names.length; i++) long.observe(pay(names[i] as string, names[(i + 1) % 7] as string, i));
    expect(long.rings()).toEqual([]);
    const six = new EntityGraph({ cycleLengthMax: 6 });
    openAccounts(six, ...names.slice(0, 6));
    for (let i = 0; i < 6; i++) six.observe(pay(names[i] as string, names[(i + 1) % 6] as string, i));
    expect(six.rings().map((r) => r.customers.length)).toEqual([6]);
  });

  it('finds a dense mule ring: four customers each sharing a device and an IP, not a household of three', () => {
    const graph = new EntityGraph();
    for (const c of ['m1', 'm2', 'm3', 'm4']) graph.observe(event(c, { deviceId: 'farm-phone', ip: '8.8.4.4' }));
    for (const c of ['h1', 'h2', 'h3']) graph.observe(event(c, { deviceId: 'tablet', ip: 'home-wifi' }));
    graph.observe(event('loner', { deviceId: 'farm-phone' }));
    const rings = graph.rings();
    expect(rings).toEqual([
      {
        id: 'ring_mule_m1',
        kind: 'mule_ring',
        customers: ['m1', 'm2', 'm3', 'm4'],
        entities: ['device:farm-phone', 'ip:8.8.4.4'],
      },
    ]);
    expect(graph.graphFeatures(event('m2')).graph_in_ring).toBe(true);
    expect(graph.graphFeatures(event('loner')).graph_in_ring).toBe(false);
    expect(graph.graphFeatures(event('h1')).graph_in_ring).toBe(false);
  });

  it('counts confirmed-fraud neighbours within two hops, and clears them again', () => {
    const graph = new EntityGraph();
    openAccounts(graph, 'victim', 'mule');
    graph.observe(event('bad', { deviceId: 'd1' }));
    graph.observe(event('victim', { deviceId: 'd1' }));
    graph.observe(event('far', { ip: 'x' }));
    graph.observe(event('bad', { ip: 'x' })); // far is 4 hops from victim
    graph.observe(pay('victim', 'mule', 5));
    graph.markFraud('bad', true);
    graph.markFraud('mule', true);
    graph.markFraud('far', true);
    const probe = event('victim');
    expect(graph.graphFeatures(probe).graph_neighbours_confirmed_fraud).toBe(2);
    graph.markFraud('mule', false);
    expect(graph.graphFeatures(probe).graph_neighbours_confirmed_fraud).toBe(1);
    // A verdict given before the customer is seen applies when it appears.
    graph.markFraud('later', true);
    graph.observe(event('later', { deviceId: 'd1' }));
    expect(graph.graphFeatures(probe).graph_neighbours_confirmed_fraud).toBe(2);
    expect(graph.component('later')?.nodes.find((n) => n.id === 'later')?.confirmedFraud).toBe(true);
  });

  it('draws a component breadth first and truncates at the node limit', () => {
    const graph = new EntityGraph();
    for (let i = 0; i < 10; i++) graph.observe(event(`c${i}`, { deviceId: `d${i}`, ip: i > 0 ? `ip${i - 1}` : 'ip0' }));
    for (let i = 0; i < 10; i++) graph.observe(event(`c${i}`, { ip: `ip${i}` }));
    const whole = graph.component('c0');
    expect(whole?.truncated).toBe(false);
    expect(whole?.nodes.filter((n) => n.kind === 'customer')).toHaveLength(10);
    const part = graph.component('c0', 5);
    expect(part?.truncated).toBe(true);
    expect(part?.nodes).toHaveLength(5);
    const ids = new Set(part?.nodes.map((n) => n.id));
    for (const edge of part?.edges ?? []) expect(ids.has(edge.source) && ids.has(edge.target)).toBe(true);
    expect(graph.component('nobody')).toBeUndefined();
    expect(graph.components()[0]).toMatchObject({ id: 'c0', customers: 10 });
  });

  it('stays within nodesMax by evicting the least recently seen nodes', () => {
    const graph = new EntityGraph({ nodesMax: 64 });
    for (let i = 0; i < 2_000; i++) graph.observe(event(`c${i}`, { deviceId: `d${i % 7 === 0 ? 'shared' : i}` }));
    const stats = graph.stats();
    expect(stats.customers + stats.entities).toBeLessThanOrEqual(64);
    expect(stats.evictedNodes).toBeGreaterThan(1_000);
    // The recent past is intact: the last customers on the shared device are still linked.
    expect(graph.connected('c1995', 'c1988')).toBe(true);
    expect(graph.connected('c0', 'c7')).toBe(false);
    // Every remaining membership and flow is still consistent after the evictions.
    const last = graph.component('c1999');
    expect(last?.nodes.map((n) => n.id).sort()).toEqual(['c1999', 'device:d1999']);
  });

  it('rejects bad options and bad events with a coded error', () => {
    expect(() => new EntityGraph({ hubCustomersMax: 1 })).toThrow(GraphError);
    expect(() => new EntityGraph({ cycleLengthMax: 7 })).toThrow(/cycleLengthMax/);
    expect(() => new EntityGraph({ linkKinds: ['device', 'planet' as never] })).toThrow(/planet/);
    const graph = new EntityGraph();
    try {
      graph.observe({ ...event('x'), id: '' });
      expect.unreachable();
    } catch (error) {
      expect((error as GraphError).code).toBe('graph_event_invalid');
      expect((error as GraphError).messageZh).toContain('实体关系图');
    }
    expect(() => graph.observe({ ...event('x'), atMs: Number.NaN })).toThrow(GraphError);
  });
});
