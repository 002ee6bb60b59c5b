import type { FeatureDefinition, FeatureValue, RiskEvent } from '../event.ts';
import { GraphError } from './errors.ts';

/**
 * The entity graph: customers linked through the entities they share (devices, IPs, phones,
 * payees) and through money flows from one customer to another customer's account.
 *
 * Connectivity is kept incrementally in a union-find (path halving, union by size) over customers
 * and linking entities, so a component's size is one `find` away. A second union-find over
 * customers only keeps the "strong ties" behind dense mule rings. See README.md for the rules:
 * hubs, eviction, ring definitions.
 */

/** Entity kinds the graph can link customers through. */
export const LINK_KINDS = ['device', 'ip', 'phone', 'payee', 'card', 'merchant', 'account'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

const FIELD: Readonly<Record<LinkKind, (event: RiskEvent) => string | undefined>> = {
  device: (e) => e.deviceId,
  ip: (e) => e.ip,
  phone: (e) => e.phone,
  payee: (e) => e.payeeId,
  card: (e) => e.cardId,
  merchant: (e) => e.merchantId,
  account: (e) => e.accountId,
};

export interface EntityGraphOptions {
  /** Entity kinds that link customers. Default device, ip, phone, payee. */
  readonly linkKinds?: readonly LinkKind[];
  /**
   * Hub cut-off: an entity seen with more than this many distinct customers (a public IP, a big
   * merchant's account) becomes a hub and links nobody. Default 50.
   */
  readonly hubCustomersMax?: number;
  /** Memory bound: at most this many nodes (customers + entities); the least recently seen quarter is evicted past it. Default 2,000,000. */
  readonly nodesMax?: number;
  /** A customer keeps at most this many distinct money-flow counterparties each way (the first ones seen). Default 64. */
  readonly flowCounterpartiesMax?: number;
  /** Money cycles: every transfer of the cycle lies within this window before the closing one. Default 7 days. */
  readonly cycleWindowMs?: number;
  /** Money cycles: at most this many customers (and transfers) in a cycle, 3…6. Default 6. */
  readonly cycleLengthMax?: number;
  /** Money cycles: flows examined per search, so a dense flow graph cannot stall an event. Default 1,024. */
  readonly cycleSearchBudget?: number;
  /** Dense mule ring: at least this many customers joined by strong ties. Default 4 (a household of three sharing a tablet and the home Wi-Fi is not a ring). */
  readonly muleRingCustomersMin?: number;
  /** A strong tie: two customers sharing at least this many distinct non-hub entities. Default 2. */
  readonly strongTieEntitiesMin?: number;
  /** Event ids remembered for idempotency (the most recent ones). Default 1,000,000. */
  readonly seenEventIdsMax?: number;
  /** Money-cycle rings kept (the oldest detected are dropped past it). Default 10,000. */
  readonly ringsMax?: number;
  /** A hub's component is re-linked locally when it has at most this many nodes, else by a full rebuild. Default 5,000. */
  readonly localRebuildNodesMax?: number;
  /** Memberships visited when counting confirmed-fraud neighbours. Default 4,096. */
  readonly neighbourScanMax?: number;
}

interface Settings {
  readonly linkKinds: readonly LinkKind[];
  readonly hubCustomersMax: number;
  readonly nodesMax: number;
  readonly flowCounterpartiesMax: number;
  readonly cycleWindowMs: number;
  readonly cycleLengthMax: number;
  readonly cycleSearchBudget: number;
  readonly muleRingCustomersMin: number;
  readonly strongTieEntitiesMin: number;
  readonly seenEventIdsMax: number;
  readonly ringsMax: number;
  readonly localRebuildNodesMax: number;
  readonly neighbourScanMax: number;
}

function settings(options: EntityGraphOptions): Settings {
  const int = (name: keyof EntityGraphOptions, fallback: number, min: number, max: number): number => {
    const value = options[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new GraphError('graph_option_invalid', { option: name, reason: `an integer from ${min} to ${max}` });
    }
    return value;
  };
  const linkKinds = options.linkKinds ?? ['device', 'ip', 'phone', 'payee'];
  for (const kind of linkKinds) {
    if (!LINK_KINDS.includes(kind)) {
      throw new GraphError('graph_option_invalid', { option: 'linkKinds', reason: `unknown kind ${String(kind)}` });
    }
  }
  return {
    linkKinds: [...new Set(linkKinds)],
    hubCustomersMax: int('hubCustomersMax', 50, 2, 100_000),
    nodesMax: int('nodesMax', 2_000_000, 16, 100_000_000),
    flowCounterpartiesMax: int('flowCounterpartiesMax', 64, 1, 100_000),
    cycleWindowMs: int('cycleWindowMs', 7 * 86_400_000, 1, 366 * 86_400_000),
    cycleLengthMax: int('cycleLengthMax', 6, 3, 6),
    cycleSearchBudget: int('cycleSearchBudget', 1_024, 1, 1_000_000),
    muleRingCustomersMin: int('muleRingCustomersMin', 4, 2, 1_000),
    strongTieEntitiesMin: int('strongTieEntitiesMin', 2, 1, 16),
    seenEventIdsMax: int('seenEventIdsMax', 1_000_000, 1, 100_000_000),
    ringsMax: int('ringsMax', 10_000, 1, 10_000_000),
    localRebuildNodesMax: int('localRebuildNodesMax', 5_000, 0, 100_000_000),
    neighbourScanMax: int('neighbourScanMax', 4_096, 1, 10_000_000),
  };
}

/**
 * A full rebuild (after a hub is cut out of a large component) waits until at least this many events,
 * and half as many events as live nodes, have passed since the last one: its cost, linear in the
 * graph, is then spread over as many events. Queries that must be exact rebuild at once.
 */
const REBUILD_EVENTS_MIN = 4_096;
/** Money cycles recorded for one transfer at most (a cycle already known is only marked seen again). */
const CYCLES_PER_TRANSFER_MAX = 16;
/** The shared empty list of a node without flows or accounts; replaced, never pushed to. */
const NONE: never[] = [];

/** Node kinds: 0 a free slot, 1 a customer, 2 + index in LINK_KINDS an entity. */
const FREE = 0;
const CUSTOMER = 1;
const DEVICE = 2 + LINK_KINDS.indexOf('device');
const PAYEE = 2 + LINK_KINDS.indexOf('payee');

interface Flow {
  readonly to: number;
  count: number;
  firstAtMs: number;
  lastAtMs: number;
}

export type RingKind = 'money_cycle' | 'mule_ring';

export interface Ring {
  readonly id: string;
  readonly kind: RingKind;
  /** Customer ids; for a money cycle in the order the money went round, starting at the smallest id. */
  readonly customers: readonly string[];
  /** Entities shared inside a mule ring (`device:…`); empty for a cycle. */
  readonly entities: readonly string[];
  /** Money cycle: when the cycle was first and last closed (event time). */
  readonly firstDetectedAtMs?: number;
  readonly lastDetectedAtMs?: number;
  /** Money cycle: the event that first closed it. */
  readonly eventId?: string;
}

interface CycleRecord {
  readonly id: string;
  readonly customers: readonly string[];
  readonly firstDetectedAtMs: number;
  lastDetectedAtMs: number;
  readonly eventId: string;
}

export interface GraphNode {
  /** The customer id, or `kind:value` for an entity. */
  readonly id: string;
  readonly kind: 'customer' | LinkKind;
  readonly value: string;
  readonly confirmedFraud?: boolean;
  /** A hub entity: it links nobody (shown only when asked about directly). */
  readonly hub?: boolean;
}

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  /** `uses`: customer → entity; `pays`: customer → customer money flow. */
  readonly kind: 'uses' | 'pays';
  readonly count?: number;
  readonly lastAtMs?: number;
}

