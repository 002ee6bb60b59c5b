// Routes of monitoring: `/v1/aml/scenarios` (versions, status changes, rollback) and `/v1/aml/alerts` (list with filters and paging, detail).
import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problem } from '@zhirong/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AmlError, amlErrors } from '../errors.ts';
import type { StoredAlert, StoredScenarioVersion } from './monitoring.repository.ts';
import type { AmlMonitoringService } from './monitoring.service.ts';
import { SCENARIO_KEYS, SCENARIO_STATUSES, scenarioParamsJson } from './scenarios.ts';

const strict = { additionalProperties: false } as const;
const tags = ['aml'];
const ScenarioKeyType = Type.Union(SCENARIO_KEYS.map((key) => Type.Literal(key)));

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AmlError) throw problem(amlErrors, error.code, { params: { ...error.params } });
    throw error;
  }
}

function scenarioJson(v: StoredScenarioVersion) {
  return {
    scenario: v.key,
    version: v.version,
    status: v.status,
    params: scenarioParamsJson(v.params),
    createdAt: v.createdAt.toISOString(),
    liveAt: v.liveAt?.toISOString() ?? null,
  };
}

function storedAlertJson(a: StoredAlert) {
  return {
    ...a.alert,
    id: a.id,
    mode: a.mode,
    status: a.status,
    mergedInto: a.mergedInto,
    monitorId: a.alert.id,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** Registered from the aml module with the monitoring service. */
export async function monitoringRoutes(fastify: FastifyInstance, service: AmlMonitoringService): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/scenarios',
    {
      config: { scope: 'aml:read' },
      schema: { tags, summary: 'Every monitoring scenario version with its status and parameters' },
    },
    async () => guarded(async () => ({ data: (await service.scenarios()).map(scenarioJson) })),
  );

  app.post(
    '/scenarios/:scenario/versions',
    {
      config: { scope: 'aml:write' },
      schema: {
        tags,
        summary:
          'A new draft version of a scenario (parameters not given keep their defaults; amounts in minor units as strings)',
        params: Type.Object({ scenario: ScenarioKeyType }, strict),
        body: Type.Object({ params: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()) }, strict),
      },
    },
    async (request, reply) =>
      guarded(async () =>
        reply.status(201).send(scenarioJson(await service.createVersion(request.params.scenario, request.body.params))),
      ),
  );

  app.post(
    '/scenarios/:scenario/versions/:version/status',
    {
      config: { scope: 'aml:write' },
      schema: {
        tags,
        summary: 'Move a version draft → shadow → live (or retire it); the version it replaces is retired',
        params: Type.Object(
          { scenario: ScenarioKeyType, version: Type.Integer({ minimum: 1, maximum: 1_000_000 }) },
          strict,
        ),
        body: Type.Object({ status: Type.Union(SCENARIO_STATUSES.map((s) => Type.Literal(s))) }, strict),
      },
    },
    async (request) =>
      guarded(async () =>
        scenarioJson(await service.setStatus(request.params.scenario, request.params.version, request.body.status)),
      ),
  );

  app.post(
    '/scenarios/:scenario/rollback',
    {
      config: { scope: 'aml:write' },
      schema: {
        tags,
        summary: 'Retire the live version and make the previously live version live again',
        params: Type.Object({ scenario: ScenarioKeyType }, strict),
      },
    },
    async (request) => guarded(async () => scenarioJson(await service.rollback(request.params.scenario))),
  );

  app.get(
    '/alerts',
    {
      config: { scope: 'aml:read' },
      schema: {
        tags,
        summary: 'Alerts, oldest first, with filters and cursor paging',
        querystring: Type.Object(
          {
            mode: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('shadow')])),
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('merged')])),
            scenario: Type.Optional(ScenarioKeyType),
            party: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            cursor: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F-]{36}$' })),
          },
          strict,
        ),
      },
    },
    async (request) =>
      guarded(async () => {
        const q = request.query;
        const page = await service.alerts({
          mode: q.mode ?? 'live',
          status: q.status ?? 'open',
          ...(q.scenario === undefined ? {} : { scenario: q.scenario }),
          ...(q.party === undefined ? {} : { party: q.party }),
          ...(q.minScore === undefined ? {} : { minScore: q.minScore }),
          ...(q.cursor === undefined ? {} : { after: q.cursor }),
          ...(q.limit === undefined ? {} : { limit: q.limit }),
        });
        return { data: page.data.map(storedAlertJson), next: page.next };
      }),
  );

  app.get(
    '/alerts/:id',
    {
      config: { scope: 'aml:read' },
      schema: {
        tags,
        summary: 'One alert with its evidence',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }, strict),
      },
    },
    async (request) => guarded(async () => storedAlertJson(await service.alert(request.params.id))),
  );
}
