import type { Config } from '@zhirong/platform';
import type { FeatureText } from './engine/combine.ts';
import type { FeatureCatalog, FeatureStorePort, GraphPort, RuleCompiler } from './engine/ports.ts';
import type { FeatureDefinition, RiskEvent } from './event.ts';
import { FEATURE_CATALOG, MemoryFeatureStore, RedisFeatureStore } from './features/index.ts';
import { EntityGraph, GRAPH_FEATURES } from './graph/index.ts';
import { compileRuleset } from './rules/index.ts';

/** Features read from the event itself (see `eventFeatures`). */
export const EVENT_FEATURES: readonly FeatureDefinition[] = [
  { name: 'event_currency', type: 'string', description: { en: 'Currency', zh: '币种' } },
  { name: 'event_country', type: 'string', description: { en: 'Counterparty country', zh: '对手方国家/地区' } },
  { name: 'event_mcc', type: 'string', description: { en: 'Merchant category code', zh: '商户类别码' } },
];

/** Every feature of the engine: the store's, the graph's and the event's. */
export function featureCatalog(): FeatureCatalog {
  const definitions = [...FEATURE_CATALOG, ...GRAPH_FEATURES, ...EVENT_FEATURES];
  const names = new Set<string>();
  for (const d of definitions) {
    if (names.has(d.name)) throw new Error(`feature ${d.name} is defined twice`);
    names.add(d.name);
  }
  return { definitions, version: `features-${definitions.length}` };
}

export function describer(catalog: FeatureCatalog): (feature: string) => FeatureText | undefined {
  const texts = new Map(catalog.definitions.map((d) => [d.name, d.description]));
  return (feature) => texts.get(feature);
}

/** The entity graph behind the engine's port: links first, so the event's own links count. */
export function graphPort(graph = new EntityGraph()): GraphPort & { readonly graph: EntityGraph } {
  return {
    graph,
    observe(event: RiskEvent) {
      graph.observe(event);
      return graph.graphFeatures(event);
    },
    peek(event: RiskEvent) {
      return graph.graphFeatures(event);
    },
    markFraud(customerId, confirmed) {
      graph.markFraud(customerId, confirmed);
    },
  };
}

export const compileRules: RuleCompiler = (rules, schema) => compileRuleset(rules, schema);

export interface EngineParts {
  readonly store: FeatureStorePort;
  readonly graph: GraphPort & { readonly graph: EntityGraph };
  readonly catalog: FeatureCatalog;
  readonly describe: (feature: string) => FeatureText | undefined;
  readonly compile: RuleCompiler;
}

/** The parts of an engine: a Redis feature store when configured (several processes), else memory. */
export function createEngineParts(config?: Pick<Config, 'riskRedisUrl'>): EngineParts {
  const catalog = featureCatalog();
  const store: FeatureStorePort = config?.riskRedisUrl
    ? new RedisFeatureStore(config.riskRedisUrl, { keyPrefix: 'zr:risk' })
    : new MemoryFeatureStore();
  return { store, graph: graphPort(), catalog, describe: describer(catalog), compile: compileRules };
}
