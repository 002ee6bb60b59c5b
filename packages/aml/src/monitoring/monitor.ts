// The one detection core: per-account incremental windows, the scenario detectors and alert grouping/merging, used by the streaming and the batch path alike.
import { DEFAULT_SCENARIO_PARAMS, SCENARIO_KEYS, type ScenarioKey, type ScenarioVersion } from './scenarios.ts';

/** A money movement the monitor sees: from one party (account) to another, at an instant. */
export interface MonitoredTransaction {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly atMs: number;
  /** A cash deposit or withdrawal (the cash thresholds apply). */
  readonly cash?: boolean;
}

/** What the institution knows about an account before the stream starts (all optional). */
export interface AccountProfile {
  /** Last activity before the monitored period (for dormancy). */
  readonly lastActiveMs?: number;
  /** Declared expected turnover (in + out) per 30 days, minor units. */
  readonly declaredMonthlyTurnoverMinor?: bigint;
  /** Region or country code of the party (for high-risk regions). */
  readonly region?: string;
}

export interface AlertEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly amountMinor: bigint;
  readonly atMs: number;
}

/** One scenario's finding inside an alert: the version that fired, its strength and why. */
export interface AlertFinding {
  readonly scenario: ScenarioKey;
  readonly version: number;
  readonly strength: number;
  readonly reason: string;
  readonly atMs: number;
}

/** An alert: the parties and transactions (the sub-graph) involved, the findings that raised it and a score. */
export interface Alert {
  readonly id: number;
  /** The account the first finding centred on. */
  readonly focus: string;
  /** The highest-priority scenario among the findings. */
  scenario: ScenarioKey;
  score: number;
  firstAtMs: number;
  lastAtMs: number;
  /** Time of the latest finding: merging and exit legs count from it (exit legs do not keep an alert open). */
  lastFindingMs: number;
  readonly parties: Set<string>;
  readonly edges: Map<string, AlertEdge>;
  readonly findings: AlertFinding[];
  /** Ids of alerts merged into this one. */
  readonly merged: number[];
}

/** Limits of the monitor's state (memory is bounded by them and the window). */
export interface MonitorLimits {
  /** Edges kept per account and direction; an account past it is a hub (a clearing or merchant account). */
  readonly edgesPerAccountMax: number;
  /** A finding on a party of an alert whose last transaction is at most this old merges into it. */
  readonly mergeWindowMs: number;
  /** Outflows of an alert's focus account up to this long after its last transaction join the alert. */
  readonly exitWindowMs: number;
  readonly exitMinMinor: bigint;
  readonly alertEdgesMax: number;
  /** Sweep expired edges of idle accounts every this many transactions. */
  readonly sweepEvery: number;
}

export const DEFAULT_MONITOR_LIMITS: MonitorLimits = {
  edgesPerAccountMax: 96,
  mergeWindowMs: 7 * 86_400_000,
  exitWindowMs: 3 * 86_400_000,
  exitMinMinor: 1_000_000n,
  alertEdgesMax: 500,
  sweepEvery: 200_000,
};

export type AlertChange = { readonly alert: Alert; readonly absorbed: readonly number[] };

interface Window {
  edges: AlertEdge[];
  head: number;
}

interface AccountState {
  readonly in: Window;
  readonly out: Window;
  hubUntilMs: number;
  lastSeenMs: number;
  /** When a dormant account moved again, and how long it had slept. */
  wokenMs?: number;
  idleMs?: number;
  /** Turnover by day (ring of 30), only for accounts with a declared turnover. */
  turnover?: { days: Int32Array; sums: bigint[] };
}

interface Finding {
  readonly scenario: ScenarioKey;
  readonly focus: string;
  readonly parties: readonly string[];
  readonly edges: readonly AlertEdge[];
  readonly strength: number;
  readonly reason: string;
}

type Params = Record<string, number | bigint | readonly string[]>;
const DAY_MS = 86_400_000;
const PRIORITY = new Map<ScenarioKey, number>(SCENARIO_KEYS.map((key, i) => [key, i]));

