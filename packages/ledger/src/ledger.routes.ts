import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { formatId, type IdGenerator, LIMITS } from '@zhirong/kernel';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Static, Type } from 'typebox';
import { ACCOUNT_FLAGS, ACCOUNT_TYPES } from './account.ts';
import {
  ACCOUNT_PREFIX,
  accountJson,
  accountUuid,
  amountMinor,
  checkMetadata,
  decodeCursor,
  encodeCursor,
  fail,
  statementLineJson,
  TRANSFER_PREFIX,
  transferJson,
  transferUuid,
} from './ledger.dto.ts';
import type { LedgerService, Outcome } from './ledger.service.ts';
import type { TransferCoalescer } from './transfer.coalescer.ts';
import type { TransferRequest, TransferResult } from './transfer.ts';

const IdString = (prefix: string) =>
  Type.String({ minLength: 1, maxLength: 64, description: `A \`${prefix}_\` id (TypeID: prefix + UUIDv7 in base32)` });
const Amount = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Decimal string in major units with at most the currency minor digits, e.g. "1500.00"',
  examples: ['1500.00'],
});
const Currency = Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217 code', examples: ['CNY'] });
const Metadata = Type.Record(Type.String(), Type.Unknown(), { description: 'Free-form JSON, at most 4 KiB' });
const Code = Type.Integer({ minimum: 0, maximum: 2147483647 });
const Limit = Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax, default: LIMITS.pageSizeDefault });
const strict = { additionalProperties: false } as const;

const AccountBody = Type.Object(
  {
    id: Type.Optional(IdString(ACCOUNT_PREFIX)),
    currency: Currency,
    type: Type.Union(ACCOUNT_TYPES.map((t) => Type.Literal(t))),
    code: Type.Optional(Code),
    ownerRef: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
    flags: Type.Optional(
      Type.Array(Type.Union(ACCOUNT_FLAGS.map((f) => Type.Literal(f))), { maxItems: 2, uniqueItems: true }),
    ),
    metadata: Type.Optional(Metadata),
  },
  strict,
);

const TransferBody = Type.Object(
  {
    id: IdString(TRANSFER_PREFIX),
    debitAccountId: IdString(ACCOUNT_PREFIX),
    creditAccountId: IdString(ACCOUNT_PREFIX),
    amount: Amount,
    currency: Currency,
    pending: Type.Optional(Type.Boolean({ description: 'Reserve the amount (first phase of a two-phase transfer)' })),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
    code: Type.Optional(Code),
    metadata: Type.Optional(Metadata),
  },
  strict,
);

const BatchItem = Type.Object(
  {
    type: Type.Union([
      Type.Literal('single'),
      Type.Literal('pending'),
      Type.Literal('post_pending'),
      Type.Literal('void_pending'),
    ]),
    id: IdString(TRANSFER_PREFIX),
    debitAccountId: Type.Optional(IdString(ACCOUNT_PREFIX)),
    creditAccountId: Type.Optional(IdString(ACCOUNT_PREFIX)),
    amount: Type.Optional(Amount),
    currency: Type.Optional(Currency),
    pendingId: Type.Optional(IdString(TRANSFER_PREFIX)),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
    linked: Type.Optional(Type.Boolean()),
    code: Type.Optional(Code),
    metadata: Type.Optional(Metadata),
  },
  strict,
);

const BatchBody = Type.Object(
  { transfers: Type.Array(BatchItem, { minItems: 1, maxItems: LIMITS.transferBatchSizeMax }) },
  strict,
);

const ResolveBody = Type.Object(
  {
    id: IdString(TRANSFER_PREFIX),
    amount: Type.Optional(Amount),
    code: Type.Optional(Code),
    metadata: Type.Optional(Metadata),
  },
  strict,
);
const VoidBody = Type.Object({ id: IdString(TRANSFER_PREFIX), metadata: Type.Optional(Metadata) }, strict);

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, strict);

const read = { scope: 'ledger:read' } as const;
const write = { scope: 'ledger:write' } as const;

export interface LedgerRouteDeps {
  readonly ledger: LedgerService;
  readonly coalescer: TransferCoalescer;
  readonly ids: IdGenerator;
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) fail(outcome.code, outcome.params);
  return outcome.value;
}

