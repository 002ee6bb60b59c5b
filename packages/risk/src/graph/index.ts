/**
 * The entity graph of the risk engine: customers linked through shared devices, IPs, phones and
 * payees and through money flows; components, rings and graph features. See README.md.
 */
export {
  type ComponentSummary,
  type ComponentView,
  EntityGraph,
  type EntityGraphOptions,
  GRAPH_FEATURES,
  type GraphEdge,
  type GraphNode,
  type GraphStats,
  LINK_KINDS,
  type LinkKind,
  type Ring,
  type RingKind,
} from './entity-graph.ts';
export { GraphError, type GraphErrorCode, graphErrors } from './errors.ts';
