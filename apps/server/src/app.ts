import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ACCESS_MODULE_NAME, type AccessService, ADMIN_SCOPE } from '@zhirong/access';
import {
  IDENTITY_MODULE_NAME,
  type IdentityService,
  STAFF_ROLES,
  type StaffRole,
  scopesForRole,
} from '@zhirong/identity';
import { IdGenerator, negotiateLanguage, problemFor } from '@zhirong/kernel';
import { type Platform, problem } from '@zhirong/platform';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import serverPackage from '../package.json' with { type: 'json' };
import { createGuard, rateLimitKey, type SessionAuthentication } from './auth.ts';
import { CONSOLE_DIST_DIR, loadConsoleAssets, registerConsole } from './console.ts';
import { httpErrors } from './errors.ts';
import { serializeJson } from './json.ts';
import { createHttpMetrics } from './metrics.ts';
import { swaggerOptions } from './openapi.ts';
import { notFoundHandler, problemErrorHandler, sendProblem } from './problem.ts';
import { PooledRng, requestIdGenerator } from './request-id.ts';
import { securityHeaders } from './security-headers.ts';
import { buildValidator, closeObjects } from './validation.ts';

export interface AppOptions {
  /** Fastify `trustProxy`: set it when a load balancer sits in front, so rate limits see client IPs. Default false. */
  readonly trustProxy?: boolean | string | string[];
  /** Longest time to receive a whole request, in ms (slow-loris guard). Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** How long `/readyz` waits for `select 1`, in ms. Default 2 000. */
  readonly readinessTimeoutMs?: number;
  /** The built console to serve at `/` (default `apps/console/dist`); false serves no console. */
  readonly consoleDir?: string | false;
}

/** The server app as callers see it: inject, listen, close. */
export type ZhirongApp = FastifyInstance;

const RATE_LIMIT_WINDOW_MS = 60_000;
const RATE_LIMIT_BUCKETS_MAX = 10_000;

/**
 * Builds the HTTP API over a booted platform: every module's routes under `/v1/<module>`,
 * authentication and scopes, rate limits, problem+json errors, OpenAPI, metrics and health.
 * Returns the app ready to `listen` (or to `inject` in tests). It does not start the platform.
 */
export async function createApp(platform: Platform, options: AppOptions = {}): Promise<ZhirongApp> {
  const { config, logger, clock, rng, db } = platform.context;
  const access = platform.service<AccessService>(ACCESS_MODULE_NAME);
  for (const module of platform.modules.list()) if (module.scopes) access.declareScopes(module.scopes);

  const app = Fastify({
    loggerInstance: logger,
    // No per-request log lines (thousands a second); failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdGenerator(new IdGenerator(clock, new PooledRng(rng))),
    requestIdHeader: false,
    trustProxy: options.trustProxy ?? false,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    return503OnClosing: true,
    schemaController: { compilersFactory: { buildValidator: buildValidator as never } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('principal', undefined);
  // JSON only: a text/plain body is a 415, not a string handed to a JSON schema.
  app.removeContentTypeParser('text/plain');
  app.setReplySerializer(serializeJson);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler(notFoundHandler);

  app.addHook('onRoute', (route) => {
    const scope = route.config?.scope;
    if (scope !== undefined && !access.isKnownScope(scope)) {
      throw new Error(
        `route ${route.method} ${route.url} requires unknown scope "${scope}": declare it in its module's scopes`,
      );
    }
    if (route.schema?.body !== undefined) route.schema = { ...route.schema, body: closeObjects(route.schema.body) };
  });

  await app.register(rateLimit, {
    global: false,
    max: config.rateLimitPerMinute,
    timeWindow: RATE_LIMIT_WINDOW_MS,
    cache: RATE_LIMIT_BUCKETS_MAX,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) =>
      problem(httpErrors, 'rate_limited', {
        detail: `at most ${context.max} requests a minute; retry in ${context.after}`,
      }),
  });
  // The plugin's hook, called by the guard once the key is known (so buckets are per key, not per IP).
  const limiter = app.rateLimit() as unknown as (
    this: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => Promise<unknown>;
  app.addHook(
    'onRequest',
    createGuard(
      access,
      (request, reply) => limiter.call(app, request, reply),
      securityHeaders(),
      sessionAuthentication(platform, access),
    ),
  );

  const metrics = createHttpMetrics();
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime);
    done();
  });

  // Once closing starts, every response ends its connection, so keep-alive clients cannot hold
  // the server open after their in-flight request is answered.
  let draining = false;
  app.addHook('preClose', (done) => {
    draining = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });

  await app.register(swagger, swaggerOptions(serverPackage.version, access.scopeCatalog()));
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const operations = ['operations'];
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: operations,
        summary: 'Liveness: the process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2_000;
  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: operations,
        summary: 'Readiness: the database answers and the server is not shutting down',
        response: { 200: Type.Object({ status: Type.Literal('ready') }) },
      },
    },
    async (request, reply) => {
      let reason = draining ? 'shutting down' : undefined;
      if (reason === undefined) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            sql`select 1`.execute(db.kysely),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('database timeout')), readinessTimeoutMs);
            }),
          ]);
        } catch (error) {
          reason = 'database unavailable';
          request.log.warn({ err: error }, 'readiness check failed');
        } finally {
          clearTimeout(timer);
        }
      }
      if (reason === undefined) return { status: 'ready' as const };
      const language = negotiateLanguage(request.headers['accept-language']);
      return sendProblem(reply, {
        problem: problemFor('not_ready', httpErrors.not_ready, language, { instance: request.id, detail: reason }),
        fault: false,
      });
    },
  );

  app.get(
    '/metrics',
    {
      config: { scope: ADMIN_SCOPE },
      schema: { tags: operations, summary: 'Prometheus metrics (text exposition format)' },
    },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const module of platform.modules.list()) {
    const routes = module.routes;
    if (routes === undefined) continue;
    const service = platform.service(module.name);
    await app.register(
      async (child) => {
        await routes.call(module, child as unknown as FastifyInstance, service, platform.context);
      },
      { prefix: `/v1/${module.name}` },
    );
  }

  if (options.consoleDir !== false) {
    const assets = loadConsoleAssets(options.consoleDir ?? CONSOLE_DIST_DIR, {
      demo: config.demo,
      timeZone: config.timeZone,
    });
    if (assets === undefined)
      logger.warn('the console is not built (npm run build:console): / explains how to build it');
    registerConsole(app as unknown as FastifyInstance, assets, notFoundHandler);
  }

  await app.ready();
  return app as unknown as ZhirongApp;
}

/**
 * Console sessions, when the identity module is installed: each role's scopes are expanded once,
 * against every scope the running modules declare.
 */
function sessionAuthentication(platform: Platform, access: AccessService): SessionAuthentication | undefined {
  if (!platform.modules.list().some((module) => module.name === IDENTITY_MODULE_NAME)) return undefined;
  const known = Object.keys(access.scopeCatalog());
  const scopes = new Map<StaffRole, readonly string[]>(
    STAFF_ROLES.map((role) => [role, Object.freeze(scopesForRole(role, known))]),
  );
  return {
    identity: platform.service<IdentityService>(IDENTITY_MODULE_NAME),
    scopesOf: (role) => scopes.get(role) ?? [],
  };
}
