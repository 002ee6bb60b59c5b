import { type AccessService, accessErrors, hasScope } from '@zhirong/access';
import { type ProblemError, problem } from '@zhirong/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from './request-id.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without credentials. Only the server's health routes are public. */
    public?: boolean;
  }
}

/** Longest credential header value looked at; a real key is 74 characters. */
const CREDENTIAL_LENGTH_MAX = 512;
const CHALLENGE = 'Bearer realm="zhirong"';
const INVALID_TOKEN = 'Bearer realm="zhirong", error="invalid_token"';

/** The presented API key: `Authorization: Bearer <key>`, else `X-API-Key: <key>`. */
export function readCredential(headers: FastifyRequest['headers']): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 7 && authorization.length <= CREDENTIAL_LENGTH_MAX) {
    if (authorization.slice(0, 7).toLowerCase() === 'bearer ') {
      const token = authorization.slice(7).trim();
      if (token !== '') return token;
    }
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length <= CREDENTIAL_LENGTH_MAX) {
    const token = apiKey.trim();
    if (token !== '') return token;
  }
  return undefined;
}

export type RateLimiter = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * The onRequest guard every route passes through, in this order:
 * 1. set the security headers and echo the request id;
 * 2. public route (health) → done;
 * 3. verify the key (from the in-memory cache, normally without touching the database);
 * 4. count the request against its rate limit — per key id when the key is valid, per client IP
 *    otherwise, so guessing keys is rate limited too;
 * 5. refuse a missing or bad key (401) or a key without the route's `config.scope` (403).
 * It runs before the body is read, so an unauthenticated request never gets its body parsed.
 */
export function createGuard(
  access: AccessService,
  limiter: RateLimiter,
  headers: Readonly<Record<string, string>> = {},
) {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.headers(headers);
    reply.header(REQUEST_ID_HEADER, request.id);
    const config = request.routeOptions.config;
    if (config.public === true) return;
    const credential = readCredential(request.headers);
    let failure: ProblemError | undefined;
    if (credential === undefined) {
      failure = problem(accessErrors, 'unauthenticated', { headers: { 'www-authenticate': CHALLENGE } });
    } else {
      const verified = await access.verify(credential);
      if (verified.ok) request.principal = verified.value;
      else failure = problem(accessErrors, verified.code, { headers: { 'www-authenticate': INVALID_TOKEN } });
    }
    await limiter(request, reply);
    if (failure !== undefined) throw failure;
    const scope = config.scope;
    if (scope !== undefined && (request.principal === undefined || !hasScope(request.principal, scope))) {
      throw problem(accessErrors, 'forbidden_scope', {
        detail: `requires the scope "${scope}"`,
        extensions: { requiredScope: scope },
        headers: { 'www-authenticate': `Bearer realm="zhirong", error="insufficient_scope", scope="${scope}"` },
      });
    }
  };
}

/** The rate-limit bucket of a request: its key id once authenticated, else its IP. */
export function rateLimitKey(request: FastifyRequest): string {
  return request.principal !== undefined ? `key:${request.principal.keyId}` : `ip:${request.ip}`;
}