/** Sends one transfer result: 201 created, 200 replay, problem+json on failure. */
function sendTransfer(reply: FastifyReply, result: TransferResult | undefined) {
  if (!result) throw new Error('missing transfer result');
  if (result.status === 'failed') {
    fail(
      result.code as Parameters<typeof fail>[0],
      publicParams(result.code, result.params) as Record<string, unknown>,
    );
  }
  return reply.code(result.status === 'created' ? 201 : 200).send(transferJson(result.transfer));
}

const ACCOUNT_CODES = new Set([
  'account_not_found',
  'exceeds_credits',
  'exceeds_debits',
  'overflows_balance',
  'account_frozen',
  'account_closed',
]);

/** Engine results name records by UUID; the API names them by prefixed id. */
function publicParams(code: string, params: Readonly<Record<string, unknown>> | undefined) {
  const id = params?.id;
  if (!params || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return params;
  return { ...params, id: formatId(ACCOUNT_CODES.has(code) ? ACCOUNT_PREFIX : TRANSFER_PREFIX, id) };
}

export async function ledgerRoutes(appBase: FastifyInstance, deps: LedgerRouteDeps): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { ledger, coalescer, ids } = deps;
  const tags = ['ledger'];

  app.post(
    '/accounts',
    {
      config: write,
      schema: { tags, summary: 'Create an account (idempotent by id)', body: AccountBody },
    },
    async (request, reply) => {
      const body = request.body;
      checkMetadata(body.metadata, '/metadata');
      const id = body.id ? accountUuid(body.id, '/id') : ids.uuid();
      const [result] = await ledger.createAccounts([
        {
          id,
          currency: body.currency,
          type: body.type,
          ...(body.code === undefined ? {} : { code: body.code }),
          ownerRef: body.ownerRef ?? null,
          flags: body.flags ?? [],
          metadata: body.metadata ?? {},
        },
      ]);
      if (!result) throw new Error('missing account result');
      if (result.status === 'failed') fail(result.code, result.params);
      return reply.code(result.status === 'created' ? 201 : 200).send(accountJson(result.account));
    },
  );

  app.get(
    '/accounts',
    {
      config: read,
      schema: {
        tags,
        summary: 'List accounts',
        querystring: Type.Object(
          {
            limit: Type.Optional(Limit),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
            currency: Type.Optional(Currency),
            ownerRef: Type.Optional(Type.String({ maxLength: 128 })),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? LIMITS.pageSizeDefault;
      const afterId = q.cursor ? decodeCursor(q.cursor, 'after', /^[0-9a-f-]{36}$/) : undefined;
      const accounts = await ledger.listAccounts({
        limit: limit + 1,
        ...(q.currency ? { currency: q.currency } : {}),
        ...(q.ownerRef ? { ownerRef: q.ownerRef } : {}),
        ...(afterId ? { afterId } : {}),
      });
      const page = accounts.slice(0, limit);
      const last = page.at(-1);
      return {
        data: page.map(accountJson),
        nextCursor: accounts.length > limit && last ? encodeCursor({ after: last.id }) : null,
      };
    },
  );

  app.get(
    '/accounts/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'An account with its balances, now or as of an instant',
        params: IdParams,
        querystring: Type.Object({ asOf: Type.Optional(Type.String({ format: 'date-time' })) }, strict),
      },
    },
    async (request) => {
      const id = accountUuid(request.params.id, '/id');
      if (request.query.asOf) {
        const at = new Date(request.query.asOf);
        const { account, balances, seq } = unwrap(await ledger.balancesAsOf(id, at));
        return { ...accountJson({ ...account, balances }), asOf: at.toISOString(), entrySeq: seq.toString() };
      }
      const account = await ledger.getAccount(id);
      if (!account) fail('account_not_found', { id: request.params.id });
      return accountJson(account);
    },
  );

  for (const [action, status] of [
    ['freeze', 'frozen'],
    ['unfreeze', 'active'],
    ['close', 'closed'],
  ] as const) {
    app.post(
      `/accounts/:id/${action}`,
      {
        config: write,
        schema: { tags, summary: `${action[0]?.toUpperCase()}${action.slice(1)} an account`, params: IdParams },
      },
      async (request) => {
        const id = accountUuid(request.params.id, '/id');
        const outcome = await ledger.setAccountStatus(id, status);
        if (!outcome.ok) fail(outcome.code, { ...outcome.params, id: request.params.id });
        return accountJson(outcome.value);
      },
    );
  }

  app.get(
    '/accounts/:id/statement',
    {
      config: read,
      schema: {
        tags,
        summary: 'Entries of an account with the running balance, oldest first',
        params: IdParams,
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Optional(Limit),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const id = accountUuid(request.params.id, '/id');
      const q = request.query;
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? new Date(q.to) : undefined;
      if (from && to && from.getTime() > to.getTime()) fail('time_range_invalid');
      const afterSeq = q.cursor ? BigInt(decodeCursor(q.cursor, 'seq', /^\d{1,19}$/)) : undefined;
      const statement = unwrap(
        await ledger.statement({
          accountId: id,
          limit: q.limit ?? LIMITS.pageSizeDefault,
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(afterSeq === undefined ? {} : { afterSeq }),
        }),
      );
      return {
        account: accountJson(statement.account),
        data: statement.lines.map((line) => statementLineJson(statement.account, line)),
        nextCursor:
          statement.nextAfterSeq === undefined ? null : encodeCursor({ seq: statement.nextAfterSeq.toString() }),
      };
    },
  );

  app.post(
    '/transfers',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a transfer (idempotent by id); coalesced with concurrent calls',
        body: TransferBody,
      },
    },
    async (request, reply) => {
      const b = request.body;
      checkMetadata(b.metadata, '/metadata');
      const transfer: TransferRequest = {
        kind: b.pending ? 'pending' : 'single',
        id: transferUuid(b.id, '/id'),
        debitAccountId: accountUuid(b.debitAccountId, '/debitAccountId'),
        creditAccountId: accountUuid(b.creditAccountId, '/creditAccountId'),
        amountMinor: amountMinor(b.amount, b.currency, '/amount'),
        currency: b.currency as TransferRequest extends { currency: infer C } ? C : never,
        ...(b.timeoutSeconds === undefined ? {} : { timeoutSeconds: b.timeoutSeconds }),
        ...(b.code === undefined ? {} : { code: b.code }),
        ...(b.metadata ? { metadata: b.metadata } : {}),
      };
      return sendTransfer(reply, await coalescer.submit(transfer));
    },
  );

  app.post(
    '/transfers/batch',
    {
      config: write,
      schema: {
        tags,
        summary: `Create up to ${LIMITS.transferBatchSizeMax} transfers in one call; one result per item`,
        body: BatchBody,
      },
    },
    async (request) => {
      const items = request.body.transfers.map((item, index) => batchItem(item, index));
      const results = await ledger.createTransfers(items);
      return {
        results: results.map((r, index) => ({
          index,
          id: request.body.transfers[index]?.id,
          status: r.status,
          ...(r.status === 'failed'
            ? { code: r.code, ...(r.params ? { params: publicParams(r.code, r.params) } : {}) }
            : {}),
        })),
      };
    },
  );

  app.get(
    '/transfers/:id',
    { config: read, schema: { tags, summary: 'A transfer', params: IdParams } },
    async (request) => {
      const transfer = await ledger.getTransfer(transferUuid(request.params.id, '/id'));
      if (!transfer) fail('transfer_not_found', { id: request.params.id });
      return transferJson(transfer);
    },
  );

  app.post(
    '/transfers/:id/post',
    {
      config: write,
      schema: { tags, summary: 'Post a pending transfer, in full or in part', params: IdParams, body: ResolveBody },
    },
    async (request, reply) => {
      const pendingId = transferUuid(request.params.id, '/id');
      const b = request.body;
      checkMetadata(b.metadata, '/metadata');
      let amount: bigint | undefined;
      if (b.amount !== undefined) {
        const pending = await ledger.getTransfer(pendingId);
        if (!pending) fail('pending_transfer_not_found', { id: request.params.id });
        amount = amountMinor(b.amount, pending.currency, '/amount');
      }
      const [result] = await ledger.createTransfers([
        {
          kind: 'post_pending',
          id: transferUuid(b.id, '/id'),
          pendingId,
          ...(amount === undefined ? {} : { amountMinor: amount }),
          ...(b.code === undefined ? {} : { code: b.code }),
          ...(b.metadata ? { metadata: b.metadata } : {}),
        },
      ]);
      return sendTransfer(reply, result);
    },
  );

  app.post(
    '/transfers/:id/void',
    { config: write, schema: { tags, summary: 'Void a pending transfer', params: IdParams, body: VoidBody } },
    async (request, reply) => {
      const b = request.body;
      checkMetadata(b.metadata, '/metadata');
      const [result] = await ledger.createTransfers([
        {
          kind: 'void_pending',
          id: transferUuid(b.id, '/id'),
          pendingId: transferUuid(request.params.id, '/id'),
          ...(b.metadata ? { metadata: b.metadata } : {}),
        },
      ]);
      return sendTransfer(reply, result);
    },
  );

  app.post(
    '/transfers/:id/reverse',
    {
      config: write,
      schema: {
        tags,
        summary: 'Correct a posted transfer with a reversal, in full or in part',
        params: IdParams,
        body: ResolveBody,
      },
    },
    async (request, reply) => {
      const originalId = transferUuid(request.params.id, '/id');
      const b = request.body;
      checkMetadata(b.metadata, '/metadata');
      const original = await ledger.getTransfer(originalId);
      if (!original) fail('transfer_not_found', { id: request.params.id });
      const reversal = unwrap(
        await ledger.reversalRequest(originalId, {
          id: transferUuid(b.id, '/id'),
          ...(b.amount === undefined ? {} : { amountMinor: amountMinor(b.amount, original.currency, '/amount') }),
          ...(b.code === undefined ? {} : { code: b.code }),
          ...(b.metadata ? { metadata: b.metadata } : {}),
        }),
      );
      const [result] = await ledger.createTransfers([reversal]);
      return sendTransfer(reply, result);
    },
  );

  app.get('/totals', { config: read, schema: { tags, summary: 'Debit and credit totals per currency' } }, async () => {
    const totals = await ledger.totals();
    return {
      data: totals.map((t) => ({
        currency: t.currency,
        accounts: t.accounts,
        debitsPending: t.debitsPending.toString(),
        debitsPosted: t.debitsPosted.toString(),
        creditsPending: t.creditsPending.toString(),
        creditsPosted: t.creditsPosted.toString(),
        balanced: t.debitsPosted === t.creditsPosted && t.debitsPending === t.creditsPending,
      })),
    };
  });
}

