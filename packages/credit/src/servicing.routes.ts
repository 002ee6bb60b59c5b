// HTTP routes of post-loan servicing: /v1/credit/collections…, /v1/credit/warnings…, /v1/credit/reports/portfolio.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { cursorPage, formatAmount, formatId, LIMITS, parseAmount, parseId } from '@zhirong/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { creditFail } from './credit.routes.ts';
import { type CreditService, LOAN_PREFIX } from './credit.service.ts';
import type { Outcome } from './quote.ts';
import type { CollectionAction, CollectionEntry, Warning } from './servicing.ts';

export const WARNING_PREFIX = 'lew';
const strict = { additionalProperties: false } as const;
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, strict);
const actor = (request: FastifyRequest) => request.principal?.staff?.id ?? request.principal?.keyId ?? 'system';

function idOf(prefix: string, text: string, pointer: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) creditFail('id_malformed', { value: text, kind: prefix }, pointer);
  return parsed.value;
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) creditFail(outcome.code, outcome.params);
  return outcome.value;
}

function actionJson(a: CollectionAction, currency: string) {
  return {
    kind: a.kind,
    assignee: a.assignee,
    note: a.note,
    promisedAmount: a.promisedAmountMinor === null ? null : formatAmount(a.promisedAmountMinor, currency),
    promisedDate: a.promisedDate,
    actor: a.actor,
    createdAt: a.createdAt.toISOString(),
  };
}

export function collectionJson(e: CollectionEntry) {
  const f = (minor: bigint) => formatAmount(minor, e.currency);
  return {
    loanId: formatId(LOAN_PREFIX, e.loanId),
    customerAccountId: formatId('acc', e.customerAccountId),
    currency: e.currency,
    daysPastDue: e.daysPastDue,
    bucket: e.bucket,
    oldestDueDate: e.oldestDueDate,
    amountDue: f(e.amountDueMinor),
    overdue: f(e.overdueMinor),
    penalty: f(e.penaltyMinor),
    principalOutstanding: f(e.principalOutstandingMinor),
    assignee: e.assignee,
    promise: e.promise
      ? {
          amount: f(e.promise.amountMinor),
          date: e.promise.date,
          status: e.promise.status,
          repaid: f(e.promise.repaidMinor),
          note: e.promise.note,
          actor: e.promise.actor,
          createdAt: e.promise.createdAt.toISOString(),
        }
      : null,
    notes: e.notes.map((n) => ({ note: n.note, actor: n.actor, createdAt: n.createdAt.toISOString() })),
    ...(e.actions ? { actions: e.actions.map((a) => actionJson(a, e.currency)) } : {}),
  };
}

export function warningJson(w: Warning) {
  return {
    id: formatId(WARNING_PREFIX, w.id),
    loanId: formatId(LOAN_PREFIX, w.loanId),
    kind: w.kind,
    reason: w.reason,
    detail: w.detail,
    raisedAt: w.raisedAt.toISOString(),
    acknowledgedAt: w.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: w.acknowledgedBy,
  };
}

