import { defineErrors, pickInputErrors } from '@zhirong/kernel';

/** Every ledger error code: one per reason, with its HTTP status and its zh/en message. */
export const ledgerErrors = defineErrors({
  ...pickInputErrors(
    'id_malformed',
    'currency_unknown',
    'amount_malformed',
    'amount_too_precise',
    'amount_zero',
    'amount_negative',
    'amount_too_large',
    'metadata_too_large',
    'cursor_malformed',
  ),
  account_not_found: { status: 404, en: 'Account {id} does not exist.', zh: '账户 {id} 不存在。' },
  transfer_not_found: { status: 404, en: 'Transfer {id} does not exist.', zh: '转账 {id} 不存在。' },
  currency_mismatch: {
    status: 422,
    en: 'The accounts and the transfer must all be in the same currency.',
    zh: '转账与双方账户的币种必须一致。',
  },
  accounts_must_be_different: {
    status: 422,
    en: 'The debit and credit accounts must be different.',
    zh: '借方账户与贷方账户不能相同。',
  },
  account_type_unknown: {
    status: 400,
    en: 'Account type {type} is not one of asset, liability, equity, income, expense.',
    zh: '账户类型 {type} 无效，应为 asset、liability、equity、income 或 expense。',
  },
  account_flags_conflict: {
    status: 422,
    en: 'An account cannot limit both its debits and its credits.',
    zh: '账户不能同时限制借方和贷方。',
  },
  exists_with_different_fields: {
    status: 409,
    en: 'A record with this id already exists with different fields.',
    zh: '该标识的记录已存在，且字段不同。',
  },
  exceeds_credits: {
    status: 422,
    en: 'The transfer would make the debits of account {id} exceed its credits (insufficient funds).',
    zh: '该转账将使账户 {id} 的借方超过贷方（余额不足）。',
  },
  exceeds_debits: {
    status: 422,
    en: 'The transfer would make the credits of account {id} exceed its debits.',
    zh: '该转账将使账户 {id} 的贷方超过借方。',
  },
  overflows_balance: {
    status: 422,
    en: 'The transfer would overflow a balance of account {id}.',
    zh: '该转账将导致账户 {id} 的余额溢出。',
  },
  account_frozen: { status: 422, en: 'Account {id} is frozen.', zh: '账户 {id} 已冻结。' },
  account_closed: { status: 422, en: 'Account {id} is closed.', zh: '账户 {id} 已销户。' },
  account_balance_not_zero: {
    status: 422,
    en: 'Account {id} still has a balance or pending amounts and cannot be closed.',
    zh: '账户 {id} 仍有余额或在途金额，无法销户。',
  },
  account_status_transition_invalid: {
    status: 422,
    en: 'Account {id} cannot go from {from} to {to}.',
    zh: '账户 {id} 不能从 {from} 变更为 {to}。',
  },
  pending_transfer_not_found: {
    status: 404,
    en: 'Pending transfer {id} does not exist.',
    zh: '预授权转账 {id} 不存在。',
  },
  pending_transfer_not_pending: {
    status: 422,
    en: 'Transfer {id} is not a pending (two-phase) transfer.',
    zh: '转账 {id} 不是预授权（两阶段）转账。',
  },
  pending_transfer_already_posted: {
    status: 409,
    en: 'Pending transfer {id} was already posted.',
    zh: '预授权转账 {id} 已入账。',
  },
  pending_transfer_already_voided: {
    status: 409,
    en: 'Pending transfer {id} was already voided.',
    zh: '预授权转账 {id} 已撤销。',
  },
  pending_transfer_expired: { status: 409, en: 'Pending transfer {id} has expired.', zh: '预授权转账 {id} 已过期。' },
  exceeds_pending_transfer_amount: {
    status: 422,
    en: 'The amount exceeds the pending amount of transfer {id}.',
    zh: '金额超过了预授权转账 {id} 的冻结金额。',
  },
  timeout_reserved_for_pending_transfer: {
    status: 400,
    en: 'A timeout is only allowed on a pending transfer.',
    zh: '只有预授权转账可以设置超时时间。',
  },
  reversal_target_not_posted: {
    status: 422,
    en: 'Transfer {id} has no posted amount to reverse.',
    zh: '转账 {id} 没有可冲正的已入账金额。',
  },
  exceeds_reversible_amount: {
    status: 422,
    en: 'The reversal exceeds the amount of transfer {id} not yet reversed.',
    zh: '冲正金额超过了转账 {id} 尚未冲正的金额。',
  },
  linked_event_failed: {
    status: 422,
    en: 'Another transfer in the same linked chain failed.',
    zh: '同一关联链中的另一笔转账失败。',
  },
  linked_event_chain_open: {
    status: 400,
    en: 'The last transfer of a batch must close its linked chain.',
    zh: '批次中最后一笔转账必须结束关联链。',
  },
  batch_too_large: { status: 413, en: 'A batch holds at most {max} items.', zh: '一个批次最多包含 {max} 条。' },
  batch_empty: { status: 400, en: 'A batch must hold at least one item.', zh: '批次不能为空。' },
  time_range_invalid: { status: 400, en: 'The time range is not valid.', zh: '时间范围无效。' },
});

export type LedgerErrorCode = keyof typeof ledgerErrors;
