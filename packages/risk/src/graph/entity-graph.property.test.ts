// Proves the incremental union-find agrees with a brute-force breadth-first search on random event streams: components, their sizes, hubs cut off, and dense mule rings, whether hubs are re-linked locally or by a full rebuild; and that a money cycle is reported exactly when a transfer closes one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RiskEvent } from '../event.ts';
import { EntityGraph } from './entity-graph.ts';

interface Draft {
  readonly customer: number;
  readonly device: number | null;
  readonly ip: number | null;
  readonly payee: { readonly account: number } | { readonly external: number } | null;
  readonly ownAccount: boolean;
}

const CUSTOMERS = 8;

const draft: fc.Arbitrary<Draft> = fc.record({
  customer: fc.nat(CUSTOMERS - 1),
  device: fc.option(fc.nat(3), { freq: 4 }),
  ip: fc.option(fc.nat(2), { freq: 4 }),
  payee: fc.option(fc.oneof(fc.record({ account: fc.nat(CUSTOMERS - 1) }), fc.record({ external: fc.nat(2) })), {
    freq: 2,
  }),
  ownAccount: fc.boolean(),
});

function toEvents(drafts: readonly Draft[]): RiskEvent[] {
  return drafts.map((d, i) => ({
    id: `ev${i}`,
    type: d.payee === null ? 'login' : 'payment',
    atMs: 1_000 * i,
    customerId: `c${d.customer}`,
    ...(d.ownAccount ? { accountId: `acc${d.customer}` } : {}),
    ...(d.device === null ? {} : { deviceId: `d${d.device}` }),
    ...(d.ip === null ? {} : { ip: `ip${d.ip}` }),
    ...(d.payee === null ? {} : { payeeId: 'account' in d.payee ? `acc${d.payee.account}` : `x${d.payee.external}` }),
    amountMinor: d.payee === null ? 0n : 100n,
  }));
}

/** The graph the rules define, built from scratch: adjacency over `c…` customers and `kind:value` entities. */
function reference(events: readonly RiskEvent[], hubCustomersMax: number) {
  const members = new Map<string, Set<string>>();
  const owner = new Map<string, string>();
  const adjacency = new Map<string, Set<string>>();
  const add = (a: string, b: string) => {
    if (!adjacency.has(a)) adjacency.set(a, new Set());
    if (!adjacency.has(b)) adjacency.set(b, new Set());
    adjacency.get(a)?.add(b);
    adjacency.get(b)?.add(a);
  };
  const customers = new Set<string>();
  for (const e of events) {
    customers.add(e.customerId);
    if (!adjacency.has(e.customerId)) adjacency.set(e.customerId, new Set());
    if (e.accountId !== undefined && !owner.has(e.accountId)) owner.set(e.accountId, e.customerId);
    for (const [kind, value] of [
      ['device', e.deviceId],
      ['ip', e.ip],
      ['payee', e.payeeId],
    ] as const) {
      if (value === undefined) continue;
      const key = `${kind}:${value}`;
      if (!members.has(key)) members.set(key, new Set());
      members.get(key)?.add(e.customerId);
    }
    if (e.type === 'payment' && e.payeeId !== undefined) {
      const to = owner.get(e.payeeId);
      if (to !== undefined && to !== e.customerId) add(e.customerId, to);
    }
  }
  const strong = new Map<string, Set<string>>();
  for (const [entity, set] of members) {
    if (set.size > hubCustomersMax) continue;
    for (const c of set) add(c, entity);
  }
  // Strong ties: pairs of customers sharing two or more non-hub entities.
  const list = [...customers];
  for (const a of list) strong.set(a, new Set());
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i] as string;
      const b = list[j] as string;
      let shared = 0;
      for (const set of members.values()) if (set.size <= hubCustomersMax && set.has(a) && set.has(b)) shared++;
      if (shared >= 2) {
        strong.get(a)?.add(b);
        strong.get(b)?.add(a);
      }
    }
  }
  const bfs = (start: string, graph: Map<string, Set<string>>) => {
    const seen = new Set([start]);
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      for (const next of graph.get(queue[head] as string) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen;
  };
  return { customers: list, component: (c: string) => bfs(c, adjacency), strong: (c: string) => bfs(c, strong) };
}