export interface ComponentView {
  readonly customerId: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** True when the component had more nodes than the limit. */
  readonly truncated: boolean;
}

export interface ComponentSummary {
  /** The smallest customer id in the component: a stable name for it. */
  readonly id: string;
  readonly size: number;
  readonly customers: number;
  readonly confirmedFraud: number;
}

export interface GraphStats {
  readonly events: number;
  readonly duplicates: number;
  readonly customers: number;
  readonly entities: number;
  readonly hubs: number;
  readonly memberships: number;
  readonly flows: number;
  readonly moneyCycles: number;
  readonly localRebuilds: number;
  readonly fullRebuilds: number;
  readonly evictedNodes: number;
}

/** The graph features, in the order `graphFeatures` returns them. */
export const GRAPH_FEATURES: readonly FeatureDefinition[] = [
  {
    name: 'graph_component_size',
    type: 'number',
    description: {
      en: 'Nodes (customers and linking entities) in the connected component of the customer.',
      zh: '客户所在连通分量中的节点数（客户与关联实体）。',
    },
  },
  {
    name: 'graph_component_customers',
    type: 'number',
    description: {
      en: 'Customers in the connected component of the customer, the customer included.',
      zh: '客户所在连通分量中的客户数（含本人）。',
    },
  },
  {
    name: 'graph_neighbours_confirmed_fraud',
    type: 'number',
    description: {
      en: 'Confirmed-fraud customers within two hops: sharing a non-hub entity with the customer, or a direct money flow.',
      zh: '两跳以内（共用非枢纽实体或直接资金往来）已确认欺诈的客户数。',
    },
  },
  {
    name: 'graph_device_shared_customers',
    type: 'number',
    description: {
      en: "Other customers seen on the event's device (saturates above the hub cut-off); null without a device.",
      zh: '使用本事件设备的其他客户数（超过枢纽阈值后不再增加）；无设备时为空。',
    },
  },
  {
    name: 'graph_payee_shared_payers',
    type: 'number',
    description: {
      en: "Other customers who have paid the event's payee (saturates above the hub cut-off); null without a payee.",
      zh: '向本事件收款方付过款的其他客户数（超过枢纽阈值后不再增加）；无收款方时为空。',
    },
  },
  {
    name: 'graph_in_ring',
    type: 'boolean',
    description: {
      en: 'The customer is in a detected money cycle or a dense mule ring.',
      zh: '客户属于已发现的资金闭环或密集骡子账户团伙。',
    },
  },
];

/**
 * An in-memory entity graph fed event by event.
 *
 * @example
 * const graph = new EntityGraph({ hubCustomersMax: 50 });
 * graph.observe(event);
 * const features = graph.graphFeatures(event); // merge into the feature vector
 */
export class EntityGraph {
  readonly #s: Settings;
  readonly #fields: readonly ((event: RiskEvent) => string | undefined)[];
  readonly #kindOf: readonly number[];

