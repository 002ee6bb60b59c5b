import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problem } from '@zhirong/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AccessService } from './access.service.ts';
import { ADMIN_SCOPE, type ApiKeyView, KEY_NAME_LENGTH_MAX, SCOPES_PER_KEY_MAX } from './api-key.ts';
import { accessErrors } from './errors.ts';

const KeyIdString = Type.String({
  pattern: '^key_[0-7][0-9a-hjkmnp-tv-z]{25}$',
  description: 'A key id, e.g. key_01jd8x3r5m0e9bq2c7k4n6v1wz',
});
const Timestamp = Type.String({ format: 'date-time' });

export const ApiKeySchema = Type.Object(
  {
    id: KeyIdString,
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
    createdAt: Timestamp,
    expiresAt: Type.Union([Timestamp, Type.Null()]),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
    createdBy: Type.Union([KeyIdString, Type.Null()]),
    revokedBy: Type.Union([KeyIdString, Type.Null()]),
  },
  { additionalProperties: false, description: 'An API key. The secret and its hash are never returned.' },
);

const CreateKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: KEY_NAME_LENGTH_MAX, description: 'What the key is for' }),
    scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: SCOPES_PER_KEY_MAX,
      description: 'Scopes from GET /v1/access/scopes; `admin` implies all',
    }),
    expiresAt: Type.Optional(Type.Union([Timestamp, Type.Null()], { description: 'Omitted or null: never expires' })),
  },
  { additionalProperties: false },
);

const CreatedKey = Type.Object(
  {
    key: Type.String({ description: 'The plaintext key, shown this once: store it now' }),
    apiKey: ApiKeySchema,
  },
  { additionalProperties: false },
);

const KeyParams = Type.Object({ id: KeyIdString }, { additionalProperties: false });

const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const KeyPage = Type.Object(
  { items: Type.Array(ApiKeySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);

const ScopeList = Type.Object(
  {
    items: Type.Array(
      Type.Object({ scope: Type.String(), description: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

function toJson(view: ApiKeyView) {
  return {
    ...view,
    scopes: [...view.scopes],
    createdAt: view.createdAt.toISOString(),
    expiresAt: view.expiresAt?.toISOString() ?? null,
    revokedAt: view.revokedAt?.toISOString() ?? null,
  };
}

const tags = ['access'];

/** The API key behind the request, for the audit columns; null when a staff session made it. */
function keyIdOf(request: FastifyRequest): string | null {
  const principal = request.principal;
  return principal === undefined || principal.staff !== undefined ? null : principal.keyId;
}
const admin = { scope: ADMIN_SCOPE };

/** `/v1/access/*`: API-key management, for administrators only. */
export async function accessRoutes(fastify: FastifyInstance, service: AccessService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/keys',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Create an API key (the plaintext is returned once)',
        body: CreateKeyBody,
        response: { 201: CreatedKey },
      },
    },
    async (request, reply) => {
      const { name, scopes, expiresAt } = request.body;
      const created = await service.createKey({
        name,
        scopes,
        expiresAt: expiresAt ? new Date(expiresAt) : null,
        createdBy: keyIdOf(request),
      });
      if (!created.ok) {
        throw problem(accessErrors, created.code, {
          ...(created.detail?.scope
            ? { detail: `unknown scope "${created.detail.scope}"`, extensions: { scope: created.detail.scope } }
            : {}),
        });
      }
      // The body carries a secret: no cache may keep it.
      reply.code(201).header('cache-control', 'no-store');
      return { key: created.value.key, apiKey: toJson(created.value.apiKey) };
    },
  );

  app.get(
    '/keys',
    {
      config: admin,
      schema: { tags, summary: 'List API keys in creation order', querystring: ListQuery, response: { 200: KeyPage } },
    },
    async (request) => {
      const page = await service.list({
        ...(request.query.limit === undefined ? {} : { limit: request.query.limit }),
        ...(request.query.cursor === undefined ? {} : { cursor: request.query.cursor }),
      });
      if (!page.ok) throw problem(accessErrors, page.code);
      return { items: page.value.items.map(toJson), nextCursor: page.value.nextCursor };
    },
  );

  app.get(
    '/keys/:id',
    { config: admin, schema: { tags, summary: 'Get one API key', params: KeyParams, response: { 200: ApiKeySchema } } },
    async (request) => {
      const key = await service.getKey(request.params.id);
      if (!key.ok) throw problem(accessErrors, key.code);
      return toJson(key.value);
    },
  );

  app.delete(
    '/keys/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Revoke an API key (idempotent; takes effect everywhere within 5 s)',
        params: KeyParams,
        response: { 200: ApiKeySchema },
      },
    },
    async (request) => {
      const revoked = await service.revoke(request.params.id, { revokedBy: keyIdOf(request) });
      if (!revoked.ok) throw problem(accessErrors, revoked.code);
      return toJson(revoked.value);
    },
  );

  app.get(
    '/scopes',
    { config: admin, schema: { tags, summary: 'Scopes an API key may carry', response: { 200: ScopeList } } },
    async () => ({
      items: Object.entries(service.scopeCatalog()).map(([scope, description]) => ({ scope, description })),
    }),
  );
}
