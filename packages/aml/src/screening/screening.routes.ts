import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type IdempotencyTable, idempotentReply, problem } from '@zhirong/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AmlError, amlErrors } from '../errors.ts';
import { type ListRecord, readCsvNames, readFtmNames } from './lists.ts';
import type { AmlDb, ListVersion } from './screening.repository.ts';
import type { AmlScreeningService } from './screening.service.ts';

const strict = { additionalProperties: false } as const;
const tags = ['aml'];
/** Names per screening request. */
export const SCREEN_REQUEST_NAMES_MAX = 1000;
/** Largest list file accepted in one request body, in characters. */
const LIST_CONTENT_LENGTH_MAX = 50_000_000;

const ListName = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Person = Type.Object(
  {
    fullName: Type.String({ minLength: 1, maxLength: 300 }),
    dateOfBirth: Type.Optional(Type.String({ maxLength: 20, description: 'YYYY-MM-DD, YYYY-MM or YYYY' })),
    nationality: Type.Optional(Type.String({ maxLength: 60 })),
  },
  strict,
);

/** AmlError (a bad file, an unknown list) → RFC 9457 problem with the catalog entry. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AmlError) throw problem(amlErrors, error.code, { params: { ...error.params } });
    throw error;
  }
}

function versionJson(v: ListVersion) {
  return {
    list: v.listName,
    version: v.version,
    versionId: v.versionId,
    entryCount: v.entryCount,
    loadedAt: v.loadedAt.toISOString(),
    sourceFormat: v.sourceFormat,
    sourceName: v.sourceName,
  };
}

const IDEMPOTENCY: IdempotencyTable = {
  table: 'aml.idempotency',
  keyPrefix: 'aml:',
  refuse: (code) => {
    throw problem(amlErrors, code);
  },
};

/**
 * `/v1/aml/lists` (load a version, list versions) and `/v1/aml/screening` (screen, whitelist). With
 * `idempotency`, a list upload honours an Idempotency-Key: a retry returns the version it loaded.
 */
export async function screeningRoutes(
  fastify: FastifyInstance,
  service: AmlScreeningService,
  idempotency?: { db: AmlDb; now: () => Date },
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/lists',
    {
      config: { scope: 'aml:write' },
      bodyLimit: LIST_CONTENT_LENGTH_MAX * 2,
      schema: {
        tags,
        summary: 'Load a sanctions/PEP list as its next version (CSV with full_name, or FollowTheMoney JSON lines)',
        body: Type.Object(
          {
            name: ListName,
            kind: Type.Union([Type.Literal('sanctions'), Type.Literal('pep'), Type.Literal('other')]),
            format: Type.Union([Type.Literal('csv'), Type.Literal('ftm')]),
            sourceName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            content: Type.String({ minLength: 1, maxLength: LIST_CONTENT_LENGTH_MAX }),
          },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const load = () =>
        guarded(async () => {
          const b = request.body;
          const sourceName = b.sourceName ?? `${b.name}.${b.format === 'csv' ? 'csv' : 'ftm.json'}`;
          const records: ListRecord[] =
            b.format === 'csv' ? readCsvNames(b.content, sourceName) : readFtmNames(b.content, sourceName);
          const version = await service.loadList({
            listName: b.name,
            kind: b.kind,
            sourceFormat: b.format,
            sourceName,
            records,
          });
          return { status: 201, body: versionJson(version) };
        });
      if (idempotency === undefined) {
        const result = await load();
        return reply.status(result.status).send(result.body);
      }
      return idempotentReply(idempotency.db, IDEMPOTENCY, request, reply, idempotency.now, load);
    },
  );

  app.get(
    '/lists/:name/versions',
    {
      config: { scope: 'aml:read' },
      schema: { tags, summary: 'Versions of a list, newest first', params: Type.Object({ name: ListName }, strict) },
    },
    async (request) =>
      guarded(async () => {
        const versions = await service.versions(request.params.name);
        if (versions.length === 0) throw new AmlError('list_not_found', { list: request.params.name });
        return { data: versions.map(versionJson) };
      }),
  );

  app.post(
    '/screening',
    {
      config: { scope: 'aml:screen' },
      schema: {
        tags,
        summary: 'Screen names against the latest version of a list: the best entry at or above the threshold',
        body: Type.Object(
          {
            list: ListName,
            threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
            names: Type.Array(Person, { minItems: 1, maxItems: SCREEN_REQUEST_NAMES_MAX }),
          },
          strict,
        ),
      },
    },
    async (request) =>
      guarded(async () => {
        const b = request.body;
        const { version, results } = await service.screen(b.list, b.names, b.threshold);
        return { list: version.listName, version: version.version, results };
      }),
  );

  app.post(
    '/screening/whitelist',
    {
      config: { scope: 'aml:write' },
      schema: {
        tags,
        summary: 'Record a reviewed false positive: this input and this list entry are different people',
        body: Type.Object(
          {
            list: ListName,
            input: Person,
            entry: Type.Integer({ minimum: 0, description: 'Position of the entry in the latest version' }),
            reviewer: Type.String({ minLength: 1, maxLength: 200 }),
            reason: Type.String({ minLength: 1, maxLength: 2000 }),
          },
          strict,
        ),
      },
    },
    async (request, reply) =>
      guarded(async () => {
        const b = request.body;
        await service.whitelist(b.list, b.input, b.entry, { reviewer: b.reviewer, reason: b.reason });
        return reply.status(204).send();
      }),
  );
}