  // Node table (dense ids, free slots reused).
  readonly #kind: number[] = [];
  readonly #value: string[] = [];
  readonly #parent: number[] = [];
  /** Component size (nodes) and customers, valid at roots. */
  readonly #size: number[] = [];
  readonly #customerCount: number[] = [];
  /** Strong-tie union-find over customers. */
  readonly #strongParent: number[] = [];
  readonly #strongSize: number[] = [];
  readonly #lastSeen: number[] = [];
  /** Customer: its non-hub entities. Entity: its customers (empty for a hub). */
  readonly #adjacent: number[][] = [];
  readonly #hub: boolean[] = [];
  /** Entity: distinct customers seen, saturating at hubCustomersMax + 1. */
  readonly #linked: number[] = [];
  readonly #fraud: boolean[] = [];
  /** Entity: how many of its customers are confirmed fraud (a fast zero for the neighbour count). */
  readonly #fraudMembers: number[] = [];
  readonly #out: Flow[][] = [];
  readonly #in: number[][] = [];
  readonly #accounts: string[][] = [];
  readonly #mark: number[] = [];
  readonly #tally: number[] = [];
  #stamp = 0;
  readonly #free: number[] = [];
  #live = 0;

  readonly #customers = new Map<string, number>();
  /** One map per link kind: value → node. */
  readonly #entities: Map<string, number>[];
  /** Account id → owning customer node, learnt from `accountId` of the owner's events. */
  readonly #accountOwner = new Map<string, number>();
  readonly #confirmed = new Set<string>();

  readonly #seen = new Set<string>();
  readonly #seenOrder: string[] = [];
  #seenHead = 0;

  readonly #cycles = new Map<string, CycleRecord>();
  readonly #ringCount = new Map<string, number>();
  #cycleSerial = 0;

  #sequence = 0;
  #last: { readonly event: RiskEvent; customer: number; device: number; payee: number } | undefined;
  #dirty = false;
  /** Customers of hubs cut off while a full rebuild is pending. */
  #hubbedMembers: number[] = [];
  #rebuiltAt = 0;
  #duplicates = 0;
  #hubs = 0;
  #memberships = 0;
  #flows = 0;
  #localRebuilds = 0;
  #fullRebuilds = 0;
  #evicted = 0;

  constructor(options: EntityGraphOptions = {}) {
    this.#s = settings(options);
    this.#fields = this.#s.linkKinds.map((kind) => FIELD[kind]);
    this.#kindOf = this.#s.linkKinds.map((kind) => 2 + LINK_KINDS.indexOf(kind));
    this.#entities = LINK_KINDS.map(() => new Map<string, number>());
  }

