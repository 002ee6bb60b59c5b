import { type Language, negotiateLanguage, type ProblemDetails, problemFor } from '@zhirong/kernel';
import { ProblemError } from '@zhirong/platform';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type HttpErrorCode, httpErrors } from './errors.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';
import { type FieldError, fieldError } from './validation.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Fastify's own error codes, mapped to ours. */
const FASTIFY_CODES: Readonly<Record<string, HttpErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'json_malformed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body_empty',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'content_type_unsupported',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content_length_invalid',
  FST_ERR_BAD_URL: 'url_malformed',
  FST_ERR_NOT_FOUND: 'route_not_found',
};

/** Fallbacks by status for errors from plugins that carry only a status. */
const STATUS_CODES: Readonly<Record<number, HttpErrorCode>> = {
  404: 'route_not_found',
  413: 'body_too_large',
  415: 'content_type_unsupported',
  429: 'rate_limited',
};

export interface RenderedProblem {
  readonly problem: ProblemDetails;
  readonly headers?: Readonly<Record<string, string>>;
  /** A server fault: log it with its stack (the client sees only the request id). */
  readonly fault: boolean;
}

function isProblemError(error: unknown): error is ProblemError {
  return (
    error instanceof ProblemError ||
    (error instanceof Error && error.name === 'ProblemError' && typeof (error as ProblemError).toProblem === 'function')
  );
}

function httpProblem(code: HttpErrorCode, language: Language, instance: string, extras: Record<string, unknown> = {}) {
  return problemFor(code, httpErrors[code], language, { instance, ...extras });
}

/** Turns anything thrown while handling a request into RFC 9457 problem details. */
export function renderProblem(error: unknown, request: FastifyRequest, language: Language): RenderedProblem {
  const instance = request.id;
  if (isProblemError(error)) {
    return {
      problem: error.toProblem(language, instance),
      ...(error.options.headers ? { headers: error.options.headers } : {}),
      fault: error.status >= 500,
    };
  }
  const fastifyError = error as Partial<FastifyError> & { validationContext?: string };
  if (Array.isArray(fastifyError.validation) && fastifyError.validation.length > 0) {
    const location = fastifyError.validationContext ?? 'body';
    if (location === 'body' && request.body === undefined) {
      return { problem: httpProblem('body_empty', language, instance), fault: false };
    }
    const field: FieldError = fieldError(fastifyError.validation[0] as never, location);
    const where = location === 'body' ? '' : `${location} `;
    return {
      problem: httpProblem(field.code, language, instance, {
        detail: `${where}${field.pointer || '/'} ${field.message}`,
        errors: [{ pointer: field.pointer, location: field.location, code: field.code }],
      }),
      fault: false,
    };
  }
  const byCode = typeof fastifyError.code === 'string' ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (byCode !== undefined) return { problem: httpProblem(byCode, language, instance), fault: false };
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { problem: httpProblem(STATUS_CODES[status] ?? 'request_invalid', language, instance), fault: false };
  }
  return { problem: httpProblem('internal_error', language, instance), fault: true };
}

export function sendProblem(reply: FastifyReply, rendered: RenderedProblem): FastifyReply {
  reply.header(REQUEST_ID_HEADER, reply.request.id);
  if (rendered.headers) for (const [name, value] of Object.entries(rendered.headers)) reply.header(name, value);
  return reply.code(rendered.problem.status).type(PROBLEM_CONTENT_TYPE).send(rendered.problem);
}

/** The one error handler: every failure leaves as problem+json in the caller's language. */
export function problemErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const rendered = renderProblem(error, request, negotiateLanguage(request.headers['accept-language']));
  if (rendered.fault) request.log.error({ err: error, reqId: request.id }, 'request failed');
  return sendProblem(reply, rendered);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const language = negotiateLanguage(request.headers['accept-language']);
  return sendProblem(reply, {
    problem: httpProblem('route_not_found', language, request.id, {
      detail: `${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`,
    }),
    fault: false,
  });
}
