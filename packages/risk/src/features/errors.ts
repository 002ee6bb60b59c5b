import { CatalogError, defineErrors } from '@zhirong/kernel';

/** Error codes of the feature store, with HTTP status and zh/en text. */
export const featureErrors = defineErrors({
  feature_event_invalid: {
    status: 422,
    en: 'The risk event is invalid: {field} {problem}.',
    zh: '风险事件无效：{field} {problem}。',
  },
  feature_event_late: {
    status: 409,
    en: 'Event {id} at {atMs} is older than the newest time {watermarkMs} already seen for {key}; events must arrive in time order per entity.',
    zh: '事件 {id}（时间 {atMs}）早于 {key} 已见到的最新时间 {watermarkMs}；同一实体的事件必须按时间顺序到达。',
  },
  feature_store_closed: {
    status: 503,
    en: 'The feature store is closed.',
    zh: '特征存储已关闭。',
  },
  feature_store_options_invalid: {
    status: 500,
    en: 'Feature store option {option} {problem}.',
    zh: '特征存储配置项 {option} {problem}。',
  },
});

export type FeatureErrorCode = keyof typeof featureErrors;

/** An expected failure of the feature store, with a stable code and zh/en text. */
export class FeatureStoreError extends CatalogError<FeatureErrorCode> {
  override readonly name = 'FeatureStoreError';
  constructor(code: FeatureErrorCode, params: Record<string, unknown> = {}) {
    super(featureErrors, code, params);
  }
}
