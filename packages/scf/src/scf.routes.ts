import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { cursorPage, formatAmount, formatId, LIMITS, parseAmount, parseId } from '@zhirong/kernel';
import { type IdempotencyTable, idempotentReply, problem } from '@zhirong/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type ScfErrorCode, scfErrors } from './errors.ts';
import type { Receivable } from './receivable.ts';
import type * as repo from './scf.repository.ts';
import type { Step } from './scf.repository.ts';
import {
  type Outcome,
  RECEIVABLE_PREFIX,
  type ScfService,
  STEP_PREFIX,
  STEP_RECORD_TYPE,
  type StepResult,
} from './scf.service.ts';

const strict = { additionalProperties: false } as const;
const AccountId = Type.String({ minLength: 1, maxLength: 64, description: 'A ledger account id (`acc_…`)' });
const Amount = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Decimal string in major units',
  examples: ['1000000.00'],
});
const Currency = Type.String({ minLength: 3, maxLength: 3, examples: ['CNY'] });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, strict);

export function scfFail(code: ScfErrorCode, params?: Record<string, unknown>, pointer?: string): never {
  throw problem(scfErrors, code, { ...(params ? { params } : {}), ...(pointer ? { extensions: { pointer } } : {}) });
}

function idOf(prefix: string, text: string, pointer: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) scfFail('id_malformed', { value: text, kind: prefix }, pointer);
  return parsed.value;
}

function amountOf(text: string, currency: string, pointer: string): bigint {
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) scfFail(parsed.code, { currency }, pointer);
  return parsed.value;
}

export function receivableJson(r: Receivable) {
  return {
    id: formatId(RECEIVABLE_PREFIX, r.id),
    rootId: formatId(RECEIVABLE_PREFIX, r.rootId),
    parentId: r.parentId ? formatId(RECEIVABLE_PREFIX, r.parentId) : null,
    issuerAccountId: formatId('acc', r.issuerAccountId),
    holderAccountId: formatId('acc', r.holderAccountId),
    amount: formatAmount(r.amountMinor, r.currency),
    currency: r.currency,
    issueDate: r.issueDate,
    maturityDate: r.maturityDate,
    debtReference: r.debtReference,
    financed: r.financed,
    status: r.status,
    createdByStepId: formatId(STEP_PREFIX, r.createdByStepId),
    spentByStepId: r.spentByStepId ? formatId(STEP_PREFIX, r.spentByStepId) : null,
  };
}

export function stepJson(s: Step) {
  const { money, children: _c, settles: _s, ...details } = s.details;
  return {
    id: formatId(STEP_PREFIX, s.id),
    kind: s.kind,
    status: s.status,
    input: s.inputId ? formatId(RECEIVABLE_PREFIX, s.inputId) : null,
    outputs: s.outputIds.map((id) => formatId(RECEIVABLE_PREFIX, id)),
    payments: money.map((m, i) => ({
      transferId: formatId('trf', s.transferIds[i] as string),
      debitAccountId: formatId('acc', m.debitAccountId),
      creditAccountId: formatId('acc', m.creditAccountId),
      amountMinor: m.amountMinor,
    })),
    details,
    failureCode: s.failureCode,
    createdAt: s.createdAt.toISOString(),
    completedAt: s.completedAt?.toISOString() ?? null,
    /** Where the evidence log keeps this step (once completed). */
    evidence: s.status === 'completed' ? { recordType: STEP_RECORD_TYPE, recordId: formatId(STEP_PREFIX, s.id) } : null,
  };
}

export function stepResultJson(r: StepResult) {
  return { step: stepJson(r.step), outputs: r.outputs.map(receivableJson) };
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) scfFail(outcome.code, outcome.params);
  return outcome.value;
}

const IDEMPOTENCY: IdempotencyTable = {
  table: 'scf.idempotency',
  keyPrefix: 'scf:',
  refuse: (code) => scfFail(code),
};

/** Runs a value-moving POST under its Idempotency-Key (see `idempotentReply`). */
function idempotent(
  db: repo.Db,
  request: FastifyRequest,
  reply: FastifyReply,
  now: () => Date,
  work: () => Promise<{ status: number; body: unknown }>,
) {
  return idempotentReply(db, IDEMPOTENCY, request, reply, now, work);
}

