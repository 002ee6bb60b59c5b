import type { FeatureDefinition, FeatureType, FeatureValue, FeatureVector, RiskEvent } from '../event.ts';
import type { RuleHitLike } from './combine.ts';

/**
 * What the engine needs from its parts. The feature store, the entity graph and the rule compiler
 * each live in their own folder of this package; the engine is written against these shapes so
 * each part can be tested and replaced (memory or Redis store) on its own.
 */
export interface FeatureStorePort {
  /** Features from history strictly before `event`, then records it (idempotent on the event id). */
  observe(event: RiskEvent): Promise<FeatureVector>;
  /** Features without recording the event (backtests, what-if). */
  peek(event: RiskEvent): Promise<FeatureVector>;
  rebuild(events: AsyncIterable<RiskEvent> | Iterable<RiskEvent>): Promise<void>;
  close(): Promise<void>;
}

export interface GraphPort {
  /** Links the event's parties and returns the graph features for it (idempotent on the event id). */
  observe(event: RiskEvent): Readonly<Record<string, FeatureValue>>;
  peek(event: RiskEvent): Readonly<Record<string, FeatureValue>>;
  markFraud(customerId: string, confirmed: boolean): void;
}

export interface RuleDiagnosticLike {
  readonly ruleId?: string;
  readonly field?: string;
  readonly code: string;
  readonly line?: number;
  readonly column?: number;
  readonly en: string;
  readonly zh: string;
}

export interface CompiledRulesetLike {
  evaluate(
    features: FeatureVector,
    env?: { lists?: (name: string) => ReadonlySet<string | number> | undefined },
  ): RuleHitLike[];
}

export interface RuleSchemaLike {
  readonly features: ReadonlyMap<string, FeatureType>;
  readonly lists?: Readonly<Record<string, 'string' | 'number'>>;
}

export type RuleCompiler = (
  rules: readonly {
    id: string;
    name?: string;
    condition: string;
    action: 'decline' | 'review' | 'score';
    points?: number;
    reason: { en: string; zh: string };
    enabled?: boolean;
  }[],
  schema: RuleSchemaLike,
) => { ok: true; value: CompiledRulesetLike } | { ok: false; errors: readonly RuleDiagnosticLike[] };

/** Every feature a rule or model may read: the store's, the graph's and the event's own fields. */
export interface FeatureCatalog {
  readonly definitions: readonly FeatureDefinition[];
  readonly version: string;
}
