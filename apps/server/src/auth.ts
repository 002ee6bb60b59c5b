import { type AccessService, accessErrors, hasScope } from '@zhirong/access';
import {
  CSRF_HEADER,
  clearedCookies,
  type IdentityService,
  identityErrors,
  readCookie,
  SESSION_COOKIE,
  type StaffRole,
} from '@zhirong/identity';
import { type Principal, type ProblemError, problem } from '@zhirong/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isConsolePath } from './console.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without credentials. Only the server's health routes and sign-in are public. */
    public?: boolean;
    /**
     * The console's catch-all route: public for the console's own paths (`/`, `/assets/…`, page
     * URLs), but authenticated like any API route for the paths the console never serves (`/v1/…`,
     * `/docs`, …), so an unknown API path stays 401-before-404.
     */
    console?: boolean;
  }
}

/** Longest credential header value looked at; a real key is 74 characters. */
const CREDENTIAL_LENGTH_MAX = 512;
const CHALLENGE = 'Bearer realm="zhirong"';
const INVALID_TOKEN = 'Bearer realm="zhirong", error="invalid_token"';
/** Methods that change nothing; every other method needs the session's CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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

/** Console sessions as the guard sees them: the identity service and each role's scopes. */
export interface SessionAuthentication {
  readonly identity: IdentityService;
  /** The scopes of a role among the running modules' scopes (see `scopesForRole`). */
  readonly scopesOf: (role: StaffRole) => readonly string[];
}

/**
 * The onRequest guard every route passes through, in this order:
 * 1. set the security headers and echo the request id;
 * 2. public route (health, sign-in, the console's files) → done;
 * 3. an API key (`Authorization` / `X-API-Key`) → verify it (from the in-memory cache, normally
 *    without touching the database); otherwise a console session cookie → verify the session
 *    (one indexed read) and, for any method but GET/HEAD/OPTIONS, its CSRF token;
 * 4. count the request against its rate limit — per key id or staff user when valid, per client IP
 *    otherwise, so guessing keys is rate limited too;
 * 5. refuse missing or bad credentials (401), a bad CSRF token (403), or a principal without the
 *    route's `config.scope` (403: `forbidden_scope` for a key, `role_forbidden` for a staff user,
 *    whose scopes are those of their role).
 * It runs before the body is read, so an unauthenticated request never gets its body parsed.
 */
export function createGuard(
  access: AccessService,
  limiter: RateLimiter,
  headers: Readonly<Record<string, string>> = {},
  sessions?: SessionAuthentication,
) {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.headers(headers);
    reply.header(REQUEST_ID_HEADER, request.id);
    const config = request.routeOptions.config;
    if (config.public === true) return;
    if (config.console === true && isConsolePath(request.url)) return;
    const credential = readCredential(request.headers);
    const sessionToken =
      credential === undefined && sessions !== undefined
        ? readCookie(request.headers.cookie, SESSION_COOKIE)
        : undefined;
    let failure: ProblemError | undefined;
    if (credential !== undefined) {
      const verified = await access.verify(credential);
      if (verified.ok) request.principal = verified.value;
      else failure = problem(accessErrors, verified.code, { headers: { 'www-authenticate': INVALID_TOKEN } });
    } else if (sessionToken !== undefined && sessions !== undefined) {
      const verified = await sessions.identity.verifySession(sessionToken);
      if (verified.ok) {
        const { staff, sessionId, expiresAt } = verified.value;
        request.principal = {
          keyId: staff.id,
          scopes: sessions.scopesOf(staff.role),
          staff: { id: staff.id, role: staff.role, sessionId, expiresAt: expiresAt.toISOString() },
        } satisfies Principal;
        if (!SAFE_METHODS.has(request.method)) {
          const presented = request.headers[CSRF_HEADER];
          if (!sessions.identity.checkCsrf(verified.value, typeof presented === 'string' ? presented : undefined)) {
            failure = problem(identityErrors, 'csrf_token_invalid');
          }
        }
      } else {
        // The browser holds a dead session: tell it to forget the cookies.
        reply.header('set-cookie', clearedCookies(request.protocol === 'https'));
        failure = problem(identityErrors, 'session_invalid');
      }
    } else {
      failure = problem(accessErrors, 'unauthenticated', { headers: { 'www-authenticate': CHALLENGE } });
    }
    await limiter(request, reply);
    if (failure !== undefined) throw failure;
    const scope = config.scope;
    if (scope !== undefined && (request.principal === undefined || !hasScope(request.principal, scope))) {
      const staff = request.principal?.staff;
      if (staff !== undefined) {
        throw problem(identityErrors, 'role_forbidden', {
          params: { role: staff.role },
          detail: `the role ${staff.role} does not hold the scope "${scope}"`,
          extensions: { requiredScope: scope, role: staff.role },
        });
      }
      throw problem(accessErrors, 'forbidden_scope', {
        detail: `requires the scope "${scope}"`,
        extensions: { requiredScope: scope },
        headers: { 'www-authenticate': `Bearer realm="zhirong", error="insufficient_scope", scope="${scope}"` },
      });
    }
  };
}

/** The rate-limit bucket of a request: its key id (or staff id) once authenticated, else its IP. */
export function rateLimitKey(request: FastifyRequest): string {
  return request.principal !== undefined ? `key:${request.principal.keyId}` : `ip:${request.ip}`;
}