export async function scfRoutes(
  appBase: FastifyInstance,
  scf: ScfService,
  db: repo.Db,
  now: () => Date,
): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['scf'];
  const receivableId = (text: string) => idOf(RECEIVABLE_PREFIX, text, '/id');
  const idempotencyHeader = Type.Object({
    'idempotency-key': Type.Optional(
      Type.String({ description: 'Retries with the same key and body return the first response' }),
    ),
  });

  app.post(
    '/receivables',
    {
      config: { scope: 'scf:issue' },
      schema: {
        tags,
        summary: 'Issue a receivable: the core enterprise confirms its debt to a supplier (开立)',
        headers: idempotencyHeader,
        body: Type.Object(
          {
            issuerAccountId: AccountId,
            holderAccountId: AccountId,
            amount: Amount,
            currency: Currency,
            maturityDate: Type.String({ format: 'date', description: 'YYYY-MM-DD, after today' }),
            debtReference: Type.String({
              minLength: 1,
              maxLength: 200,
              description: 'The confirmed contract or invoice',
            }),
          },
          strict,
        ),
      },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => {
        const b = request.body;
        const result = unwrap(
          await scf.issue({
            issuerAccountId: idOf('acc', b.issuerAccountId, '/issuerAccountId'),
            holderAccountId: idOf('acc', b.holderAccountId, '/holderAccountId'),
            amountMinor: amountOf(b.amount, b.currency, '/amount'),
            currency: b.currency,
            maturityDate: b.maturityDate,
            debtReference: b.debtReference,
          }),
        );
        return { status: 201, body: stepResultJson(result) };
      }),
  );

  app.get(
    '/receivables',
    {
      config: { scope: 'scf:read' },
      schema: {
        tags,
        summary: 'List receivables, by holder, lineage or status',
        querystring: Type.Object(
          {
            holderAccountId: Type.Optional(AccountId),
            rootId: Type.Optional(Type.String({ maxLength: 64 })),
            status: Type.Optional(Type.Union(['active', 'locked', 'spent', 'settled'].map((s) => Type.Literal(s)))),
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
      const rows = await scf.list({
        limit: limit + 1,
        ...(q.holderAccountId ? { holderAccountId: idOf('acc', q.holderAccountId, '/holderAccountId') } : {}),
        ...(q.rootId ? { rootId: idOf(RECEIVABLE_PREFIX, q.rootId, '/rootId') } : {}),
        ...(q.status ? { status: q.status as Receivable['status'] } : {}),
        ...(q.cursor ? { afterId: idOf(RECEIVABLE_PREFIX, q.cursor, '/cursor') } : {}),
      });
      return cursorPage(rows, limit, receivableJson, (last) => formatId(RECEIVABLE_PREFIX, last.id));
    },
  );

  app.get(
    '/receivables/:id',
    { config: { scope: 'scf:read' }, schema: { tags, summary: 'A receivable', params: IdParams } },
    async (request) => {
      const r = await scf.get(receivableId(request.params.id));
      if (!r) scfFail('receivable_not_found', { id: request.params.id });
      return receivableJson(r);
    },
  );

  app.get(
    '/receivables/:id/history',
    {
      config: { scope: 'scf:read' },
      schema: {
        tags,
        summary: 'Every step from issuance to this receivable, each a record in the evidence log',
        params: IdParams,
      },
    },
    async (request) => {
      const h = unwrap(await scf.history(receivableId(request.params.id)));
      return { receivable: receivableJson(h.receivable), steps: h.steps.map(stepResultJson) };
    },
  );

  app.post(
    '/receivables/:id/split',
    {
      config: { scope: 'scf:write' },
      schema: {
        tags,
        summary: 'Split a receivable into parts that sum exactly to it (拆分)',
        params: IdParams,
        headers: idempotencyHeader,
        body: Type.Object({ amounts: Type.Array(Amount, { minItems: 2, maxItems: 100 }) }, strict),
      },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => {
        const id = receivableId(request.params.id);
        const current = await scf.get(id);
        if (!current) scfFail('receivable_not_found', { id: request.params.id });
        const amounts = request.body.amounts.map((a, i) => amountOf(a, current.currency, `/amounts/${i}`));
        return { status: 201, body: stepResultJson(unwrap(await scf.split(id, amounts))) };
      }),
  );

  app.post(
    '/receivables/:id/transfer',
    {
      config: { scope: 'scf:write' },
      schema: {
        tags,
        summary: 'Transfer all or part of a receivable to the next tier (流转)',
        params: IdParams,
        headers: idempotencyHeader,
        body: Type.Object({ toAccountId: AccountId, amount: Type.Optional(Amount) }, strict),
      },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => {
        const id = receivableId(request.params.id);
        const current = await scf.get(id);
        if (!current) scfFail('receivable_not_found', { id: request.params.id });
        const amount =
          request.body.amount === undefined ? undefined : amountOf(request.body.amount, current.currency, '/amount');
        const result = await scf.transfer(id, idOf('acc', request.body.toAccountId, '/toAccountId'), amount);
        return { status: 201, body: stepResultJson(unwrap(result)) };
      }),
  );

  app.post(
    '/receivables/:id/finance',
    {
      config: { scope: 'scf:finance' },
      schema: {
        tags,
        summary: 'Discount a receivable at a funder: pay-out = face × (1 − rate × days / 360), rounded down (融资)',
        params: IdParams,
        headers: idempotencyHeader,
        body: Type.Object(
          {
            funderAccountId: AccountId,
            annualRate: Type.String({ minLength: 1, maxLength: 12, description: 'Decimal fraction, 0.0365 = 3.65 %' }),
          },
          strict,
        ),
      },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => {
        const result = await scf.finance(
          receivableId(request.params.id),
          idOf('acc', request.body.funderAccountId, '/funderAccountId'),
          request.body.annualRate,
        );
        return { status: 201, body: stepResultJson(unwrap(result)) };
      }),
  );

  app.post(
    '/receivables/:id/settle',
    {
      config: { scope: 'scf:settle' },
      schema: {
        tags,
        summary: 'Settle a matured receivable: the issuer pays its current holder (兑付)',
        params: IdParams,
        headers: idempotencyHeader,
      },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => ({
        status: 201,
        body: stepResultJson(unwrap(await scf.settle(receivableId(request.params.id)))),
      })),
  );

  app.post(
    '/receivables/settle-due',
    {
      config: { scope: 'scf:settle' },
      schema: { tags, summary: 'Settle every receivable matured by today (the scheduler does this too)' },
    },
    async () => scf.settleDue(),
  );

  app.get(
    '/steps/:id',
    { config: { scope: 'scf:read' }, schema: { tags, summary: 'One step of a receivable lineage', params: IdParams } },
    async (request) => {
      const s = await scf.step(idOf(STEP_PREFIX, request.params.id, '/id'));
      if (!s) scfFail('step_not_found', { id: request.params.id });
      return stepJson(s);
    },
  );
}
