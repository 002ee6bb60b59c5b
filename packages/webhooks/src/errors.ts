import { defineErrors, pickInputErrors } from '@zhirong/kernel';

/** Every webhooks error code: one per reason, with its HTTP status and its zh/en message. */
export const webhooksErrors = defineErrors({
  ...pickInputErrors('idempotency_key_invalid', 'idempotency_key_reused'),
  ...pickInputErrors('id_malformed', 'cursor_malformed'),
  // Shared with the ledger, word for word (the registry requires one definition per code).
  endpoint_not_found: { status: 404, en: 'Webhook endpoint {id} does not exist.', zh: 'Webhook 端点 {id} 不存在。' },
  delivery_not_found: { status: 404, en: 'Webhook delivery {id} does not exist.', zh: 'Webhook 投递 {id} 不存在。' },
  endpoint_url_invalid: {
    status: 400,
    en: 'The endpoint URL is not valid: {reason}.',
    zh: '端点 URL 无效：{reason}。',
  },
  endpoint_url_insecure: {
    status: 400,
    en: 'The endpoint URL must use https.',
    zh: '端点 URL 必须使用 https。',
  },
  endpoint_url_forbidden: {
    status: 400,
    en: 'The endpoint URL points to a private, loopback or reserved address ({host}), which webhooks may not reach.',
    zh: '端点 URL 指向私有、回环或保留地址（{host}），Webhook 不允许访问。',
  },
  event_type_pattern_invalid: {
    status: 400,
    en: 'The event type pattern {pattern} is not valid: use dotted names such as payments.payment.*, ledger.> or ledger.transfers.created.',
    zh: '事件类型模式 {pattern} 无效：请使用点分名称，如 payments.payment.*、ledger.> 或 ledger.transfers.created。',
  },
  endpoint_description_too_long: {
    status: 400,
    en: 'The endpoint description is limited to {max} characters.',
    zh: '端点描述最多 {max} 个字符。',
  },
  endpoint_disabled: {
    status: 409,
    en: 'Webhook endpoint {id} is disabled; enable it first.',
    zh: 'Webhook 端点 {id} 已停用，请先启用。',
  },
  delivery_in_progress: {
    status: 409,
    en: 'Webhook delivery {id} is being attempted right now; try again in a moment.',
    zh: 'Webhook 投递 {id} 正在尝试中，请稍后再试。',
  },
  webhook_secret_unreadable: {
    status: 500,
    en: 'A stored webhook signing secret cannot be decrypted with the configured key.',
    zh: '无法使用当前配置的密钥解密已存储的 Webhook 签名密钥。',
  },
});

export type WebhooksErrorCode = keyof typeof webhooksErrors;
