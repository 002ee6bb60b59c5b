import type { EntityKind, FeatureValue, FeatureVector, RiskEvent, RiskEventType } from '../event.ts';
import {
  type Combined,
  combine,
  type FeatureText,
  type ListHit,
  type RuleHitLike,
  type Thresholds,
} from './combine.ts';
import type { CompiledRulesetLike, FeatureStorePort, GraphPort } from './ports.ts';
import type { RiskModel } from './risk-model.ts';

export interface ActiveRuleset {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly status: 'live' | 'shadow';
  readonly eventTypes: ReadonlySet<RiskEventType>;
  readonly thresholds: Thresholds;
  readonly compiled: CompiledRulesetLike;
}

export interface ListMembership {
  readonly list: string;
  readonly kind: 'allow' | 'deny' | 'reference';
  readonly entityKind: string;
  readonly reason: string;
  /** Epoch ms, or null for no expiry. */
  readonly expiresAtMs: number | null;
}

/** Entries of every list, indexed for the hot path. */
export class ListIndex {
  readonly #byEntity = new Map<string, Map<string, ListMembership[]>>();
  readonly #reference = new Map<string, Set<string>>();

  add(value: string, m: ListMembership): void {
    const values = this.#byEntity.get(m.entityKind) ?? new Map<string, ListMembership[]>();
    this.#byEntity.set(m.entityKind, values);
    const found = values.get(value);
    if (found) found.push(m);
    else values.set(value, [m]);
    const set = this.#reference.get(m.list) ?? new Set<string>();
    this.#reference.set(m.list, set);
    set.add(value);
  }

  /** Allow and deny hits for the event's parties, unexpired at the event's time. */
  hits(event: RiskEvent): ListHit[] {
    const out: ListHit[] = [];
    for (const [kind, values] of this.#byEntity) {
      const value = entityValue(event, kind as EntityKind);
      if (value === undefined) continue;
      for (const m of values.get(value) ?? []) {
        if (m.kind === 'reference' || (m.expiresAtMs !== null && m.expiresAtMs <= event.atMs)) continue;
        out.push({ list: m.list, kind: m.kind, entityKind: m.entityKind, value, reason: m.reason });
      }
    }
    return out;
  }

  /** Values of a list, for `x in @list` in rules. */
  values(list: string): ReadonlySet<string> | undefined {
    return this.#reference.get(list);
  }
}

export function entityValue(event: RiskEvent, kind: EntityKind): string | undefined {
  switch (kind) {
    case 'customer':
      return event.customerId;
    case 'account':
      return event.accountId;
    case 'device':
      return event.deviceId;
    case 'ip':
      return event.ip;
    case 'payee':
      return event.payeeId;
    case 'merchant':
      return event.merchantId;
    case 'card':
      return event.cardId;
    case 'phone':
      return event.phone;
  }
}

/** Features every engine has, read from the event itself. */
export function eventFeatures(event: RiskEvent): Record<string, FeatureValue> {
  return {
    event_currency: event.currency ?? null,
    event_country: event.country ?? null,
    event_mcc: event.merchantCategoryCode ?? null,
  };
}

export interface RulesetOutcome {
  readonly ruleset: ActiveRuleset;
  readonly hits: RuleHitLike[];
}

export interface Evaluation extends Combined {
  readonly features: FeatureVector;
  readonly live: readonly RulesetOutcome[];
  readonly shadow: readonly { ruleset: ActiveRuleset; combined: Combined; hits: RuleHitLike[] }[];
  readonly champion: { version: string; probability: number } | null;
  readonly challenger: { version: string; score: number } | null;
  readonly thresholds: Thresholds;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({ reviewAt: 700, declineAt: 900 });

/**
 * The decision itself, in memory: features (store + graph + event), list hits, live and shadow
 * rulesets, champion and challenger models, combined into one verdict. No I/O but the feature
 * store's; persistence is the service's job, so backtests and benchmarks run this directly.
 */
export class DecisionEngine {
  #rulesets: readonly ActiveRuleset[] = [];
  #lists = new ListIndex();
  #champion: RiskModel | undefined;
  #challenger: RiskModel | undefined;