const n = (p: Params, key: string): number => p[key] as number;
const m = (p: Params, key: string): bigint => p[key] as bigint;
const pct = (amount: bigint, percent: number): bigint => (amount * BigInt(percent)) / 100n;
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/**
 * The monitor. `process` takes transactions in time order (a late one is handled at the latest
 * time seen) and reports every alert it opens or grows to `onChange`. The batch path
 * (`detectBatch`) sorts the transactions and calls the same `process`, so both paths give the same
 * alerts for the same transactions. Per-account state is a window of recent incoming and outgoing
 * edges (expired exactly at `window` age, capped per account) and the last-seen time.
 */
export class Monitor {
  readonly #scenarios: Map<ScenarioKey, { version: number; params: Params }>;
  readonly #windowMs: number;
  readonly #limits: MonitorLimits;
  readonly #profiles: (account: string) => AccountProfile | undefined;
  readonly #onChange: ((change: AlertChange) => void) | undefined;
  readonly #accounts = new Map<string, AccountState>();
  /** Open alerts by party. */
  readonly #open = new Map<string, Alert>();
  readonly #alerts = new Map<number, Alert>();
  #nowMs = Number.NEGATIVE_INFINITY;
  #nextId = 1;
  #processed = 0;

  constructor(options: {
    scenarios: readonly ScenarioVersion[];
    limits?: Partial<MonitorLimits>;
    profiles?: (account: string) => AccountProfile | undefined;
    onChange?: (change: AlertChange) => void;
    /** The first alert id (a store continues its sequence). */
    firstAlertId?: number;
  }) {
    this.#scenarios = new Map(
      options.scenarios.map((s) => [
        s.key,
        { version: s.version, params: { ...DEFAULT_SCENARIO_PARAMS[s.key], ...s.params } },
      ]),
    );
    this.#limits = { ...DEFAULT_MONITOR_LIMITS, ...options.limits };
    this.#profiles = options.profiles ?? (() => undefined);
    this.#onChange = options.onChange;
    this.#nextId = options.firstAlertId ?? 1;
    let windowMs = DAY_MS;
    for (const { params } of this.#scenarios.values()) {
      if (typeof params.windowMs === 'number') windowMs = Math.max(windowMs, params.windowMs);
    }
    this.#windowMs = windowMs;
  }

  get processed(): number {
    return this.#processed;
  }

  /** Accounts with state and edges held (for memory checks). */
  stateSize(): { accounts: number; edges: number; openAlerts: number } {
    let edges = 0;
    for (const state of this.#accounts.values()) {
      edges += state.in.edges.length - state.in.head + state.out.edges.length - state.out.head;
    }
    return { accounts: this.#accounts.size, edges, openAlerts: new Set(this.#open.values()).size };
  }

  /** Every alert so far (merged-away alerts excluded), by id. */
  alerts(): Alert[] {
    return [...this.#alerts.values()].sort((a, b) => a.id - b.id);
  }

  process(tx: MonitoredTransaction): void {
    if (tx.from === tx.to || tx.amountMinor <= 0n) return;
    this.#nowMs = Math.max(this.#nowMs, tx.atMs);
    this.#processed++;
    if (this.#processed % this.#limits.sweepEvery === 0) this.#sweep();
    const edge: AlertEdge = { id: tx.id, from: tx.from, to: tx.to, amountMinor: tx.amountMinor, atMs: tx.atMs };
    const from = this.#state(tx.from);
    const to = this.#state(tx.to);
    const findings: Finding[] = [];

    this.#dormant(tx, edge, from, tx.from, findings);
    this.#dormant(tx, edge, to, tx.to, findings);
    this.#push(from, from.out, edge);
    this.#push(to, to.in, edge);
    from.lastSeenMs = Math.max(from.lastSeenMs, tx.atMs);
    to.lastSeenMs = Math.max(to.lastSeenMs, tx.atMs);

    this.#exitLeg(edge);
    this.#largeAmount(tx, edge, findings);
    this.#highRisk(tx, edge, findings);
    this.#profileMismatch(tx.from, from, edge, findings);
    this.#profileMismatch(tx.to, to, edge, findings);
    if (!this.#isHub(to)) {
      this.#structuring(tx, to, findings);
      this.#fanIn(tx, to, findings);
      this.#scatterGather(tx, to, findings);
    }
    if (!this.#isHub(from)) {
      this.#rapidMovement(tx, from, findings);
      this.#fanOut(tx, from, findings);
      this.#gatherScatter(tx, from, findings);
    }
    if (!this.#isHub(from) && !this.#isHub(to)) this.#cycle(edge, findings);
    for (const finding of findings) this.#raise(finding, tx.atMs);
  }

  // ---- state -------------------------------------------------------------------------------

  #state(account: string): AccountState {
    let state = this.#accounts.get(account);
    if (state === undefined) {
      const lastActive = this.#profiles(account)?.lastActiveMs;
      state = {
        in: { edges: [], head: 0 },
        out: { edges: [], head: 0 },
        hubUntilMs: Number.NEGATIVE_INFINITY,
        lastSeenMs: lastActive ?? Number.NEGATIVE_INFINITY,
      };
      this.#accounts.set(account, state);
    }
    return state;
  }

  #isHub(state: AccountState): boolean {
    return state.hubUntilMs >= this.#nowMs;
  }

  #expire(window: Window): void {
    const oldest = this.#nowMs - this.#windowMs;
    const edges = window.edges;
    while (window.head < edges.length && (edges[window.head] as AlertEdge).atMs <= oldest) window.head++;
    if (window.head > 32 && window.head * 2 > edges.length) {
      window.edges = edges.slice(window.head);
      window.head = 0;
    }
  }

  #push(state: AccountState, window: Window, edge: AlertEdge): void {
    this.#expire(window);
    if (this.#isHub(state)) {
      // A hub stays one while it is busy.
      state.hubUntilMs = edge.atMs + this.#windowMs;
      return;
    }
    if (window.edges.length - window.head >= this.#limits.edgesPerAccountMax) {
      // Too busy to be a person: a clearing, cash or merchant account. Its windows are dropped.
      state.hubUntilMs = edge.atMs + this.#windowMs;
      state.in.edges = [];
      state.in.head = 0;
      state.out.edges = [];
      state.out.head = 0;
      return;
    }
    window.edges.push(edge);
  }

  /** Live edges of a window, oldest first, no older than `windowMs` before now. */
  *#live(window: Window, windowMs: number): Generator<AlertEdge> {
    const oldest = this.#nowMs - windowMs;
    for (let i = window.head; i < window.edges.length; i++) {
      const edge = window.edges[i] as AlertEdge;
      if (edge.atMs > oldest) yield edge;
    }
  }

  #sweep(): void {
    for (const [account, state] of this.#accounts) {
      this.#expire(state.in);
      this.#expire(state.out);
      if (state.in.edges.length === 0 && state.out.edges.length === 0 && state.turnover === undefined) {
        if (state.hubUntilMs < this.#nowMs && state.lastSeenMs === Number.NEGATIVE_INFINITY)
          this.#accounts.delete(account);
      }
    }
    for (const [party, alert] of this.#open) {
      if (this.#nowMs - alert.lastFindingMs > this.#limits.mergeWindowMs) this.#open.delete(party);
    }
  }

  #params(key: ScenarioKey): { version: number; params: Params } | undefined {
    return this.#scenarios.get(key);
  }

  // ---- alerts ------------------------------------------------------------------------------

  #openAlert(party: string): Alert | undefined {
    const alert = this.#open.get(party);
    if (alert === undefined) return undefined;
    if (this.#nowMs - alert.lastFindingMs > this.#limits.mergeWindowMs || !this.#alerts.has(alert.id)) {
      this.#open.delete(party);
      return undefined;
    }
    return alert;
  }

  #addEdge(alert: Alert, edge: AlertEdge): void {
    if (alert.edges.has(edge.id) || alert.edges.size >= this.#limits.alertEdgesMax) return;
    alert.edges.set(edge.id, edge);
    alert.firstAtMs = Math.min(alert.firstAtMs, edge.atMs);
    alert.lastAtMs = Math.max(alert.lastAtMs, edge.atMs);
  }

  #raise(finding: Finding, atMs: number): void {
    const scenario = this.#params(finding.scenario);
    if (scenario === undefined) return;
    // Merge keys: the focus and the finding's core parties, never a hub (cash, clearing, merchants).
    const parties = [finding.focus, ...finding.parties].filter((party) => {
      const state = this.#accounts.get(party);
      return state === undefined || !this.#isHub(state);
    });
    const existing: Alert[] = [];
    for (const party of parties) {
      const alert = this.#openAlert(party);
      if (alert !== undefined && !existing.includes(alert)) existing.push(alert);
    }
    existing.sort((a, b) => a.id - b.id);
    let alert = existing[0];
    const absorbed: number[] = [];
    if (alert === undefined) {
      alert = {
        id: this.#nextId++,
        focus: finding.focus,
        scenario: finding.scenario,
        score: 0,
        firstAtMs: atMs,
        lastAtMs: atMs,
        lastFindingMs: atMs,
        parties: new Set(),
        edges: new Map(),
        findings: [],
        merged: [],
      };
      this.#alerts.set(alert.id, alert);
    }
    for (const other of existing.slice(1)) {
      for (const party of other.parties) alert.parties.add(party);
      for (const edge of other.edges.values()) this.#addEdge(alert, edge);
      alert.findings.push(...other.findings);
      alert.merged.push(other.id, ...other.merged);
      this.#alerts.delete(other.id);
      absorbed.push(other.id, ...other.merged);
    }
    for (const party of parties) alert.parties.add(party);
    for (const edge of finding.edges) this.#addEdge(alert, edge);
    const merge = new Set([...alert.parties].filter((p) => this.#open.get(p) === alert || parties.includes(p)));
    const last = alert.findings.at(-1);
    if (!(last && last.scenario === finding.scenario && last.reason === finding.reason)) {
      alert.findings.push({
        scenario: finding.scenario,
        version: scenario.version,
        strength: finding.strength,
        reason: finding.reason,
        atMs,
      });
    }
    alert.lastFindingMs = Math.max(alert.lastFindingMs, atMs);
    this.#rescore(alert);
    for (const party of merge) this.#open.set(party, alert);
    for (const other of existing.slice(1)) {
      for (const [party, open] of this.#open) if (open === other) this.#open.set(party, alert);
    }
    this.#onChange?.({ alert, absorbed });
  }

  #rescore(alert: Alert): void {
    let best = new Map<ScenarioKey, number>();
    for (const f of alert.findings) best.set(f.scenario, Math.max(best.get(f.scenario) ?? 0, f.strength));
    best = new Map([...best].sort((a, b) => (PRIORITY.get(a[0]) ?? 0) - (PRIORITY.get(b[0]) ?? 0)));
    let miss = 1;
    for (const strength of best.values()) miss *= 1 - strength;
    alert.score = Math.round((1 - miss) * 10_000) / 10_000;
    alert.scenario = best.keys().next().value ?? alert.scenario;
  }

  /** An outflow of an open alert's focus account soon after it: where the money went. */
  #exitLeg(edge: AlertEdge): void {
    if (edge.amountMinor < this.#limits.exitMinMinor) return;
    const alert = this.#openAlert(edge.from);
    if (alert === undefined || alert.focus !== edge.from) return;
    if (edge.atMs - alert.lastFindingMs > this.#limits.exitWindowMs) return;
    this.#addEdge(alert, edge);
    alert.parties.add(edge.to);
    this.#onChange?.({ alert, absorbed: [] });
  }

  // ---- detectors ---------------------------------------------------------------------------

  #largeAmount(tx: MonitoredTransaction, edge: AlertEdge, out: Finding[]): void {
    const s = this.#params('large_amount');
    if (!s) return;
    const threshold = tx.cash ? m(s.params, 'cashMinor') : m(s.params, 'transferMinor');
    if (tx.amountMinor < threshold) return;
    out.push({
      scenario: 'large_amount',
      focus: tx.amountMinor >= 0n && this.#isHub(this.#state(tx.from)) ? tx.to : tx.from,
      parties: [],
      edges: [edge],
      strength: clamp01(0.3 + Number((tx.amountMinor * 10n) / threshold) / 100),
      reason: `${tx.cash ? 'cash' : 'transfer'} amount ${tx.amountMinor} ≥ ${threshold}`,
    });
  }

  #highRisk(tx: MonitoredTransaction, edge: AlertEdge, out: Finding[]): void {
    const s = this.#params('high_risk_counterparty');
    if (!s) return;
    const regions = s.params.regions as readonly string[];
    if (regions.length === 0 || tx.amountMinor < m(s.params, 'amountMinMinor')) return;
    for (const [party, other] of [
      [tx.from, tx.to],
      [tx.to, tx.from],
    ] as const) {
      const region = this.#profiles(other)?.region;
      if (region !== undefined && regions.includes(region)) {
        out.push({
          scenario: 'high_risk_counterparty',
          focus: party,
          parties: [other],
          edges: [edge],
          strength: 0.5,
          reason: `counterparty ${other} in high-risk region ${region}`,
        });
        return;
      }
    }
  }

  #profileMismatch(account: string, state: AccountState, edge: AlertEdge, out: Finding[]): void {
    const s = this.#params('profile_mismatch');
    if (!s) return;
    const declared = this.#profiles(account)?.declaredMonthlyTurnoverMinor;
    if (declared === undefined || declared <= 0n) return;
    if (state.turnover === undefined) state.turnover = { days: new Int32Array(30).fill(-1), sums: Array(30).fill(0n) };
    const { days, sums } = state.turnover;
    const day = Math.floor(edge.atMs / DAY_MS);
    const slot = ((day % 30) + 30) % 30;
    if (days[slot] !== day) {
      days[slot] = day;
      sums[slot] = 0n;
    }
    sums[slot] = (sums[slot] as bigint) + edge.amountMinor;
    let total = 0n;
    for (let i = 0; i < 30; i++) if ((days[i] as number) > day - 30) total += sums[i] as bigint;
    const limit = pct(declared, n(s.params, 'factorPercent'));
    if (total <= limit) return;
    out.push({
      scenario: 'profile_mismatch',
      focus: account,
      parties: [],
      edges: [edge],
      strength: clamp01(0.3 + Number((total * 10n) / (limit + 1n)) / 100),
      reason: `30-day turnover ${total} > ${n(s.params, 'factorPercent')}% of the declared ${declared}`,
    });
  }

  #dormant(tx: MonitoredTransaction, edge: AlertEdge, state: AccountState, account: string, out: Finding[]): void {
    const s = this.#params('dormant_reactivation');
    if (!s || state.lastSeenMs === Number.NEGATIVE_INFINITY) return;
    let idleMs = tx.atMs - state.lastSeenMs;
    // The first movement after the sleep wakes the account; large movements within the window after it alert.
    if (idleMs >= n(s.params, 'dormantMs')) state.wokenMs = tx.atMs;
    else if (state.wokenMs !== undefined && tx.atMs - state.wokenMs <= n(s.params, 'awakeWindowMs'))
      idleMs = state.idleMs ?? idleMs;
    else return;
    state.idleMs = idleMs;
    if (tx.amountMinor < m(s.params, 'amountMinMinor')) return;
    out.push({
      scenario: 'dormant_reactivation',
      focus: account,
      parties: [],
      edges: [edge],
      strength: clamp01(0.5 + idleMs / (4 * n(s.params, 'dormantMs')) / 2),
      reason: `active again after ${Math.floor(idleMs / DAY_MS)} days`,
    });
  }

  #structuring(tx: MonitoredTransaction, to: AccountState, out: Finding[]): void {
    const s = this.#params('structuring');
    if (!s) return;
    const cashT = m(s.params, 'cashThresholdMinor');
    const transferT = m(s.params, 'transferThresholdMinor');
    const low = n(s.params, 'bandLowPercent');
    const inBand = (amount: bigint, threshold: bigint) => amount < threshold && amount >= pct(threshold, low);
    if (!inBand(tx.amountMinor, cashT) && !inBand(tx.amountMinor, transferT)) return;
    const threshold = inBand(tx.amountMinor, cashT) ? cashT : transferT;
    const edges = [...this.#live(to.in, n(s.params, 'windowMs'))].filter((e) => inBand(e.amountMinor, threshold));
    if (edges.length < n(s.params, 'countMin')) return;
    out.push({
      scenario: 'structuring',
      focus: tx.to,
      parties: [],
      edges,
      strength: clamp01(0.5 + 0.08 * (edges.length - n(s.params, 'countMin'))),
      reason: `${edges.length} credits just under ${threshold} within ${n(s.params, 'windowMs') / DAY_MS} days`,
    });
  }

  #rapidMovement(tx: MonitoredTransaction, from: AccountState, out: Finding[]): void {
    const s = this.#params('rapid_movement');
    if (!s || tx.amountMinor < m(s.params, 'outMinMinor')) return;
    // Money that came in as a few sizeable credits (≥ 10 % of the outflow each), not a merchant's takings.
    const inbound = [...this.#live(from.in, n(s.params, 'windowMs'))].filter(
      (e) => e.atMs <= tx.atMs && e.amountMinor * 10n >= tx.amountMinor,
    );
    if (inbound.length > n(s.params, 'inboundMax')) return;
    let sum = 0n;
    for (const e of inbound) sum += e.amountMinor;
    if (sum === 0n || tx.amountMinor < pct(sum, n(s.params, 'coverPercent')) || tx.amountMinor > sum) return;
    out.push({
      scenario: 'rapid_movement',
      focus: tx.from,
      parties: [],
      edges: [...inbound, { id: tx.id, from: tx.from, to: tx.to, amountMinor: tx.amountMinor, atMs: tx.atMs }],
      strength: 0.4,
      reason: `${tx.amountMinor} out within ${n(s.params, 'windowMs') / 3_600_000} h of ${sum} in`,
    });
  }

  /** Qualifying edges of a window with distinct, non-hub counterparties (the latest edge per counterparty kept). */
  #distinct(window: Window, windowMs: number, eachMin: bigint, side: 'from' | 'to'): Map<string, AlertEdge[]> {
    const byParty = new Map<string, AlertEdge[]>();
    for (const e of this.#live(window, windowMs)) {
      if (e.amountMinor < eachMin) continue;
      const party = e[side];
      const state = this.#accounts.get(party);
      if (state && this.#isHub(state)) continue;
      const list = byParty.get(party);
      if (list) list.push(e);
      else byParty.set(party, [e]);
    }
    return byParty;
  }

  /** Funding of each sender: its inflows within a day before it sent, of at least the amount sent. */
  #funding(edges: readonly AlertEdge[]): AlertEdge[] {
    const out: AlertEdge[] = [];
    for (const e of edges) {
      const state = this.#accounts.get(e.from);
      if (!state) continue;
      for (const f of this.#live(state.in, this.#windowMs)) {
        if (f.atMs <= e.atMs && e.atMs - f.atMs <= DAY_MS && f.amountMinor >= e.amountMinor && f.to === e.from) {
          out.push(f);
          break;
        }
      }
    }
    return out;
  }

  #fanIn(tx: MonitoredTransaction, to: AccountState, out: Finding[]): void {
    const s = this.#params('fan_in');
    if (!s || tx.amountMinor < m(s.params, 'eachMinMinor')) return;
    const senders = this.#distinct(to.in, n(s.params, 'windowMs'), m(s.params, 'eachMinMinor'), 'from');
    const min = n(s.params, 'counterpartiesMin');
    if (senders.size < min || !senders.has(tx.from)) return;
    const edges = [...senders.values()].flat();
    // Pass-through senders: each paid from money that arrived the same day (a merchant's customers do not).
    const funding = this.#funding(edges);
    const funded = new Set(funding.map((e) => e.to));
    if (funded.size < n(s.params, 'fundedMin')) return;
    out.push({
      scenario: 'fan_in',
      focus: tx.to,
      parties: [...senders.keys()],
      edges: [...edges, ...funding],
      strength: clamp01(0.45 + 0.05 * (senders.size - min)),
      reason: `${senders.size} senders within ${n(s.params, 'windowMs') / DAY_MS} days`,
    });
  }

  #fanOut(tx: MonitoredTransaction, from: AccountState, out: Finding[]): void {
    const s = this.#params('fan_out');
    if (!s || tx.amountMinor < m(s.params, 'eachMinMinor')) return;
    const windowMs = n(s.params, 'windowMs');
    const receivers = this.#distinct(from.out, windowMs, m(s.params, 'eachMinMinor'), 'to');
    const min = n(s.params, 'counterpartiesMin');
    if (receivers.size < min || !receivers.has(tx.to)) return;
    const edges = [...receivers.values()].flat();
    let sent = 0n;
    for (const e of edges) sent += e.amountMinor;
    const funding = [...this.#live(from.in, windowMs)];
    let funded = 0n;
    for (const e of funding) funded += e.amountMinor;
    if (funded < pct(sent, n(s.params, 'fundedPercent'))) return;
    out.push({
      scenario: 'fan_out',
      focus: tx.from,
      parties: [...receivers.keys()],
      edges: [...funding.filter((e) => e.amountMinor >= m(s.params, 'eachMinMinor')), ...edges],
      strength: clamp01(0.45 + 0.05 * (receivers.size - min)),
      reason: `${receivers.size} receivers within ${windowMs / DAY_MS} days, funded by ${funded}`,
    });
  }

  #gatherScatter(tx: MonitoredTransaction, hub: AccountState, out: Finding[]): void {
    const s = this.#params('gather_scatter');
    if (!s || tx.amountMinor < m(s.params, 'eachMinMinor')) return;
    const windowMs = n(s.params, 'windowMs');
    const each = m(s.params, 'eachMinMinor');
    const receivers = this.#distinct(hub.out, windowMs, each, 'to');
    if (receivers.size < n(s.params, 'receiversMin') || !receivers.has(tx.to)) return;
    const firstOut = Math.min(...[...receivers.values()].flat().map((e) => e.atMs));
    const senders = this.#distinct(hub.in, windowMs, each, 'from');
    for (const [party, edges] of senders) {
      const before = edges.filter((e) => e.atMs <= firstOut);
      if (before.length === 0 || receivers.has(party)) senders.delete(party);
      else senders.set(party, before);
    }
    if (senders.size < n(s.params, 'sourcesMin')) return;
    const inEdges = [...senders.values()].flat();
    const outEdges = [...receivers.values()].flat();
    let gathered = 0n;
    let scattered = 0n;
    for (const e of inEdges) gathered += e.amountMinor;
    for (const e of outEdges) scattered += e.amountMinor;
    if (scattered < pct(gathered, n(s.params, 'passPercent')) || scattered > pct(gathered, 120)) return;
    out.push({
      scenario: 'gather_scatter',
      focus: tx.from,
      parties: [...senders.keys(), ...receivers.keys()],
      edges: [...inEdges, ...outEdges, ...this.#funding(inEdges)],
      strength: clamp01(0.55 + 0.04 * (senders.size + receivers.size)),
      reason: `${senders.size} senders then ${receivers.size} receivers; ${scattered} of ${gathered} passed on`,
    });
  }

  #scatterGather(tx: MonitoredTransaction, sink: AccountState, out: Finding[]): void {
    const s = this.#params('scatter_gather');
    if (!s || tx.amountMinor < m(s.params, 'eachMinMinor')) return;
    const windowMs = n(s.params, 'windowMs');
    const forwardMin = n(s.params, 'forwardMinPercent');
    const middleOf = (edge: AlertEdge): AlertEdge[] => {
      const middle = this.#accounts.get(edge.from);
      if (!middle || this.#isHub(middle)) return [];
      const out: AlertEdge[] = [];
      for (const g of this.#live(middle.in, windowMs)) {
        if (
          g.atMs <= edge.atMs &&
          g.amountMinor >= edge.amountMinor &&
          edge.amountMinor >= pct(g.amountMinor, forwardMin)
        ) {
          const origin = this.#accounts.get(g.from);
          if (g.from !== tx.to && !(origin && this.#isHub(origin))) out.push(g);
        }
      }
      return out;
    };
    const origins = new Set(middleOf(tx).map((g) => g.from));
    if (origins.size === 0) return;
    const byOrigin = new Map<string, AlertEdge[]>();
    for (const f of this.#live(sink.in, windowMs)) {
      if (f.amountMinor < m(s.params, 'eachMinMinor')) continue;
      for (const g of middleOf(f)) {
        if (!origins.has(g.from)) continue;
        const list = byOrigin.get(g.from) ?? [];
        if (!list.some((e) => e.to === f.from)) list.push(g, f);
        byOrigin.set(g.from, list);
      }
    }
    for (const [origin, edges] of byOrigin) {
      const middles = new Set(edges.filter((e) => e.from === origin).map((e) => e.to));
      if (middles.size < n(s.params, 'middlesMin')) continue;
      const originState = this.#accounts.get(origin);
      const funding = originState
        ? [...this.#live(originState.in, windowMs)].filter((e) => e.amountMinor >= tx.amountMinor)
        : [];
      out.push({
        scenario: 'scatter_gather',
        focus: tx.to,
        parties: [origin, ...middles],
        edges: [...funding, ...edges],
        strength: clamp01(0.6 + 0.05 * middles.size),
        reason: `${origin} → ${middles.size} intermediaries → ${tx.to}`,
      });
    }
  }

  /** Bounded depth-first search for a time-ordered path back from the payee to the payer. */
  #cycle(edge: AlertEdge, out: Finding[]): void {
    const s = this.#params('cycle');
    if (!s || edge.amountMinor < m(s.params, 'amountMinMinor')) return;
    const windowMs = n(s.params, 'windowMs');
    const lengthMax = n(s.params, 'lengthMax');
    const keep = n(s.params, 'keepMinPercent');
    let budget = n(s.params, 'expansionsMax');
    const path: AlertEdge[] = [];
    const onPath = new Set<string>([edge.to]);
    const oldest = edge.atMs - windowMs;
    // Amounts shrink along the ring (each member keeps a little): a hop may not grow, nor shrink below keep%.
    const step = (node: string, afterMs: number, previous: bigint | null): boolean => {
      if (budget-- <= 0) return false;
      const state = this.#accounts.get(node);
      if (!state || this.#isHub(state)) return false;
      for (const e of this.#live(state.out, windowMs)) {
        if (e.atMs <= afterMs || e.atMs > edge.atMs || e.atMs < oldest || e.id === edge.id) continue;
        if (previous !== null && (e.amountMinor > previous || e.amountMinor < pct(previous, keep))) continue;
        if (e.amountMinor < edge.amountMinor) continue;
        if (e.to === edge.from) {
          if (edge.amountMinor >= pct(e.amountMinor, keep) && path.length + 2 >= n(s.params, 'lengthMin')) {
            path.push(e);
            return true;
          }
          continue;
        }
        if (onPath.has(e.to) || path.length + 2 >= lengthMax) continue;
        path.push(e);
        onPath.add(e.to);
        if (step(e.to, e.atMs, e.amountMinor)) return true;
        path.pop();
        onPath.delete(e.to);
      }
      return false;
    };
    if (!step(edge.to, Number.NEGATIVE_INFINITY, null)) return;
    const ring = [...path, edge];
    const parties = ring.map((e) => e.from);
    const focus = [...parties].sort()[0] as string;
    out.push({
      scenario: 'cycle',
      focus,
      parties,
      edges: ring,
      strength: clamp01(0.6 + 0.05 * ring.length),
      reason: `a ring of ${ring.length} accounts back to ${edge.to}`,
    });
  }
}

/** The batch path: sorts by time (then id) and runs the same monitor over the transactions. */
export function detectBatch(
  transactions: readonly MonitoredTransaction[],
  options: {
    scenarios: readonly ScenarioVersion[];
    profiles?: (account: string) => AccountProfile | undefined;
    limits?: Partial<MonitorLimits>;
  },
): Alert[] {
  const order = transactions.map((_, i) => i);
  order.sort((a, b) => {
    const x = transactions[a] as MonitoredTransaction;
    const y = transactions[b] as MonitoredTransaction;
    return x.atMs - y.atMs || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  });
  const monitor = new Monitor(options);
  for (const i of order) monitor.process(transactions[i] as MonitoredTransaction);
  return monitor.alerts();
}

/** An alert as JSON: amounts as decimal strings of minor units, times as ISO 8601. */
export function alertJson(alert: Alert) {
  const edges = [...alert.edges.values()].sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : 1));
  return {
    id: alert.id,
    scenario: alert.scenario,
    score: alert.score,
    focus: alert.focus,
    parties: [...alert.parties].sort(),
    transactionIds: edges.map((e) => e.id),
    edges: edges.map((e) => ({
      id: e.id,
      from: e.from,
      to: e.to,
      amountMinor: e.amountMinor.toString(),
      at: new Date(e.atMs).toISOString(),
    })),
    findings: alert.findings.map((f) => ({ ...f, at: new Date(f.atMs).toISOString() })),
    firstAt: new Date(alert.firstAtMs).toISOString(),
    lastAt: new Date(alert.lastAtMs).toISOString(),
    merged: [...alert.merged],
  };
}
export type AlertJson = ReturnType<typeof alertJson>;
