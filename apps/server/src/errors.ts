import { defineErrors, type ErrorCatalog } from '@zhirong/kernel';

/**
 * Failures of the HTTP layer itself: malformed requests, limits, routing, readiness. Domain
 * failures live in each module's catalog; authentication failures in the access module's.
 */
export const httpErrors = defineErrors({
  json_malformed: {
    status: 400,
    en: 'The request body is not valid JSON',
    zh: '请求体不是合法的 JSON',
  },
  body_empty: {
    status: 400,
    en: 'The request body is empty but this operation needs one',
    zh: '请求体为空，但此操作需要请求体',
  },
  content_type_unsupported: {
    status: 415,
    en: 'Unsupported Content-Type: send application/json',
    zh: '不支持的 Content-Type：请使用 application/json',
  },
  content_length_invalid: {
    status: 400,
    en: 'The Content-Length header does not match the body',
    zh: 'Content-Length 请求头与请求体不一致',
  },
  body_too_large: {
    status: 413,
    en: 'The request body is larger than this server accepts',
    zh: '请求体超过服务器允许的大小',
  },
  field_unknown: {
    status: 400,
    en: 'The request has a field this operation does not accept',
    zh: '请求包含此操作不接受的字段',
  },
  field_required: {
    status: 400,
    en: 'A required field is missing',
    zh: '缺少必填字段',
  },
  field_type_invalid: {
    status: 400,
    en: 'A field has the wrong type',
    zh: '字段类型错误',
  },
  field_invalid: {
    status: 400,
    en: 'A field has a value this operation does not accept',
    zh: '字段取值不符合要求',
  },
  url_malformed: {
    status: 400,
    en: 'The request URL is malformed',
    zh: '请求 URL 格式错误',
  },
  request_invalid: {
    status: 400,
    en: 'The request is not valid',
    zh: '请求无效',
  },
  route_not_found: {
    status: 404,
    en: 'No such route',
    zh: '路由不存在',
  },
  rate_limited: {
    status: 429,
    en: 'Too many requests: slow down and retry after the time in Retry-After',
    zh: '请求过于频繁：请在 Retry-After 指示的时间后重试',
  },
  internal_error: {
    status: 500,
    en: 'Internal server error; quote the request id when reporting it',
    zh: '服务器内部错误；反馈问题时请提供请求 ID',
  },
  not_ready: {
    status: 503,
    en: 'The service is not ready to take requests',
    zh: '服务尚未就绪',
  },
});

export type HttpErrorCode = keyof typeof httpErrors;

export interface ErrorListing {
  readonly code: string;
  readonly status: number;
  readonly en: string;
  readonly zh: string;
}

/** The HTTP catalog as rows, for `docs/ERRORS.md` and the catalog test. */
export function httpErrorList(catalog: ErrorCatalog = httpErrors): ErrorListing[] {
  return Object.entries(catalog).map(([code, def]) => ({ code, status: def.status, en: def.en, zh: def.zh }));
}