  constructor(
    readonly store: FeatureStorePort,
    readonly graph: GraphPort,
    readonly describe: (feature: string) => FeatureText | undefined,
  ) {}

  setRulesets(rulesets: readonly ActiveRuleset[]): void {
    this.#rulesets = rulesets;
  }

  setLists(lists: ListIndex): void {
    this.#lists = lists;
  }

  setModels(champion: RiskModel | undefined, challenger: RiskModel | undefined): void {
    this.#champion = champion;
    this.#challenger = challenger;
  }

  get champion(): RiskModel | undefined {
    return this.#champion;
  }

  get challenger(): RiskModel | undefined {
    return this.#challenger;
  }

  get rulesets(): readonly ActiveRuleset[] {
    return this.#rulesets;
  }

  /** Features of the event: recorded into history when `record`, else a what-if look. */
  async features(event: RiskEvent, record: boolean): Promise<FeatureVector> {
    const stored = record ? await this.store.observe(event) : await this.store.peek(event);
    const graph = record ? this.graph.observe(event) : this.graph.peek(event);
    return { ...stored, ...graph, ...eventFeatures(event) };
  }

  /** Decides on features already computed (the replay and backtest path). */
  decideOn(
    event: RiskEvent,
    features: FeatureVector,
    rulesets = this.#rulesets,
    options: { explain?: boolean } = {},
  ): Evaluation {
    const env = { lists: (name: string) => this.#lists.values(name) };
    const live: RulesetOutcome[] = [];
    const shadowSets: ActiveRuleset[] = [];
    for (const r of rulesets) {
      if (!r.eventTypes.has(event.type)) continue;
      if (r.status === 'live') live.push({ ruleset: r, hits: r.compiled.evaluate(features, env) });
      else shadowSets.push(r);
    }
    const thresholds = strictest(live.map((o) => o.ruleset.thresholds));
    const listHits = this.#lists.hits(event);
    const champion = this.#champion?.score(features);
    const liveHits = live.flatMap((o) => o.hits);
    const base = {
      model: champion,
      listHits,
      describe: this.describe,
    };
    // Reasons from the model cost a TreeSHAP pass (the costliest step, ~0.5 ms for 200 trees).
    // They are computed for what someone will read — reviews, declines, and near misses scoring
    // at least half the review threshold — and skipped for clear approvals and bulk evaluations.
    const withoutModelReasons = combine({ ...base, contributions: [], ruleHits: liveHits, thresholds });
    const explain =
      this.#champion !== undefined &&
      options.explain !== false &&
      (withoutModelReasons.decision !== 'approve' || withoutModelReasons.score * 2 >= thresholds.reviewAt);
    const combined = explain
      ? combine({
          ...base,
          contributions: (this.#champion as RiskModel).explain(features),
          ruleHits: liveHits,
          thresholds,
        })
      : withoutModelReasons;
    const shadow = shadowSets.map((ruleset) => {
      const hits = ruleset.compiled.evaluate(features, env);
      return {
        ruleset,
        hits,
        combined: combine({ ...base, contributions: [], ruleHits: hits, thresholds: ruleset.thresholds }),
      };
    });
    const challengerScore = this.#challenger?.score(features);
    return {
      ...combined,
      features,
      live,
      shadow,
      thresholds,
      champion: champion ? { version: champion.version, probability: champion.probability } : null,
      challenger: challengerScore
        ? { version: challengerScore.version, score: Math.round(challengerScore.probability * 1000) }
        : null,
    };
  }

  async evaluate(event: RiskEvent, record = true): Promise<Evaluation> {
    return this.decideOn(event, await this.features(event, record));
  }
}

function strictest(all: readonly Thresholds[]): Thresholds {
  if (all.length === 0) return DEFAULT_THRESHOLDS;
  return {
    reviewAt: Math.min(...all.map((t) => t.reviewAt)),
    declineAt: Math.min(...all.map((t) => t.declineAt)),
  };
}