function batchItem(item: Static<typeof BatchItem>, index: number): TransferRequest {
  const at = (field: string) => `/transfers/${index}/${field}`;
  checkMetadata(item.metadata, at('metadata'));
  const common = {
    id: transferUuid(item.id, at('id')),
    ...(item.linked ? { linked: true } : {}),
    ...(item.code === undefined ? {} : { code: item.code }),
    ...(item.metadata ? { metadata: item.metadata } : {}),
  };
  if (item.type === 'single' || item.type === 'pending') {
    for (const field of ['debitAccountId', 'creditAccountId', 'amount', 'currency'] as const) {
      if (item[field] === undefined) throw requiredField(at(field));
    }
    const currency = item.currency as string;
    return {
      ...common,
      kind: item.type,
      debitAccountId: accountUuid(item.debitAccountId as string, at('debitAccountId')),
      creditAccountId: accountUuid(item.creditAccountId as string, at('creditAccountId')),
      amountMinor: amountMinor(item.amount as string, currency, at('amount')),
      currency: currency as TransferRequest extends { currency: infer C } ? C : never,
      ...(item.timeoutSeconds === undefined ? {} : { timeoutSeconds: item.timeoutSeconds }),
    };
  }
  if (item.pendingId === undefined) throw requiredField(at('pendingId'));
  if (item.amount !== undefined && item.currency === undefined) throw requiredField(at('currency'));
  return {
    ...common,
    kind: item.type,
    pendingId: transferUuid(item.pendingId, at('pendingId')),
    ...(item.amount !== undefined
      ? { amountMinor: amountMinor(item.amount, item.currency as string, at('amount')) }
      : {}),
  };
}

/** Shaped like a schema validation error, so the HTTP layer reports it as `field_required` with its pointer. */
function requiredField(pointer: string): Error {
  const error = new Error(`${pointer} is required`) as Error & {
    validation: unknown[];
    validationContext: string;
    statusCode: number;
  };
  error.statusCode = 400;
  error.validationContext = 'body';
  error.validation = [
    {
      keyword: 'required',
      instancePath: pointer.slice(0, pointer.lastIndexOf('/')),
      params: { missingProperty: pointer.slice(pointer.lastIndexOf('/') + 1) },
      message: `must have required property '${pointer.slice(pointer.lastIndexOf('/') + 1)}'`,
    },
  ];
  return error;
}