function check(drafts: readonly Draft[], hubCustomersMax: number, localRebuildNodesMax: number): void {
  const events = toEvents(drafts);
  const graph = new EntityGraph({ hubCustomersMax, localRebuildNodesMax, muleRingCustomersMin: 3 });
  for (const e of events) {
    graph.observe(e);
    // Features of the event just observed (nodes reused) equal those looked up afresh.
    expect(graph.graphFeatures(e)).toEqual(graph.graphFeatures({ ...e }));
  }
  const ref = reference(events, hubCustomersMax);
  // components() also settles any pending full rebuild, so the features below are exact.
  const summaries = graph.components({ customersMin: 1, limit: 1_000 });
  expect(summaries.reduce((n, s) => n + s.customers, 0)).toBe(ref.customers.length);
  for (const a of ref.customers) {
    const component = ref.component(a);
    const customers = [...component].filter((n) => !n.includes(':'));
    const features = graph.graphFeatures({ id: 'probe', type: 'login', atMs: 0, customerId: a, amountMinor: 0n });
    expect(features.graph_component_size).toBe(component.size);
    expect(features.graph_component_customers).toBe(customers.length);
    for (const b of ref.customers) expect(graph.connected(a, b)).toBe(component.has(b));
    const view = graph.component(a, 10_000);
    expect(new Set(view?.nodes.map((n) => n.id))).toEqual(component);
  }
  const mule = graph
    .rings()
    .filter((r) => r.kind === 'mule_ring')
    .map((r) => [...r.customers].sort().join(','))
    .sort();
  const expected = [
    ...new Set(
      ref.customers
        .map((c) => [...ref.strong(c)].sort())
        .filter((group) => group.length >= 3)
        .map((group) => group.join(',')),
    ),
  ].sort();
  expect(mule).toEqual(expected);
}

describe('entity graph against brute-force search', () => {
  it('components, sizes and mule rings match, hubs re-linked locally', () => {
    fc.assert(
      fc.property(fc.array(draft, { maxLength: 60 }), fc.integer({ min: 2, max: 5 }), (drafts, hub) => {
        check(drafts, hub, 1_000);
      }),
      { numRuns: 200 },
    );
  });

  it('components, sizes and mule rings match, hubs re-linked by a full rebuild', () => {
    fc.assert(
      fc.property(fc.array(draft, { maxLength: 60 }), fc.integer({ min: 2, max: 5 }), (drafts, hub) => {
        check(drafts, hub, 0);
      }),
      { numRuns: 200 },
    );
  });

  it('replaying every event a second time changes nothing', () => {
    fc.assert(
      fc.property(fc.array(draft, { maxLength: 40 }), (drafts) => {
        const events = toEvents(drafts);
        const once = new EntityGraph({ hubCustomersMax: 3 });
        const twice = new EntityGraph({ hubCustomersMax: 3 });
        for (const e of events) once.observe(e);
        for (const e of events) twice.observe(e);
        for (const e of events) expect(twice.observe(e)).toBe(false);
        expect(twice.components({ customersMin: 1 })).toEqual(once.components({ customersMin: 1 }));
        expect(twice.rings()).toEqual(once.rings());
        const { duplicates: _d, ...a } = twice.stats();
        const { duplicates: _e, ...b } = once.stats();
        expect(a).toEqual(b);
      }),
      { numRuns: 100 },
    );
  });

  it('reports a money cycle exactly when a transfer closes one of 3 or 4 customers', () => {
    const transfer = fc.tuple(fc.nat(5), fc.nat(5)).filter(([a, b]) => a !== b);
    fc.assert(
      fc.property(fc.array(transfer, { maxLength: 40 }), (transfers) => {
        const graph = new EntityGraph({ cycleLengthMax: 4, cycleSearchBudget: 1_000_000 });
        for (let c = 0; c < 6; c++) {
          graph.observe({
            id: `open${c}`,
            type: 'login',
            atMs: 0,
            customerId: `c${c}`,
            accountId: `a${c}`,
            amountMinor: 0n,
          });
        }
        const edges = new Set<string>();
        transfers.forEach(([a, b], i) => {
          const atMs = 1_000 * (i + 1);
          graph.observe({
            id: `t${i}`,
            type: 'payment',
            atMs,
            customerId: `c${a}`,
            accountId: `a${a}`,
            payeeId: `a${b}`,
            amountMinor: 1n,
          });
          edges.add(`${a}>${b}`);
          // Brute force: a simple path b → … → a of 2 or 3 transfers.
          const reach = (node: number, visited: number[]): boolean => {
            for (let next = 0; next < 6; next++) {
              if (!edges.has(`${node}>${next}`)) continue;
              if (next === a) {
                if (visited.length >= 2) return true;
                continue;
              }
              if (visited.includes(next) || visited.length >= 3) continue;
              if (reach(next, [...visited, next])) return true;
            }
            return false;
          };
          const expected = reach(b, [b]);
          const found = graph.rings().some((r) => r.kind === 'money_cycle' && r.lastDetectedAtMs === atMs);
          expect(found).toBe(expected);
        });
      }),
      { numRuns: 200 },
    );
  });
});
