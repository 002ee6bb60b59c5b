import { CatalogError, defineErrors } from '@zhirong/kernel';

/**
 * Error codes of the entity graph. The graph is in-process state (no routes of its own); the
 * statuses are what a service that wraps it answers.
 */
export const graphErrors = defineErrors({
  graph_option_invalid: {
    status: 400,
    en: 'Entity graph option {option} is invalid: {reason}.',
    zh: '实体关系图选项 {option} 无效：{reason}。',
  },
  graph_event_invalid: {
    status: 400,
    en: 'The event cannot be added to the entity graph: {reason}.',
    zh: '该事件无法加入实体关系图：{reason}。',
  },
});

export type GraphErrorCode = keyof typeof graphErrors;

/** An expected failure of the entity graph, with a stable code and zh/en text. */
export class GraphError extends CatalogError<GraphErrorCode> {
  override readonly name = 'GraphError';
  constructor(code: GraphErrorCode, params: Record<string, unknown> = {}) {
    super(graphErrors, code, params);
  }
}