export async function servicingRoutes(appBase: FastifyInstance, credit: CreditService): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['credit'];
  const servicing = credit.servicing;
  const loanId = (text: string) => idOf(LOAN_PREFIX, text, '/id');
  const Bucket = Type.Union(['M1', 'M2', 'M3', 'M3+'].map((b) => Type.Literal(b)));

  app.get(
    '/collections',
    {
      config: { scope: 'credit:read' },
      schema: {
        tags,
        summary: 'The collections queue: overdue loans worst first, with amount due, assignee, promise and notes',
        querystring: Type.Object(
          {
            bucket: Type.Optional(Bucket),
            assignee: Type.Optional(Type.String({ maxLength: 64 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax })),
            cursor: Type.Optional(Type.String({ maxLength: 64 })),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? LIMITS.pageSizeDefault;
      const rows = await servicing.queue({
        limit: limit + 1,
        ...(q.bucket ? { bucket: q.bucket as 'M1' | 'M2' | 'M3' | 'M3+' } : {}),
        ...(q.assignee ? { assignee: q.assignee } : {}),
        ...(q.cursor ? { after: idOf(LOAN_PREFIX, q.cursor, '/cursor') } : {}),
      });
      return cursorPage(rows, limit, collectionJson, (last) => formatId(LOAN_PREFIX, last.loanId));
    },
  );

  app.get(
    '/collections/:id',
    {
      config: { scope: 'credit:read' },
      schema: { tags, summary: 'One loan in collections with its whole history of actions', params: IdParams },
    },
    async (request) => {
      const entry = await servicing.collectionCase(loanId(request.params.id));
      if (!entry) creditFail('loan_not_found', { id: request.params.id });
      return collectionJson(entry);
    },
  );

  app.post(
    '/collections/:id/assignee',
    {
      config: { scope: 'credit:loans' },
      schema: {
        tags,
        summary: 'Assign the loan to a collector (null unassigns)',
        params: IdParams,
        body: Type.Object({ assignee: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]) }, strict),
      },
    },
    async (request) =>
      collectionJson(
        unwrap(
          await servicing.act(
            loanId(request.params.id),
            { kind: 'assign', assignee: request.body.assignee },
            actor(request),
          ),
        ),
      ),
  );

  app.post(
    '/collections/:id/notes',
    {
      config: { scope: 'credit:loans' },
      schema: {
        tags,
        summary: 'Record a contact note',
        params: IdParams,
        body: Type.Object({ note: Type.String({ maxLength: 2000 }) }, strict),
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          collectionJson(
            unwrap(
              await servicing.act(loanId(request.params.id), { kind: 'note', note: request.body.note }, actor(request)),
            ),
          ),
        ),
  );

  app.post(
    '/collections/:id/promises',
    {
      config: { scope: 'credit:loans' },
      schema: {
        tags,
        summary: 'Record a promise to pay an amount by a date',
        params: IdParams,
        body: Type.Object(
          {
            amount: Type.String({ minLength: 1, maxLength: 64 }),
            date: Type.String({ maxLength: 10 }),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const id = loanId(request.params.id);
      const entry = await servicing.collectionCase(id);
      if (!entry) creditFail('loan_not_found', { id: request.params.id });
      const amount = parseAmount(request.body.amount, entry.currency);
      if (!amount.ok) creditFail(amount.code, { currency: entry.currency }, '/amount');
      const b = request.body;
      return reply
        .code(201)
        .send(
          collectionJson(
            unwrap(
              await servicing.act(
                id,
                { kind: 'promise', amountMinor: amount.value, date: b.date, ...(b.note ? { note: b.note } : {}) },
                actor(request),
              ),
            ),
          ),
        );
    },
  );

  app.post(
    '/monitoring',
    {
      config: { scope: 'credit:loans' },
      schema: {
        tags,
        summary: 'Run post-loan monitoring: flag missed payments, falling balances and new risk decisions (each once)',
      },
    },
    async () => ({ raised: await servicing.monitor() }),
  );

  const Warnings = Type.Object(
    {
      open: Type.Optional(Type.Boolean()),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax })),
      cursor: Type.Optional(Type.String({ maxLength: 64 })),
    },
    strict,
  );
  const listWarnings = async (q: { open?: boolean; limit?: number; cursor?: string }, loan?: string) => {
    const limit = q.limit ?? LIMITS.pageSizeDefault;
    const rows = await servicing.warnings({
      limit: limit + 1,
      openOnly: q.open ?? loan === undefined,
      ...(loan ? { loanId: loan } : {}),
      ...(q.cursor ? { after: idOf(WARNING_PREFIX, q.cursor, '/cursor') } : {}),
    });
    return cursorPage(rows, limit, warningJson, (last) => formatId(WARNING_PREFIX, last.id));
  };

  app.get(
    '/warnings',
    {
      config: { scope: 'credit:read' },
      schema: { tags, summary: 'The early-warning queue (open flags, newest first)', querystring: Warnings },
    },
    async (request) => listWarnings(request.query),
  );

  app.get(
    '/loans/:id/warnings',
    {
      config: { scope: 'credit:read' },
      schema: { tags, summary: 'Early-warning flags of a loan', params: IdParams, querystring: Warnings },
    },
    async (request) => {
      const id = loanId(request.params.id);
      if (!(await credit.loan(id))) creditFail('loan_not_found', { id: request.params.id });
      return listWarnings({ open: false, ...request.query }, id);
    },
  );

  app.post(
    '/warnings/:id/acknowledge',
    {
      config: { scope: 'credit:loans' },
      schema: { tags, summary: 'Acknowledge an early-warning flag (it leaves the open queue)', params: IdParams },
    },
    async (request) => {
      const w = await servicing.acknowledge(idOf(WARNING_PREFIX, request.params.id, '/id'), actor(request));
      if (!w) creditFail('credit_warning_not_found', { id: request.params.id });
      return warningJson(w);
    },
  );

  app.get(
    '/reports/portfolio',
    {
      config: { scope: 'credit:read' },
      schema: {
        tags,
        summary: 'Portfolio report: approval and bad rates and roll rates by score band, vintage curves, PSI of PDs',
        querystring: Type.Object(
          {
            asOf: Type.Optional(Type.String({ maxLength: 10 })),
            days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660 })),
          },
          strict,
        ),
      },
    },
    async (request) =>
      unwrap(
        await servicing.report({
          ...(request.query.asOf ? { asOf: request.query.asOf } : {}),
          ...(request.query.days ? { days: request.query.days } : {}),
        }),
      ),
  );
}
