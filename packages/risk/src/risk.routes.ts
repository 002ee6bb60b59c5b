import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { formatAmount, formatId, parseAmount, parseId } from '@zhirong/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { DECISIONS } from './engine/combine.ts';
import { ENTITY_KINDS, RISK_EVENT_TYPES, type RiskEvent } from './event.ts';
import { EVENT_STRING_FIELDS } from './event-json.ts';
import type { CaseRecord, DecisionRecord, RulesetRecord } from './risk.repository.ts';
import { type RiskService, riskFail } from './risk.service.ts';

export const DECISION_PREFIX = 'rdc';
export const CASE_PREFIX = 'rcs';
export const RULESET_PREFIX = 'rls';

const strict = { additionalProperties: false } as const;
const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_]*$' });
const Text = (max: number) => Type.String({ maxLength: max });
const Entity = Type.String({ minLength: 1, maxLength: 128 });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, strict);

const EventBody = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Unique per event: deciding it again returns the stored decision',
    }),
    type: Type.Union(RISK_EVENT_TYPES.map((t) => Type.Literal(t))),
    subtype: Type.Optional(Text(64)),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'When the event happened (default: now)' })),
    customerId: Entity,
    accountId: Type.Optional(Entity),
    deviceId: Type.Optional(Entity),
    ip: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    payeeId: Type.Optional(Entity),
    merchantId: Type.Optional(Entity),
    merchantCategoryCode: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
    cardId: Type.Optional(Entity),
    amount: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Decimal string in major units' })),
    currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
    balanceBefore: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    latitude: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    longitude: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    channel: Type.Optional(Text(32)),
    attributes: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]),
        {
          maxProperties: 32,
        },
      ),
    ),
  },
  strict,
);
export type EventInput = Static<typeof EventBody>;

const RuleBody = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_.-]*$' }),
    name: Type.Optional(Text(200)),
    condition: Type.String({ minLength: 1, maxLength: 4000 }),
    action: Type.Union([Type.Literal('decline'), Type.Literal('review'), Type.Literal('score')]),
    points: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
    reason: Type.Object(
      { en: Type.String({ minLength: 1, maxLength: 500 }), zh: Type.String({ minLength: 1, maxLength: 500 }) },
      strict,
    ),
    enabled: Type.Optional(Type.Boolean()),
  },
  strict,
);
const Thresholds = Type.Object(
  { reviewAt: Type.Integer({ minimum: 1, maximum: 1001 }), declineAt: Type.Integer({ minimum: 1, maximum: 1001 }) },
  strict,
);

function amountOf(text: string, currency: string | undefined, pointer: string): bigint {
  if (currency === undefined) riskFail('risk_event_invalid', { reason: 'an amount needs a currency' }, '/currency');
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) riskFail(parsed.code, { currency }, pointer);
  return parsed.value;
}

/** The API's event body as a `RiskEvent` (amounts exact, time defaulting to now). */
export function eventFromInput(b: EventInput, now: () => Date): RiskEvent {
  const atMs = b.at === undefined ? now().getTime() : Date.parse(b.at);
  if (!Number.isFinite(atMs)) riskFail('risk_event_invalid', { reason: 'at is not a date-time' }, '/at');
  const amountMinor = b.amount === undefined ? 0n : amountOf(b.amount, b.currency, '/amount');
  if (amountMinor < 0n) riskFail('amount_negative', {}, '/amount');
  const event: Record<string, unknown> = { id: b.id, type: b.type, atMs, customerId: b.customerId, amountMinor };
  for (const key of [...EVENT_STRING_FIELDS, 'latitude', 'longitude', 'attributes'] as const) {
    if (b[key] !== undefined) event[key] = b[key];
  }
  if (b.balanceBefore !== undefined) event.balanceBeforeMinor = amountOf(b.balanceBefore, b.currency, '/balanceBefore');
  return event as unknown as RiskEvent;
}

export function decisionJson(d: DecisionRecord) {
  const currency = typeof d.event.currency === 'string' ? d.event.currency : undefined;
  return {
    id: formatId(DECISION_PREFIX, d.id),
    eventId: d.eventId,
    eventType: d.eventType,
    customerId: d.customerId,
    eventAt: d.eventAt.toISOString(),
    decision: d.decision,
    score: d.score,
    modelProbability: d.modelProbability,
    reasons: d.reasons,
    matchedRules: d.matchedRules.map((m) => ({ ...m, rulesetId: formatId(RULESET_PREFIX, m.rulesetId) })),
    features: d.features,
    versions: d.versions,
    shadow: d.shadow,
    latencyUs: d.latencyUs,
    decidedAt: d.decidedAt.toISOString(),
    event: {
      ...d.event,
      ...(currency && typeof d.event.amountMinor === 'string'
        ? { amount: formatAmount(BigInt(d.event.amountMinor), currency) }
        : {}),
    },
  };
}

