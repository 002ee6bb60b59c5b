import { defineErrors, pickInputErrors } from '@zhirong/kernel';
import { featureErrors } from './features/errors.ts';

/** Every risk-engine error code, with its HTTP status and zh/en message. */
export const riskErrors = defineErrors({
  ...pickInputErrors(
    'id_malformed',
    'currency_unknown',
    'amount_malformed',
    'amount_too_precise',
    'amount_zero',
    'amount_negative',
    'amount_too_large',
  ),
  // The feature store refuses an event it cannot take (a malformed one, or a store that closed).
  ...featureErrors,
  risk_event_invalid: {
    status: 400,
    en: 'The event is not valid: {reason}.',
    zh: '事件无效：{reason}。',
  },
  risk_event_conflict: {
    status: 409,
    en: 'Event {eventId} was already decided with different content.',
    zh: '事件 {eventId} 已按不同内容作出过决策。',
  },
  rule_invalid: {
    status: 422,
    en: 'The ruleset has {count} error(s); the first: {first}',
    zh: '规则集有 {count} 处错误；第一处：{first}',
  },
  ruleset_not_found: { status: 404, en: 'Ruleset {id} does not exist.', zh: '规则集 {id} 不存在。' },
  ruleset_transition_invalid: {
    status: 409,
    en: 'Ruleset {id} is {status}; it cannot become {target}.',
    zh: '规则集 {id} 当前为 {status}，不能变为 {target}。',
  },
  ruleset_no_previous: {
    status: 409,
    en: 'There is no earlier live version of ruleset {name} to roll back to.',
    zh: '规则集 {name} 没有可回滚的早期生效版本。',
  },
  list_not_found: { status: 404, en: 'List {name} does not exist.', zh: '名单 {name} 不存在。' },
  list_exists: { status: 409, en: 'List {name} already exists.', zh: '名单 {name} 已存在。' },
  list_entry_not_found: {
    status: 404,
    en: 'List {name} has no entry {value}.',
    zh: '名单 {name} 中没有条目 {value}。',
  },
  case_not_found: { status: 404, en: 'Case {id} does not exist.', zh: '案件 {id} 不存在。' },
  case_closed: { status: 409, en: 'Case {id} is already closed.', zh: '案件 {id} 已结案。' },
  decision_not_found: { status: 404, en: 'Decision {id} does not exist.', zh: '决策 {id} 不存在。' },
  model_not_found: { status: 404, en: 'Model {version} does not exist.', zh: '模型 {version} 不存在。' },
  model_incompatible: {
    status: 422,
    en: 'Model {version} needs features the engine does not compute: {missing}.',
    zh: '模型 {version} 需要引擎未计算的特征：{missing}。',
  },
  model_invalid: { status: 422, en: 'The model is not valid: {reason}.', zh: '模型无效：{reason}。' },
});

export type RiskErrorCode = keyof typeof riskErrors;
