import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { ScopeCatalog } from '@zhirong/platform';

/** RFC 9457 problem details as every error response carries them. */
export const ProblemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'https://zhirong.dev/problems/<code>' },
    title: { type: 'string', description: 'Human-readable summary in the language of Accept-Language (en or zh-CN)' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable machine-readable error code' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request id (also in the X-Request-Id header)' },
    errors: {
      type: 'array',
      description: 'For validation failures: the field at fault',
      items: {
        type: 'object',
        required: ['pointer', 'location', 'code'],
        properties: {
          pointer: { type: 'string', description: 'JSON Pointer into the request part, e.g. /amount' },
          location: { type: 'string', enum: ['body', 'querystring', 'params', 'headers'] },
          code: { type: 'string' },
        },
      },
    },
  },
} as const;

const SECURITY_SCHEMES = ['bearerAuth', 'apiKeyHeader'] as const;

/** Every operation needs one of the two schemes; the scope (as a role name, OpenAPI 3.1 §4.8.30) is listed when the route requires one. */
function securityFor(scope: string | undefined) {
  return SECURITY_SCHEMES.map((scheme) => ({ [scheme]: scope === undefined ? [] : [scope] }));
}

export function swaggerOptions(version: string, scopes: ScopeCatalog): FastifyDynamicSwaggerOptions {
  const scopeList = Object.entries(scopes)
    .map(([scope, description]) => `- \`${scope}\`: ${description}`)
    .join('\n');
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Zhirong API',
        version,
        description: [
          'Zhirong (智融): smart finance for small and mid-sized banks.',
          '',
          'Every route except `/healthz` and `/readyz` needs an API key, sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`.',
          'Errors are RFC 9457 `application/problem+json` with a stable `code`; `Accept-Language: zh-CN` gives Chinese titles.',
          '',
          'Scopes (`admin` implies all):',
          scopeList,
        ].join('\n'),
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer zrk_…' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'X-API-Key: zrk_…' },
        },
        schemas: { Problem: ProblemSchema as never },
      },
      security: securityFor(undefined),
    },
    transform({ schema, url, route }) {
      const config = (route.config ?? {}) as { scope?: string; public?: boolean };
      const base = (schema ?? {}) as Record<string, unknown>;
      if (config.public === true) return { schema: { ...base, security: [] } as never, url };
      if (config.scope === undefined) return { schema: base as never, url };
      const description = [base.description, `Requires the scope \`${config.scope}\`.`].filter(Boolean).join('\n\n');
      return {
        schema: { ...base, description, security: securityFor(config.scope), 'x-zhirong-scope': config.scope } as never,
        url,
      };
    },
  };
}