  /**
   * Adds the links an event makes. Returns false for an event id already seen (within the last
   * `seenEventIdsMax` ids), which changes nothing.
   */
  observe(event: RiskEvent): boolean {
    if (typeof event.id !== 'string' || event.id === '') {
      throw new GraphError('graph_event_invalid', { reason: 'the id is empty' });
    }
    if (typeof event.customerId !== 'string' || event.customerId === '') {
      throw new GraphError('graph_event_invalid', { reason: 'the customerId is empty' });
    }
    if (!Number.isFinite(event.atMs)) {
      throw new GraphError('graph_event_invalid', { reason: 'atMs is not a finite number' });
    }
    if (this.#seen.has(event.id)) {
      this.#duplicates++;
      return false;
    }
    this.#remember(event.id);
    const sequence = ++this.#sequence;
    const customer = this.#customerNode(event.customerId);
    this.#lastSeen[customer] = sequence;

    if (
      event.accountId !== undefined &&
      event.accountId !== '' &&
      this.#accountOwner.get(event.accountId) === undefined
    ) {
      this.#accountOwner.set(event.accountId, customer);
      const accounts = this.#accounts[customer] as string[];
      if (accounts === NONE) this.#accounts[customer] = [event.accountId];
      else accounts.push(event.accountId);
    }
    let device = -1;
    let payee = -1;
    const fields = this.#fields;
    for (let i = 0; i < fields.length; i++) {
      const value = (fields[i] as (event: RiskEvent) => string | undefined)(event);
      if (value === undefined || value === '') continue;
      const kind = this.#kindOf[i] as number;
      const entity = this.#entityNode(kind, value);
      this.#lastSeen[entity] = sequence;
      this.#link(customer, entity);
      if (kind === DEVICE) device = entity;
      else if (kind === PAYEE) payee = entity;
    }
    if (event.type === 'payment' && event.payeeId !== undefined) {
      const owner = this.#accountOwner.get(event.payeeId);
      if (owner !== undefined && owner !== customer) {
        this.#lastSeen[owner] = sequence;
        this.#flow(customer, owner, event);
      }
    }
    if (this.#dirty && sequence - this.#rebuiltAt >= Math.max(REBUILD_EVENTS_MIN, this.#live >> 1)) this.#rebuild();
    if (this.#live > this.#s.nodesMax) this.#evict();
    // graphFeatures(event) right after observe(event) reuses the nodes instead of looking them up again.
    this.#last = { event, customer, device, payee };
    return true;
  }

  /** Records an analyst's verdict: `true` confirmed fraud, `false` cleared. */
  markFraud(customerId: string, confirmed: boolean): void {
    if (typeof customerId !== 'string' || customerId === '') {
      throw new GraphError('graph_event_invalid', { reason: 'the customerId is empty' });
    }
    if (confirmed) this.#confirmed.add(customerId);
    else this.#confirmed.delete(customerId);
    const node = this.#customers.get(customerId);
    if (node === undefined || this.#fraud[node] === confirmed) return;
    this.#fraud[node] = confirmed;
    for (const entity of this.#adjacent[node] as number[]) {
      this.#fraudMembers[entity] = (this.#fraudMembers[entity] as number) + (confirmed ? 1 : -1);
    }
  }

  /** The graph features of the event's customer, device and payee (call `observe(event)` first). */
  graphFeatures(event: RiskEvent): Record<string, FeatureValue> {
    const last = this.#last;
    const cached = last !== undefined && last.event === event;
    const customer = cached ? last.customer : this.#customers.get(event.customerId);
    const device =
      event.deviceId === undefined
        ? undefined
        : this.#sharedOthers(
            cached && last.device >= 0 ? last.device : this.#lookup('device', event.deviceId),
            customer,
          );
    const payee =
      event.payeeId === undefined
        ? undefined
        : this.#sharedOthers(cached && last.payee >= 0 ? last.payee : this.#lookup('payee', event.payeeId), customer);
    if (customer === undefined) {
      return {
        graph_component_size: 1,
        graph_component_customers: 1,
        graph_neighbours_confirmed_fraud: 0,
        graph_device_shared_customers: device ?? null,
        graph_payee_shared_payers: payee ?? null,
        graph_in_ring: this.#confirmedRing(event.customerId),
      };
    }
    const root = this.#find(customer);
    return {
      graph_component_size: this.#size[root] as number,
      graph_component_customers: this.#customerCount[root] as number,
      graph_neighbours_confirmed_fraud: this.#confirmedNeighbours(customer),
      graph_device_shared_customers: device ?? null,
      graph_payee_shared_payers: payee ?? null,
      graph_in_ring: this.#inRing(customer),
    };
  }

  /** True when the two customers are in one component (exact: pending re-linking is done first). */
  connected(customerA: string, customerB: string): boolean {
    this.#refresh();
    const a = this.#customers.get(customerA);
    const b = this.#customers.get(customerB);
    if (a === undefined || b === undefined) return false;
    return this.#find(a) === this.#find(b);
  }

  /** Every component with at least `customersMin` customers, largest first (at most `limit`). */
  components(options: { customersMin?: number; limit?: number } = {}): ComponentSummary[] {
    this.#refresh();
    const customersMin = options.customersMin ?? 2;
    const limit = options.limit ?? 1_000;
    const byRoot = new Map<number, { id: string; size: number; customers: number; confirmedFraud: number }>();
    for (const [id, node] of this.#customers) {
      const root = this.#find(node);
      if ((this.#customerCount[root] as number) < customersMin) continue;
      const entry = byRoot.get(root);
      if (entry === undefined) {
        byRoot.set(root, {
          id,
          size: this.#size[root] as number,
          customers: this.#customerCount[root] as number,
          confirmedFraud: this.#fraud[node] ? 1 : 0,
        });
      } else {
        if (id < entry.id) entry.id = id;
        if (this.#fraud[node]) entry.confirmedFraud++;
      }
    }
    return [...byRoot.values()]
      .sort((a, b) => b.customers - a.customers || b.size - a.size || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  /**
   * The customer's component as nodes and edges for drawing, breadth first from the customer, at
   * most `nodesMax` nodes. Undefined for a customer the graph has not seen.
   */
  component(customerId: string, nodesMax = 2_000): ComponentView | undefined {
    const start = this.#customers.get(customerId);
    if (start === undefined) return undefined;
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    const stamp = ++this.#stamp;
    const mark = this.#mark;
    const queue = [start];
    mark[start] = stamp;
    let truncated = false;
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      nodes.push(this.#view(node));
      const visit = (next: number) => {
        if (mark[next] === stamp) return;
        if (queue.length >= nodesMax) {
          truncated = true;
          return;
        }
        mark[next] = stamp;
        queue.push(next);
      };
      for (const next of this.#adjacent[node] as number[]) {
        if (this.#kind[node] === CUSTOMER)
          edges.push({ source: this.#name(node), target: this.#name(next), kind: 'uses' });
        visit(next);
      }
      if (this.#kind[node] === CUSTOMER) {
        for (const flow of this.#out[node] as Flow[]) {
          edges.push({
            source: this.#name(node),
            target: this.#name(flow.to),
            kind: 'pays',
            count: flow.count,
            lastAtMs: flow.lastAtMs,
          });
          visit(flow.to);
        }
        for (const from of this.#in[node] as number[]) visit(from);
      }
    }
    // Only edges between drawn nodes.
    const drawn = new Set(nodes.map((n) => n.id));
    return {
      customerId,
      nodes,
      edges: edges.filter((e) => drawn.has(e.source) && drawn.has(e.target)),
      truncated,
    };
  }

  /**
   * Detected rings: money cycles (most recently detected first) and the dense mule rings of the
   * current graph (largest first), at most `limit` of each.
   */
  rings(limit = 1_000): Ring[] {
    this.#refresh();
    const out: Ring[] = [];
    const cycles = [...this.#cycles.values()].sort(
      (a, b) => b.lastDetectedAtMs - a.lastDetectedAtMs || (a.id < b.id ? -1 : 1),
    );
    for (const cycle of cycles.slice(0, limit)) {
      out.push({
        id: cycle.id,
        kind: 'money_cycle',
        customers: cycle.customers,
        entities: [],
        firstDetectedAtMs: cycle.firstDetectedAtMs,
        lastDetectedAtMs: cycle.lastDetectedAtMs,
        eventId: cycle.eventId,
      });
    }
    const groups = new Map<number, number[]>();
    for (const node of this.#customers.values()) {
      const root = this.#strongFind(node);
      if ((this.#strongSize[root] as number) < this.#s.muleRingCustomersMin) continue;
      const members = groups.get(root);
      if (members === undefined) groups.set(root, [node]);
      else members.push(node);
    }
    const mule: Ring[] = [];
    for (const members of groups.values()) {
      const customers = members.map((m) => this.#value[m] as string).sort();
      // Entities shared by at least two members.
      const counts = new Map<number, number>();
      for (const m of members) {
        for (const e of this.#adjacent[m] as number[]) counts.set(e, (counts.get(e) ?? 0) + 1);
      }
      const entities = [...counts]
        .filter(([, n]) => n >= 2)
        .map(([e]) => this.#name(e))
        .sort();
      mule.push({ id: `ring_mule_${customers[0]}`, kind: 'mule_ring', customers, entities });
    }
    mule.sort((a, b) => b.customers.length - a.customers.length || (a.id < b.id ? -1 : 1));
    return [...out, ...mule.slice(0, limit)];
  }

  /** Counters for monitoring and benchmarks. */
  stats(): GraphStats {
    return {
      events: this.#sequence,
      duplicates: this.#duplicates,
      customers: this.#customers.size,
      entities: this.#live - this.#customers.size,
      hubs: this.#hubs,
      memberships: this.#memberships,
      flows: this.#flows,
      moneyCycles: this.#cycles.size,
      localRebuilds: this.#localRebuilds,
      fullRebuilds: this.#fullRebuilds,
      evictedNodes: this.#evicted,
    };
  }

  // ---- nodes ---------------------------------------------------------------------------------

  #allocate(kind: number, value: string): number {
    let node = this.#free.pop();
    if (node === undefined) {
      node = this.#kind.length;
      this.#mark.push(0);
      this.#tally.push(0);
    }
    this.#kind[node] = kind;
    this.#value[node] = value;
    this.#parent[node] = node;
    this.#size[node] = 1;
    this.#customerCount[node] = kind === CUSTOMER ? 1 : 0;
    this.#strongParent[node] = node;
    this.#strongSize[node] = 1;
    this.#lastSeen[node] = this.#sequence;
    this.#adjacent[node] = [];
    this.#hub[node] = false;
    this.#linked[node] = 0;
    this.#fraud[node] = kind === CUSTOMER && this.#confirmed.has(value);
    // Flow and account lists are made on first use: most nodes never need them.
    this.#out[node] = NONE;
    this.#in[node] = NONE;
    this.#accounts[node] = NONE;
    this.#fraudMembers[node] = 0;
    this.#live++;
    return node;
  }

  #customerNode(id: string): number {
    let node = this.#customers.get(id);
    if (node === undefined) {
      node = this.#allocate(CUSTOMER, id);
      this.#customers.set(id, node);
    }
    return node;
  }

  #entityNode(kind: number, value: string): number {
    const map = this.#entities[kind - 2] as Map<string, number>;
    let node = map.get(value);
    if (node === undefined) {
      node = this.#allocate(kind, value);
      map.set(value, node);
    }
    return node;
  }

  #name(node: number): string {
    const kind = this.#kind[node] as number;
    return kind === CUSTOMER ? (this.#value[node] as string) : `${LINK_KINDS[kind - 2]}:${this.#value[node]}`;
  }

  #view(node: number): GraphNode {
    const kind = this.#kind[node] as number;
    if (kind === CUSTOMER) {
      const value = this.#value[node] as string;
      return { id: value, kind: 'customer', value, confirmedFraud: this.#fraud[node] === true };
    }
    return {
      id: this.#name(node),
      kind: LINK_KINDS[kind - 2] as LinkKind,
      value: this.#value[node] as string,
      ...(this.#hub[node] ? { hub: true } : {}),
    };
  }

  #remember(id: string): void {
    const order = this.#seenOrder;
    if (order.length < this.#s.seenEventIdsMax) order.push(id);
    else {
      this.#seen.delete(order[this.#seenHead] as string);
      order[this.#seenHead] = id;
      this.#seenHead = (this.#seenHead + 1) % order.length;
    }
    this.#seen.add(id);
  }

  // ---- union-find ----------------------------------------------------------------------------

  #find(node: number): number {
    const parent = this.#parent;
    let x = node;
    while (parent[x] !== x) {
      const grand = parent[parent[x] as number] as number;
      parent[x] = grand;
      x = grand;
    }
    return x;
  }

  #union(a: number, b: number): void {
    let ra = this.#find(a);
    let rb = this.#find(b);
    if (ra === rb) return;
    if ((this.#size[ra] as number) < (this.#size[rb] as number)) [ra, rb] = [rb, ra];
    this.#parent[rb] = ra;
    this.#size[ra] = (this.#size[ra] as number) + (this.#size[rb] as number);
    this.#customerCount[ra] = (this.#customerCount[ra] as number) + (this.#customerCount[rb] as number);
  }

  #strongFind(node: number): number {
    const parent = this.#strongParent;
    let x = node;
    while (parent[x] !== x) {
      const grand = parent[parent[x] as number] as number;
      parent[x] = grand;
      x = grand;
    }
    return x;
  }

  #strongUnion(a: number, b: number): void {
    let ra = this.#strongFind(a);
    let rb = this.#strongFind(b);
    if (ra === rb) return;
    if ((this.#strongSize[ra] as number) < (this.#strongSize[rb] as number)) [ra, rb] = [rb, ra];
    this.#strongParent[rb] = ra;
    this.#strongSize[ra] = (this.#strongSize[ra] as number) + (this.#strongSize[rb] as number);
  }

  // ---- links ---------------------------------------------------------------------------------

  #link(customer: number, entity: number): void {
    if (this.#hub[entity]) return;
    const members = this.#adjacent[entity] as number[];
    if (members.includes(customer)) return;
    if (members.length >= this.#s.hubCustomersMax) {
      this.#promoteHub(entity);
      return;
    }
    members.push(customer);
    (this.#adjacent[customer] as number[]).push(entity);
    this.#linked[entity] = members.length;
    this.#memberships++;
    if (this.#fraud[customer]) this.#fraudMembers[entity] = (this.#fraudMembers[entity] as number) + 1;
    this.#union(customer, entity);
    if (members.length >= 2) this.#strongTies(customer, entity);
  }

  /** Joins the customer, in the strong-tie union-find, with each member of `entity` it now shares enough entities with. */
  #strongTies(customer: number, entity: number): void {
    const own = this.#adjacent[customer] as number[];
    const need = this.#s.strongTieEntitiesMin;
    const members = this.#adjacent[entity] as number[];
    if (need <= 1) {
      for (const other of members) if (other !== customer) this.#strongUnion(customer, other);
      return;
    }
    if (own.length < need) return;
    const stamp = ++this.#stamp;
    const mark = this.#mark;
    const tally = this.#tally;
    for (const other of members) {
      if (other === customer) continue;
      mark[other] = stamp;
      tally[other] = 1;
    }
    for (const shared of own) {
      if (shared === entity) continue;
      for (const other of this.#adjacent[shared] as number[]) {
        if (mark[other] !== stamp) continue;
        const count = (tally[other] as number) + 1;
        tally[other] = count;
        if (count === need) this.#strongUnion(customer, other);
      }
    }
  }

  /** The entity links more than hubCustomersMax customers: it stops linking, and its component is re-linked without it. */
  #promoteHub(entity: number): void {
    this.#hubs++;
    const members = this.#adjacent[entity] as number[];
    this.#linked[entity] = members.length + 1;
    // The union-find knows the component's size exactly (when nothing is pending): search it only when small.
    const small = !this.#dirty && (this.#size[this.#find(entity)] as number) <= this.#s.localRebuildNodesMax;
    const affected = small ? this.#componentNodes(entity, this.#s.localRebuildNodesMax) : undefined;
    for (const customer of members) {
      const own = this.#adjacent[customer] as number[];
      own.splice(own.indexOf(entity), 1);
    }
    this.#memberships -= members.length;
    this.#adjacent[entity] = [];
    this.#fraudMembers[entity] = 0;
    this.#hub[entity] = true;
    if (affected === undefined) {
      // Strong ties through the hub are settled at the next rebuild, with its members' strong components.
      for (const member of members) this.#hubbedMembers.push(member);
      this.#dirty = true;
      return;
    }
    this.#localRebuilds++;
    this.#relink(affected);
  }

  /** Nodes of `start`'s component by breadth-first search, or undefined past `limit` nodes. */
  #componentNodes(start: number, limit: number): number[] | undefined {
    const stamp = ++this.#stamp;
    const mark = this.#mark;
    const queue = [start];
    mark[start] = stamp;
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      const push = (next: number): boolean => {
        if (mark[next] === stamp) return true;
        if (queue.length >= limit) return false;
        mark[next] = stamp;
        queue.push(next);
        return true;
      };
      for (const next of this.#adjacent[node] as number[]) if (!push(next)) return undefined;
      if (this.#kind[node] === CUSTOMER) {
        for (const flow of this.#out[node] as Flow[]) if (!push(flow.to)) return undefined;
        for (const from of this.#in[node] as number[]) if (!push(from)) return undefined;
      }
    }
    return queue;
  }

  /** Resets the nodes (a whole former component, or every node) and unites them again along the current edges. */
  #relink(nodes: readonly number[]): void {
    this.#relinkComponents(nodes);
    this.#relinkStrong(nodes);
  }

  /** The connectivity union-find only. */
  #relinkComponents(nodes: readonly number[]): void {
    for (const node of nodes) {
      this.#parent[node] = node;
      this.#size[node] = 1;
      this.#customerCount[node] = this.#kind[node] === CUSTOMER ? 1 : 0;
    }
    for (const node of nodes) {
      if (this.#kind[node] !== CUSTOMER) continue;
      for (const entity of this.#adjacent[node] as number[]) this.#union(node, entity);
      for (const flow of this.#out[node] as Flow[]) this.#union(node, flow.to);
    }
  }

  /**
   * The strong-tie union-find over the given nodes (whole strong components, or every node):
   * reset, then each pair of customers sharing `strongTieEntitiesMin` entities is joined again.
   */
  #relinkStrong(nodes: readonly number[]): void {
    for (const node of nodes) {
      this.#strongParent[node] = node;
      this.#strongSize[node] = 1;
    }
    const need = this.#s.strongTieEntitiesMin;
    const mark = this.#mark;
    const tally = this.#tally;
    for (const node of nodes) {
      if (this.#kind[node] !== CUSTOMER) continue;
      const stamp = ++this.#stamp;
      for (const entity of this.#adjacent[node] as number[]) {
        for (const other of this.#adjacent[entity] as number[]) {
          if (other <= node) continue;
          if (mark[other] !== stamp) {
            mark[other] = stamp;
            tally[other] = 0;
          }
          const count = (tally[other] as number) + 1;
          tally[other] = count;
          if (count === need) this.#strongUnion(node, other);
        }
      }
    }
  }

  /**
   * Rebuilds the connectivity union-find over every node. Strong ties only ever disappear when a
   * hub is cut off, so only the strong components of the hubs' former members are rebuilt — unless
   * `complete` (after eviction, which removes edges anywhere).
   */
  #rebuild(complete = false): void {
    const nodes: number[] = [];
    for (let node = 0; node < this.#kind.length; node++) if (this.#kind[node] !== FREE) nodes.push(node);
    this.#relinkComponents(nodes);
    if (complete) this.#relinkStrong(nodes);
    else if (this.#hubbedMembers.length > 0) {
      const roots = new Set<number>();
      for (const member of this.#hubbedMembers) {
        if (this.#kind[member] === CUSTOMER) roots.add(this.#strongFind(member));
      }
      const affected: number[] = [];
      for (const node of this.#customers.values()) if (roots.has(this.#strongFind(node))) affected.push(node);
      this.#relinkStrong(affected);
    }
    this.#hubbedMembers = [];
    this.#dirty = false;
    this.#rebuiltAt = this.#sequence;
    this.#fullRebuilds++;
  }

  #refresh(): void {
    if (this.#dirty) this.#rebuild();
  }

  // ---- money flows and cycles ----------------------------------------------------------------

  #flow(from: number, to: number, event: RiskEvent): void {
    const out = this.#out[from] as Flow[];
    let flow: Flow | undefined;
    for (const f of out) {
      if (f.to === to) {
        flow = f;
        break;
      }
    }
    if (flow === undefined) {
      const incoming = this.#in[to] as number[];
      const max = this.#s.flowCounterpartiesMax;
      if (out.length >= max || incoming.length >= max) return;
      flow = { to, count: 0, firstAtMs: event.atMs, lastAtMs: event.atMs };
      if (out === NONE) this.#out[from] = [flow];
      else out.push(flow);
      if (incoming === NONE) this.#in[to] = [from];
      else incoming.push(from);
      this.#flows++;
      this.#union(from, to);
    }
    flow.count++;
    if (event.atMs > flow.lastAtMs) flow.lastAtMs = event.atMs;
    if (event.atMs < flow.firstAtMs) flow.firstAtMs = event.atMs;
    this.#detectCycle(from, to, event);
  }

  /** Looks for a path to → … → from of recent transfers that the transfer from → to closes into a cycle. */
  #detectCycle(from: number, to: number, event: RiskEvent): void {
    if ((this.#out[to] as Flow[]).length === 0) return;
    const since = event.atMs - this.#s.cycleWindowMs;
    // Mark the customers that recently paid `from`: a path reaching one of them closes the cycle,
    // so the deepest level of the search is a mark test instead of a scan of its flows.
    const stamp = ++this.#stamp;
    const mark = this.#mark;
    let payers = 0;
    for (const payer of this.#in[from] as number[]) {
      for (const flow of this.#out[payer] as Flow[]) {
        if (flow.to === from) {
          if (flow.lastAtMs >= since && payer !== to) {
            mark[payer] = stamp;
            payers++;
          }
          break;
        }
      }
    }
    if (payers === 0) return;
    const path = [from, to];
    let budget = this.#s.cycleSearchBudget;
    const lengthMax = this.#s.cycleLengthMax;
    // Every simple cycle through the new transfer is recorded (overlapping rings share members),
    // up to CYCLES_PER_TRANSFER_MAX; returns true when the search should stop.
    let found = 0;
    const search = (node: number): boolean => {
      if (mark[node] === stamp && path.length >= 3) {
        this.#recordCycle(path, event);
        if (++found >= CYCLES_PER_TRANSFER_MAX) return true;
      }
      if (path.length >= lengthMax) return false;
      for (const flow of this.#out[node] as Flow[]) {
        if (--budget < 0) return true;
        if (flow.lastAtMs < since || path.includes(flow.to)) continue;
        path.push(flow.to);
        const stop = search(flow.to);
        path.pop();
        if (stop) return true;
      }
      return false;
    };
    search(to);
  }

  #recordCycle(path: readonly number[], event: RiskEvent): void {
    const ids = path.map((node) => this.#value[node] as string);
    let first = 0;
    for (let i = 1; i < ids.length; i++) if ((ids[i] as string) < (ids[first] as string)) first = i;
    const customers = [...ids.slice(first), ...ids.slice(0, first)];
    const key = customers.join('\u0000');
    const known = this.#cycles.get(key);
    if (known !== undefined) {
      if (event.atMs > known.lastDetectedAtMs) known.lastDetectedAtMs = event.atMs;
      return;
    }
    if (this.#cycles.size >= this.#s.ringsMax) {
      const [oldestKey, oldest] = this.#cycles.entries().next().value as [string, CycleRecord];
      this.#cycles.delete(oldestKey);
      for (const id of oldest.customers) {
        const count = (this.#ringCount.get(id) ?? 1) - 1;
        if (count <= 0) this.#ringCount.delete(id);
        else this.#ringCount.set(id, count);
      }
    }
    this.#cycleSerial++;
    this.#cycles.set(key, {
      id: `ring_cycle_${this.#cycleSerial}`,
      customers,
      firstDetectedAtMs: event.atMs,
      lastDetectedAtMs: event.atMs,
      eventId: event.id,
    });
    for (const id of customers) this.#ringCount.set(id, (this.#ringCount.get(id) ?? 0) + 1);
  }

  // ---- features ------------------------------------------------------------------------------

  #lookup(kind: LinkKind, value: string): number | undefined {
    return (this.#entities[LINK_KINDS.indexOf(kind)] as Map<string, number>).get(value);
  }

  #sharedOthers(node: number | undefined, customer: number | undefined): number {
    if (node === undefined) return 0;
    if (this.#hub[node]) return (this.#linked[node] as number) - 1;
    const members = this.#adjacent[node] as number[];
    return customer !== undefined && members.includes(customer) ? members.length - 1 : members.length;
  }

  #confirmedNeighbours(customer: number): number {
    if (this.#confirmed.size === 0) return 0;
    // Fast zero: no entity of the customer has a confirmed-fraud member other than the customer.
    let near = 0;
    const self = this.#fraud[customer] ? 1 : 0;
    for (const entity of this.#adjacent[customer] as number[]) near += (this.#fraudMembers[entity] as number) - self;
    for (const flow of this.#out[customer] as Flow[]) if (this.#fraud[flow.to]) near++;
    for (const from of this.#in[customer] as number[]) if (this.#fraud[from]) near++;
    if (near === 0) return 0;
    const stamp = ++this.#stamp;
    const mark = this.#mark;
    const fraud = this.#fraud;
    mark[customer] = stamp;
    let budget = this.#s.neighbourScanMax;
    let count = 0;
    const visit = (other: number) => {
      if (mark[other] === stamp) return;
      mark[other] = stamp;
      if (fraud[other]) count++;
    };
    for (const flow of this.#out[customer] as Flow[]) visit(flow.to);
    for (const from of this.#in[customer] as number[]) visit(from);
    for (const entity of this.#adjacent[customer] as number[]) {
      const members = this.#adjacent[entity] as number[];
      budget -= members.length;
      if (budget < 0) break;
      for (const other of members) visit(other);
    }
    return count;
  }

  #inRing(customer: number): boolean {
    const root = this.#strongFind(customer);
    if ((this.#strongSize[root] as number) >= this.#s.muleRingCustomersMin) return true;
    return this.#ringCount.size > 0 && this.#ringCount.has(this.#value[customer] as string);
  }

  #confirmedRing(customerId: string): boolean {
    return this.#ringCount.has(customerId);
  }

  // ---- memory bound --------------------------------------------------------------------------

  /** Drops the least recently seen quarter of the nodes with their edges, then rebuilds. */
  #evict(): void {
    const nodes: number[] = [];
    for (let node = 0; node < this.#kind.length; node++) if (this.#kind[node] !== FREE) nodes.push(node);
    const seen = Float64Array.from(nodes, (node) => this.#lastSeen[node] as number).sort();
    const cut = seen[Math.floor(nodes.length / 4)] as number;
    const drop = nodes.filter((node) => (this.#lastSeen[node] as number) < cut);
    // Ties at the cut: at least one node goes, so the bound always holds afterwards.
    if (drop.length === 0) drop.push(...nodes.filter((node) => (this.#lastSeen[node] as number) === cut));
    const stamp = ++this.#stamp;
    for (const node of drop) this.#mark[node] = stamp;
    for (const node of drop) this.#remove(node, stamp);
    this.#evicted += drop.length;
    this.#rebuild(true);
  }

  #remove(node: number, stamp: number): void {
    const mark = this.#mark;
    if (this.#kind[node] === CUSTOMER) {
      for (const entity of this.#adjacent[node] as number[]) {
        if (mark[entity] === stamp) continue;
        const members = this.#adjacent[entity] as number[];
        members.splice(members.indexOf(node), 1);
        if (this.#fraud[node]) this.#fraudMembers[entity] = (this.#fraudMembers[entity] as number) - 1;
        if (!this.#hub[entity]) this.#linked[entity] = members.length;
      }
      this.#memberships -= (this.#adjacent[node] as number[]).length;
      for (const flow of this.#out[node] as Flow[]) {
        this.#flows--;
        if (mark[flow.to] === stamp) continue;
        const incoming = this.#in[flow.to] as number[];
        incoming.splice(incoming.indexOf(node), 1);
      }
      for (const from of this.#in[node] as number[]) {
        if (mark[from] === stamp) {
          continue;
        }
        this.#flows--;
        const out = this.#out[from] as Flow[];
        out.splice(
          out.findIndex((f) => f.to === node),
          1,
        );
      }
      for (const account of this.#accounts[node] as string[]) this.#accountOwner.delete(account);
      this.#customers.delete(this.#value[node] as string);
    } else {
      for (const customer of this.#adjacent[node] as number[]) {
        if (mark[customer] === stamp) continue;
        const own = this.#adjacent[customer] as number[];
        own.splice(own.indexOf(node), 1);
        this.#memberships--;
      }
      if (this.#hub[node]) this.#hubs--;
      (this.#entities[(this.#kind[node] as number) - 2] as Map<string, number>).delete(this.#value[node] as string);
    }
    this.#kind[node] = FREE;
    this.#value[node] = '';
    this.#adjacent[node] = NONE;
    this.#out[node] = NONE;
    this.#in[node] = NONE;
    this.#accounts[node] = NONE;
    this.#free.push(node);
    this.#live--;
  }
}