export function rulesetJson(r: RulesetRecord) {
  return {
    ...r,
    id: formatId(RULESET_PREFIX, r.id),
    createdAt: r.createdAt.toISOString(),
    changedAt: r.changedAt.toISOString(),
  };
}

export function caseJson(c: CaseRecord) {
  return {
    ...c,
    id: formatId(CASE_PREFIX, c.id),
    decisionId: formatId(DECISION_PREFIX, c.decisionId),
    openedAt: c.openedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    firstActionAt: c.firstActionAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
  };
}

function idOf(prefix: string, text: string, pointer = '/id'): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) riskFail('id_malformed', { value: text, kind: prefix }, pointer);
  return parsed.value;
}

const actor = (request: FastifyRequest) => request.principal?.staff?.id ?? request.principal?.keyId ?? 'system';

export async function riskRoutes(appBase: FastifyInstance, risk: RiskService, now: () => Date): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['risk'];

  app.post(
    '/decisions',
    {
      config: { scope: 'risk:decide' },
      schema: {
        tags,
        summary: 'Decide on an event (payment, login, loan application, account change): approve, review or decline',
        body: EventBody,
      },
    },
    async (request, reply) => {
      const event = eventFromInput(request.body, now);
      const decision = await risk.decide(event);
      return reply.code(201).send(decisionJson(decision));
    },
  );

  app.get(
    '/decisions',
    {
      config: { scope: 'risk:read' },
      schema: {
        tags,
        summary: 'Decisions in event-time order',
        querystring: Type.Object(
          {
            customerId: Type.Optional(Entity),
            decision: Type.Optional(Type.Union(DECISIONS.map((d) => Type.Literal(d)))),
            type: Type.Optional(Type.Union(RISK_EVENT_TYPES.map((t) => Type.Literal(t)))),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const items = await risk.listDecisions({
        ...(q.customerId ? { customerId: q.customerId } : {}),
        ...(q.decision ? { decision: q.decision } : {}),
        ...(q.type ? { eventType: q.type } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        limit: q.limit ?? 50,
      });
      return { items: items.map(decisionJson) };
    },
  );

  app.get(
    '/decisions/:id',
    {
      config: { scope: 'risk:read' },
      schema: { tags, summary: 'One decision, with its features and reasons', params: IdParams },
    },
    async (request) => decisionJson(await risk.getDecision(idOf(DECISION_PREFIX, request.params.id))),
  );

  app.post(
    '/decisions/:id/replay',
    {
      config: { scope: 'risk:read' },
      schema: {
        tags,
        summary: 'Decide again on the stored features with the stored versions; say whether it matches',
        params: IdParams,
      },
    },
    async (request) => {
      const r = await risk.replay(idOf(DECISION_PREFIX, request.params.id));
      return {
        same: r.same,
        original: { decision: r.original.decision, score: r.original.score, reasons: r.original.reasons },
        replayed: { decision: r.replayed.decision, score: r.replayed.score, reasons: r.replayed.reasons },
      };
    },
  );

  app.get(
    '/features',
    { config: { scope: 'risk:read' }, schema: { tags, summary: 'The feature catalog rules and models may use' } },
    async () => ({ version: risk.catalog.version, items: risk.catalog.definitions }),
  );

  // ---- rulesets ----
  const RulesetBody = Type.Object(
    {
      name: Name,
      eventTypes: Type.Array(Type.Union(RISK_EVENT_TYPES.map((t) => Type.Literal(t))), { minItems: 1, maxItems: 4 }),
      rules: Type.Array(RuleBody, { maxItems: 500 }),
      thresholds: Type.Optional(Thresholds),
      description: Type.Optional(Text(2000)),
    },
    strict,
  );

  app.post(
    '/rulesets',
    {
      config: { scope: 'risk:rules' },
      schema: {
        tags,
        summary: 'Save a new draft version of a ruleset (checked against the feature catalog)',
        body: RulesetBody,
      },
    },
    async (request, reply) => reply.code(201).send(rulesetJson(await risk.createRuleset(request.body, actor(request)))),
  );

  app.post(
    '/rulesets/check',
    {
      config: { scope: 'risk:read' },
      schema: {
        tags,
        summary: 'Check rules without saving: every syntax, feature and type error with line and column',
        body: Type.Object({ rules: Type.Array(RuleBody, { maxItems: 500 }) }, strict),
      },
    },
    async (request) => {
      const lists = Object.fromEntries((await risk.listLists()).map((l) => [l.name, 'string' as const]));
      const result = risk.checkRules(request.body.rules, lists);
      return result.ok ? { ok: true, errors: [] } : { ok: false, errors: result.errors };
    },
  );

  app.get(
    '/rulesets',
    {
      config: { scope: 'risk:read' },
      schema: {
        tags,
        summary: 'Ruleset versions',
        querystring: Type.Object(
          {
            name: Type.Optional(Name),
            status: Type.Optional(
              Type.Union([
                Type.Literal('draft'),
                Type.Literal('shadow'),
                Type.Literal('live'),
                Type.Literal('retired'),
              ]),
            ),
          },
          strict,
        ),
      },
    },
    async (request) => ({ items: (await risk.listRulesets(request.query)).map(rulesetJson) }),
  );

  app.get(
    '/rulesets/:id',
    { config: { scope: 'risk:read' }, schema: { tags, summary: 'One ruleset version', params: IdParams } },
    async (request) => rulesetJson(await risk.getRuleset(idOf(RULESET_PREFIX, request.params.id))),
  );

  app.post(
    '/rulesets/:id/promote',
    {
      config: { scope: 'risk:rules' },
      schema: {
        tags,
        summary: 'draft → shadow (evaluated and recorded, not enforced) → live',
        params: IdParams,
        body: Type.Object({ target: Type.Union([Type.Literal('shadow'), Type.Literal('live')]) }, strict),
      },
    },
    async (request) =>
      rulesetJson(await risk.promote(idOf(RULESET_PREFIX, request.params.id), request.body.target, actor(request))),
  );

  app.post(
    '/rulesets/rollback',
    {
      config: { scope: 'risk:rules' },
      schema: {
        tags,
        summary: 'Put the previous live version of a ruleset back live',
        body: Type.Object({ name: Name }, strict),
      },
    },
    async (request) => rulesetJson(await risk.rollback(request.body.name, actor(request))),
  );

  app.post(
    '/rulesets/:id/backtest',
    {
      config: { scope: 'risk:read' },
      schema: {
        tags,
        summary:
          'Backtest a ruleset over stored decisions: hits, precision, recall against labels, change in the decision mix',
        params: IdParams,
        body: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const b = request.body;
      return risk.backtest(idOf(RULESET_PREFIX, request.params.id), {
        ...(b.from ? { from: new Date(b.from) } : {}),
        ...(b.to ? { to: new Date(b.to) } : {}),
        ...(b.limit ? { limit: b.limit } : {}),
      });
    },
  );

  // ---- lists ----
  const ListParams = Type.Object({ name: Name }, strict);
  app.post(
    '/lists',
    {
      config: { scope: 'risk:lists' },
      schema: {
        tags,
        summary: 'Create an allow, deny or reference list for one entity kind',
        body: Type.Object(
          {
            name: Name,
            kind: Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('reference')]),
            entityKind: Type.Union(ENTITY_KINDS.map((k) => Type.Literal(k))),
            description: Type.Optional(Text(500)),
          },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const l = await risk.createList(request.body);
      return reply.code(201).send({ ...l, createdAt: l.createdAt.toISOString() });
    },
  );

  app.get('/lists', { config: { scope: 'risk:read' }, schema: { tags, summary: 'Lists' } }, async () => ({
    items: (await risk.listLists()).map((l) => ({ ...l, createdAt: l.createdAt.toISOString() })),
  }));

  const entryJson = (e: { value: string; reason: string; expiresAt: Date | null; addedAt: Date; addedBy: string }) => ({
    value: e.value,
    reason: e.reason,
    expiresAt: e.expiresAt?.toISOString() ?? null,
    addedAt: e.addedAt.toISOString(),
    addedBy: e.addedBy,
  });

  app.get(
    '/lists/:name/entries',
    { config: { scope: 'risk:read' }, schema: { tags, summary: 'Unexpired entries of a list', params: ListParams } },
    async (request) => ({ items: (await risk.entries(request.params.name)).map(entryJson) }),
  );

  app.post(
    '/lists/:name/entries',
    {
      config: { scope: 'risk:lists' },
      schema: {
        tags,
        summary: 'Add or renew entries (with an optional expiry)',
        params: ListParams,
        body: Type.Object(
          {
            entries: Type.Array(
              Type.Object(
                {
                  value: Entity,
                  reason: Type.Optional(Text(500)),
                  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
                },
                strict,
              ),
              { minItems: 1, maxItems: 1000 },
            ),
          },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const added = await risk.addEntries(
        request.params.name,
        request.body.entries.map((e) => ({
          value: e.value,
          ...(e.reason ? { reason: e.reason } : {}),
          expiresAt: e.expiresAt ? new Date(e.expiresAt) : null,
        })),
        actor(request),
      );
      return reply.code(201).send({ items: added.map(entryJson) });
    },
  );

  app.delete(
    '/lists/:name/entries/:value',
    {
      config: { scope: 'risk:lists' },
      schema: { tags, summary: 'Remove an entry', params: Type.Object({ name: Name, value: Entity }, strict) },
    },
    async (request, reply) => {
      await risk.removeEntry(request.params.name, request.params.value);
      return reply.code(204).send();
    },
  );

  // ---- cases ----
  app.get(
    '/cases',
    {
      config: { scope: 'risk:cases' },
      schema: {
        tags,
        summary: 'The review queue',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
            assignee: Type.Optional(Entity),
            overdue: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            after: Type.Optional(Type.String({ maxLength: 64 })),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const items = await risk.listCases({
        ...(q.status ? { status: q.status } : {}),
        ...(q.assignee ? { assignee: q.assignee } : {}),
        ...(q.overdue ? { overdue: true } : {}),
        ...(q.after ? { afterId: idOf(CASE_PREFIX, q.after, '/after') } : {}),
        limit: q.limit ?? 50,
      });
      return { items: items.map(caseJson) };
    },
  );

  app.get(
    '/cases/:id',
    {
      config: { scope: 'risk:cases' },
      schema: { tags, summary: 'A case with its decision (the view is recorded)', params: IdParams },
    },
    async (request) => {
      const r = await risk.viewCase(idOf(CASE_PREFIX, request.params.id), actor(request));
      return { ...caseJson(r.case), decision: decisionJson(r.decision) };
    },
  );

  app.post(
    '/cases/:id/assign',
    {
      config: { scope: 'risk:cases' },
      schema: { tags, summary: 'Assign a case', params: IdParams, body: Type.Object({ assignee: Entity }, strict) },
    },
    async (request) =>
      caseJson(await risk.assignCase(idOf(CASE_PREFIX, request.params.id), request.body.assignee, actor(request))),
  );

  app.post(
    '/cases/:id/notes',
    {
      config: { scope: 'risk:cases' },
      schema: {
        tags,
        summary: 'Add a note',
        params: IdParams,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }, strict),
      },
    },
    async (request) =>
      caseJson(await risk.noteCase(idOf(CASE_PREFIX, request.params.id), request.body.text, actor(request))),
  );

  app.post(
    '/cases/:id/close',
    {
      config: { scope: 'risk:cases' },
      schema: {
        tags,
        summary:
          'Close with a verdict: fraud (labels, lists, held payment rejected) or legitimate (held payment released)',
        params: IdParams,
        body: Type.Object(
          { outcome: Type.Union([Type.Literal('fraud'), Type.Literal('legitimate')]), note: Type.Optional(Text(4000)) },
          strict,
        ),
      },
    },
    async (request) =>
      caseJson(
        await risk.closeCase(
          idOf(CASE_PREFIX, request.params.id),
          request.body.outcome,
          actor(request),
          request.body.note,
        ),
      ),
  );

  // ---- models ----
  app.get('/models', { config: { scope: 'risk:read' }, schema: { tags, summary: 'The model registry' } }, async () => ({
    items: (await risk.listModels()).map((m) => ({
      ...m,
      createdAt: m.createdAt.toISOString(),
      changedAt: m.changedAt.toISOString(),
    })),
  }));

  app.post(
    '/models',
    {
      config: { scope: 'risk:models' },
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Register a trained model artefact (from `zhirong risk train` or `zhirong ml train`) as a candidate',
        body: Type.Object(
          {
            version: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
            artefact: Type.String({ minLength: 2, maxLength: 60 * 1024 * 1024 }),
            description: Type.Optional(Text(2000)),
            baselineScores: Type.Array(Type.Number({ minimum: 0, maximum: 1 }), { maxItems: 100_000 }),
          },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const m = await risk.registerModel(request.body);
      return reply.code(201).send({ version: m.version, role: m.role, contentHash: m.contentHash });
    },
  );

  app.post(
    '/models/:version/promote',
    {
      config: { scope: 'risk:models' },
      schema: {
        tags,
        summary: 'Make a model the champion (enforced) or the challenger (scored in shadow), or retire it',
        params: Type.Object({ version: Type.String({ maxLength: 64 }) }, strict),
        body: Type.Object(
          { role: Type.Union([Type.Literal('champion'), Type.Literal('challenger'), Type.Literal('retired')]) },
          strict,
        ),
      },
    },
    async (request) => {
      await risk.promoteModel(request.params.version, request.body.role);
      return { version: request.params.version, role: request.body.role };
    },
  );

  app.get(
    '/models/:version/drift',
    {
      config: { scope: 'risk:read' },
      schema: {
        tags,
        summary: 'PSI of live scores against training scores (< 0.1 stable, < 0.25 shifting, else drifted)',
        params: Type.Object({ version: Type.String({ maxLength: 64 }) }, strict),
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })) }, strict),
      },
    },
    async (request) => risk.drift(request.params.version, request.query.days ?? 7),
  );
}
