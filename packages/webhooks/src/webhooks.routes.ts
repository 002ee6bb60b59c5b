import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { canonicalJson, cursorPage, IDEMPOTENCY_KEY_PATTERN, LIMITS } from '@zhirong/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { Type } from 'typebox';
import { EVENT_TYPE_LENGTH_MAX, EVENT_TYPES_MAX } from './event-types.ts';
import { URL_LENGTH_MAX } from './url-policy.ts';
import { DELIVERY_PREFIX, ENDPOINT_PREFIX, EVENT_PREFIX } from './webhook.ts';
import { attemptJson, decodeCursor, deliveryJson, encodeCursor, endpointJson, fail, uuidOf } from './webhooks.dto.ts';
import { type Outcome, PREVIOUS_SECRET_VALID_SECONDS_MAX, type WebhooksService } from './webhooks.service.ts';

const strict = { additionalProperties: false } as const;
const Url = Type.String({
  minLength: 1,
  maxLength: URL_LENGTH_MAX,
  description: 'https URL of the receiver (public address; no credentials, no fragment)',
  examples: ['https://partner.example.com/zhirong/webhooks'],
});
const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: EVENT_TYPE_LENGTH_MAX }), {
  minItems: 1,
  maxItems: EVENT_TYPES_MAX,
  description:
    'Event types or patterns: `ledger.transfers.created`, `payments.payment.*` (one level), `ledger.>` (any depth), `*` (all)',
  examples: [['payments.payment.*', 'ledger.transfers.created']],
});
const Description = Type.String({ maxLength: 500 });
const Limit = Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax, default: LIMITS.pageSizeDefault });
const Cursor = Type.String({ maxLength: 200 });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, strict);
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'Makes the request safe to retry: the same key and body return the stored response' }),
  ),
});

const read = { scope: 'webhooks:read' } as const;
const write = { scope: 'webhooks:write' } as const;

function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) fail(outcome.code, outcome.params);
  return outcome.value;
}

/**
 * Runs a creating POST under its Idempotency-Key when the client sent one: the first response is
 * stored with the work's transaction, a retry gets it back (`Idempotent-Replayed: true`), another
 * body under the same key is a 409.
 */
async function withIdempotency<T>(
  service: WebhooksService,
  request: FastifyRequest,
  reply: FastifyReply,
  work: (trx: Transaction<unknown> | undefined) => Promise<{ statusCode: number; body: T }>,
) {
  const header = request.headers['idempotency-key'];
  if (header === undefined) {
    const result = await work(undefined);
    return reply.code(result.statusCode).send(result.body);
  }
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(header)) fail('idempotency_key_invalid');
  const outcome = unwrap(
    await service.idempotent(
      {
        principal: request.principal?.keyId ?? 'anonymous',
        key: header,
        fingerprint: `${request.method} ${request.url} ${canonicalJson(request.body ?? null)}`,
      },
      (trx) => work(trx),
    ),
  );
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(outcome.statusCode).send(outcome.body);
}

