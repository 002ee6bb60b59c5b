import { defineErrors } from '@zhirong/kernel';

/** Every failure of authentication, authorisation and API-key management, with its HTTP status. */
export const accessErrors = defineErrors({
  unauthenticated: {
    status: 401,
    en: 'Credentials are required: send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
    zh: '需要身份凭证：请通过 "Authorization: Bearer <key>" 或 "X-API-Key: <key>" 提供 API 密钥',
  },
  api_key_invalid: {
    status: 401,
    en: 'The API key is not valid',
    zh: 'API 密钥无效',
  },
  api_key_revoked: {
    status: 401,
    en: 'The API key has been revoked',
    zh: 'API 密钥已被吊销',
  },
  api_key_expired: {
    status: 401,
    en: 'The API key has expired',
    zh: 'API 密钥已过期',
  },
  forbidden_scope: {
    status: 403,
    en: 'The API key lacks the scope this operation requires',
    zh: 'API 密钥缺少执行此操作所需的权限范围',
  },
  api_key_not_found: {
    status: 404,
    en: 'No such API key',
    zh: 'API 密钥不存在',
  },
  scope_unknown: {
    status: 400,
    en: 'Unknown scope',
    zh: '未知的权限范围',
  },
  api_key_name_invalid: {
    status: 400,
    en: 'An API key name must be 1 to 100 printable characters',
    zh: 'API 密钥名称须为 1 到 100 个可打印字符',
  },
  api_key_expiry_invalid: {
    status: 400,
    en: 'An API key must expire in the future',
    zh: 'API 密钥的过期时间必须晚于当前时间',
  },
  api_key_cursor_invalid: {
    status: 400,
    en: 'The page cursor is not valid: pass the nextCursor of the previous page',
    zh: '分页游标无效：请使用上一页返回的 nextCursor',
  },
  api_key_last_admin: {
    status: 409,
    en: 'This is the last active admin key; create another admin key before revoking it',
    zh: '这是最后一个有效的管理员密钥；请先创建另一个管理员密钥再吊销它',
  },
});

export type AccessErrorCode = keyof typeof accessErrors;