export async function webhooksRoutes(appBase: FastifyInstance, service: WebhooksService): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['webhooks'];

  app.post(
    '/endpoints',
    {
      config: write,
      schema: {
        tags,
        summary: 'Register an endpoint; the response holds its signing secret, shown only this once',
        headers: IdempotencyHeaders,
        body: Type.Object({ url: Url, description: Type.Optional(Description), eventTypes: EventTypes }, strict),
      },
    },
    async (request, reply) => {
      const b = request.body;
      return withIdempotency(service, request, reply, async (trx) => {
        const { endpoint, secret } = unwrap(
          await service.createEndpoint(
            {
              url: b.url,
              eventTypes: b.eventTypes,
              ...(b.description === undefined ? {} : { description: b.description }),
            },
            trx,
          ),
        );
        return { statusCode: 201, body: { ...endpointJson(endpoint), secret } };
      });
    },
  );

  app.get(
    '/endpoints',
    {
      config: read,
      schema: {
        tags,
        summary: 'List endpoints, oldest first',
        querystring: Type.Object(
          {
            limit: Type.Optional(Limit),
            cursor: Type.Optional(Cursor),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? LIMITS.pageSizeDefault;
      const afterId = q.cursor ? decodeCursor(q.cursor, 'after') : undefined;
      const rows = await service.listEndpoints({
        limit: limit + 1,
        ...(afterId ? { afterId } : {}),
        ...(q.status ? { status: q.status } : {}),
      });
      return cursorPage(rows, limit, endpointJson, (last) => encodeCursor({ after: last.id }));
    },
  );

  app.get(
    '/endpoints/:id',
    { config: read, schema: { tags, summary: 'An endpoint (never its secret)', params: IdParams } },
    async (request) => {
      const endpoint = await service.getEndpoint(uuidOf(ENDPOINT_PREFIX, request.params.id, '/id'));
      if (!endpoint) fail('endpoint_not_found', { id: request.params.id });
      return endpointJson(endpoint);
    },
  );

  app.patch(
    '/endpoints/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change the URL, description or event types of an endpoint',
        params: IdParams,
        body: Type.Object(
          { url: Type.Optional(Url), description: Type.Optional(Description), eventTypes: Type.Optional(EventTypes) },
          { ...strict, minProperties: 1 },
        ),
      },
    },
    async (request) => {
      const id = uuidOf(ENDPOINT_PREFIX, request.params.id, '/id');
      const b = request.body;
      const endpoint = unwrap(
        await service.updateEndpoint(id, {
          ...(b.url === undefined ? {} : { url: b.url }),
          ...(b.description === undefined ? {} : { description: b.description }),
          ...(b.eventTypes === undefined ? {} : { eventTypes: b.eventTypes }),
        }),
      );
      return endpointJson(endpoint);
    },
  );

  for (const [action, status] of [
    ['disable', 'disabled'],
    ['enable', 'active'],
  ] as const) {
    app.post(
      `/endpoints/:id/${action}`,
      {
        config: write,
        schema: {
          tags,
          summary:
            action === 'disable'
              ? 'Disable an endpoint: no new deliveries; pending ones wait until it is enabled'
              : 'Enable an endpoint: waiting deliveries resume',
          params: IdParams,
        },
      },
      async (request) => {
        const id = uuidOf(ENDPOINT_PREFIX, request.params.id, '/id');
        return endpointJson(unwrap(await service.setEndpointStatus(id, status)));
      },
    );
  }

  app.post(
    '/endpoints/:id/rotate-secret',
    {
      config: write,
      schema: {
        tags,
        summary: 'Replace the signing secret; the old one keeps signing alongside for a grace period',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            previousSecretValidSeconds: Type.Optional(
              Type.Integer({
                minimum: 0,
                maximum: PREVIOUS_SECRET_VALID_SECONDS_MAX,
                description:
                  'How long deliveries are also signed with the old secret (default 86400; 0 = stop at once)',
              }),
            ),
          },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const id = uuidOf(ENDPOINT_PREFIX, request.params.id, '/id');
      const valid = request.body.previousSecretValidSeconds;
      return withIdempotency(service, request, reply, async (trx) => {
        const { endpoint, secret } = unwrap(
          await service.rotateSecret(id, valid === undefined ? {} : { previousSecretValidSeconds: valid }, trx),
        );
        return { statusCode: 200, body: { ...endpointJson(endpoint), secret } };
      });
    },
  );

  app.get(
    '/deliveries',
    {
      config: read,
      schema: {
        tags,
        summary: 'List deliveries, newest first',
        querystring: Type.Object(
          {
            limit: Type.Optional(Limit),
            cursor: Type.Optional(Cursor),
            endpointId: Type.Optional(Type.String({ maxLength: 64 })),
            eventId: Type.Optional(Type.String({ maxLength: 64 })),
            status: Type.Optional(
              Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('dead')]),
            ),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? LIMITS.pageSizeDefault;
      const beforeId = q.cursor ? decodeCursor(q.cursor, 'before') : undefined;
      const rows = await service.listDeliveries({
        limit: limit + 1,
        ...(beforeId ? { beforeId } : {}),
        ...(q.endpointId ? { endpointId: uuidOf(ENDPOINT_PREFIX, q.endpointId, '/endpointId') } : {}),
        ...(q.eventId ? { eventId: uuidOf(EVENT_PREFIX, q.eventId, '/eventId') } : {}),
        ...(q.status ? { status: q.status } : {}),
      });
      return cursorPage(rows, limit, deliveryJson, (last) => encodeCursor({ before: last.id }));
    },
  );

  app.get(
    '/deliveries/:id',
    { config: read, schema: { tags, summary: 'A delivery and its current state', params: IdParams } },
    async (request) => {
      const delivery = await service.getDelivery(uuidOf(DELIVERY_PREFIX, request.params.id, '/id'));
      if (!delivery) fail('delivery_not_found', { id: request.params.id });
      return deliveryJson(delivery);
    },
  );

  app.get(
    '/deliveries/:id/attempts',
    {
      config: read,
      schema: {
        tags,
        summary: 'Attempts of a delivery, oldest first: status code, latency, error, start of the response body',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, strict),
      },
    },
    async (request) => {
      const deliveryId = uuidOf(DELIVERY_PREFIX, request.params.id, '/id');
      const delivery = await service.getDelivery(deliveryId);
      if (!delivery) fail('delivery_not_found', { id: request.params.id });
      const limit = request.query.limit ?? LIMITS.pageSizeDefault;
      const afterId = request.query.cursor ? decodeCursor(request.query.cursor, 'after') : undefined;
      const rows = await service.listAttempts({ deliveryId, limit: limit + 1, ...(afterId ? { afterId } : {}) });
      return cursorPage(rows, limit, attemptJson, (last) => encodeCursor({ after: last.id }));
    },
  );

  app.post(
    '/deliveries/:id/redeliver',
    {
      config: write,
      schema: {
        tags,
        summary: 'Queue a delivery again now (dead and succeeded ones too), with a fresh attempt budget',
        params: IdParams,
        headers: IdempotencyHeaders,
      },
    },
    async (request, reply) => {
      const id = uuidOf(DELIVERY_PREFIX, request.params.id, '/id');
      return withIdempotency(service, request, reply, async (trx) => ({
        statusCode: 202,
        body: deliveryJson(unwrap(await service.redeliver(id, trx))),
      }));
    },
  );
}
