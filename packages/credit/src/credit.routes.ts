import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { cursorPage, formatAmount, formatId, LIMITS, parseAmount, parseId } from '@zhirong/kernel';
import { type IdempotencyTable, idempotentReply, problem } from '@zhirong/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type * as repo from './credit.repository.ts';
import {
  APPLICATION_PREFIX,
  type CreditService,
  LOAN_PREFIX,
  type LoanView,
  PRODUCT_PREFIX,
  REPAYMENT_PREFIX,
} from './credit.service.ts';
import { decisionJson } from './decision.ts';
import { type CreditErrorCode, creditErrors } from './errors.ts';
import { bucketOf } from './loan.ts';
import { productJson } from './product.ts';
import type { Outcome } from './quote.ts';
import { DAY_COUNTS, REPAYMENT_METHODS } from './schedule.ts';

const strict = { additionalProperties: false } as const;
const Amount = Type.String({ minLength: 1, maxLength: 64, description: 'Decimal string in major units' });
const Rate = Type.String({ minLength: 1, maxLength: 12, description: 'Decimal fraction, 0.12 = 12 %' });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, strict);
const Page = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  strict,
);

export function creditFail(code: CreditErrorCode, params?: Readonly<Record<string, unknown>>, pointer?: string): never {
  throw problem(creditErrors, code, {
    ...(params ? { params: params as Record<string, unknown> } : {}),
    ...(pointer ? { extensions: { pointer } } : {}),
  });
}

function idOf(prefix: string, text: string, pointer: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) creditFail('id_malformed', { value: text, kind: prefix }, pointer);
  return parsed.value;
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) creditFail(outcome.code, outcome.params);
  return outcome.value;
}

export function applicationJson(a: repo.Application) {
  return {
    id: formatId(APPLICATION_PREFIX, a.id),
    productId: formatId(PRODUCT_PREFIX, a.productId),
    status: a.status,
    loanId: a.loanId ? formatId(LOAN_PREFIX, a.loanId) : null,
    amount: formatAmount(a.amountMinor, a.currency),
    currency: a.currency,
    termMonths: a.termMonths,
    applicant: {
      name: a.applicant.name,
      birthDate: a.applicant.birthDate,
      sex: a.applicant.sex,
      // The ID number is personal data: only its last four characters leave the service.
      idNumberMasked: `${'*'.repeat(14)}${a.idNumber.slice(-4)}`,
    },
    consent: a.consent,
    decision: decisionJson(a.decision, a.currency),
    createdAt: a.createdAt.toISOString(),
  };
}

export function loanJson(v: LoanView) {
  const l = v.loan;
  const f = (minor: bigint) => formatAmount(minor, l.currency);
  return {
    id: formatId(LOAN_PREFIX, l.id),
    applicationId: formatId(APPLICATION_PREFIX, l.applicationId),
    productId: formatId(PRODUCT_PREFIX, l.productId),
    customerAccountId: formatId('acc', l.customerAccountId),
    status: l.status,
    currency: l.currency,
    principal: f(l.principalMinor),
    upfrontFee: f(l.upfrontFeeMinor),
    annualRate: l.annualRate,
    method: l.method,
    dayCount: l.dayCount,
    startDate: l.startDate,
    principalOutstanding: f(l.principalOutstandingMinor),
    interestAccrued: f(l.interestAccruedMinor),
    penaltyOutstanding: f(l.penaltyOutstandingMinor),
    accruedThrough: l.accruedThrough,
    daysPastDue: l.daysPastDue,
    bucket: v.bucket,
    payoffAmount: f(v.payoffMinor),
    disbursementTransferIds: l.disbursementTransferIds.map((id) => formatId('trf', id)),
    installments: v.installments.map((i) => ({
      period: i.period,
      dueDate: i.dueDate,
      principal: f(i.principalMinor),
      interest: f(i.interestMinor),
      fee: f(i.feeMinor),
      total: f(i.principalMinor + i.interestMinor + i.feeMinor),
      paid: f(i.principalPaidMinor + i.interestPaidMinor + i.feePaidMinor),
    })),
    createdAt: l.createdAt.toISOString(),
    closedAt: l.closedAt?.toISOString() ?? null,
  };
}

export function repaymentJson(r: repo.Repayment, currency: string) {
  const f = (minor: bigint) => formatAmount(minor, currency);
  return {
    id: formatId(REPAYMENT_PREFIX, r.id),
    loanId: formatId(LOAN_PREFIX, r.loanId),
    kind: r.kind,
    businessDate: r.businessDate,
    amount: f(r.amountMinor),
    allocation: {
      penalty: f(r.penaltyMinor),
      fees: f(r.feesMinor),
      interest: f(r.interestMinor),
      principal: f(r.principalMinor),
      prepaidPrincipal: f(r.prepaidPrincipalMinor),
    },
    transferIds: r.transferIds.map((id) => formatId('trf', id)),
    createdAt: r.createdAt.toISOString(),
  };
}

const IDEMPOTENCY: IdempotencyTable = {
  table: 'credit.idempotency',
  keyPrefix: 'credit:',
  refuse: (code) => creditFail(code),
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

export async function creditRoutes(
  appBase: FastifyInstance,
  credit: CreditService,
  db: repo.Db,
  now: () => Date,
): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['credit'];
  const headers = Type.Object({
    'idempotency-key': Type.Optional(
      Type.String({ description: 'Retries with the same key and body return the first response' }),
    ),
  });

  app.post(
    '/products',
    {
      config: { scope: 'credit:products' },
      schema: {
        tags,
        summary: 'Create a loan product; pricing whose APR (IRR with fees) could exceed the cap is refused',
        headers,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            currency: Type.String({ minLength: 3, maxLength: 3 }),
            minAmount: Amount,
            maxAmount: Amount,
            minTermMonths: Type.Integer({ minimum: 1, maximum: 360 }),
            maxTermMonths: Type.Integer({ minimum: 1, maximum: 360 }),
            method: Type.Union(REPAYMENT_METHODS.map((m) => Type.Literal(m))),
            dayCount: Type.Optional(Type.Union(DAY_COUNTS.map((d) => Type.Literal(d)))),
            annualRateMin: Rate,
            annualRateMax: Rate,
            upfrontFeeRate: Type.Optional(Rate),
            monthlyFeeRate: Type.Optional(Rate),
            graceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 })),
            penaltyRate: Type.Optional(Rate),
            aprCap: Type.Optional(Rate),
          },
          strict,
        ),
      },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => ({
        status: 201,
        body: productJson(unwrap(await credit.createProduct(request.body)), (id) => formatId(PRODUCT_PREFIX, id)),
      })),
  );

  app.get(
    '/products',
    { config: { scope: 'credit:read' }, schema: { tags, summary: 'List loan products', querystring: Page } },
    async (request) => {
      const limit = request.query.limit ?? LIMITS.pageSizeDefault;
      const after = request.query.cursor ? idOf(PRODUCT_PREFIX, request.query.cursor, '/cursor') : undefined;
      const rows = await credit.listProducts(limit + 1, after);
      return cursorPage(
        rows,
        limit,
        (p) => productJson(p, (id) => formatId(PRODUCT_PREFIX, id)),
        (last) => formatId(PRODUCT_PREFIX, last.id),
      );
    },
  );

  app.get(
    '/products/:id',
    { config: { scope: 'credit:read' }, schema: { tags, summary: 'A loan product', params: IdParams } },
    async (request) => {
      const p = await credit.getProduct(idOf(PRODUCT_PREFIX, request.params.id, '/id'));
      if (!p) creditFail('product_not_found', { id: request.params.id });
      return productJson(p, (id) => formatId(PRODUCT_PREFIX, id));
    },
  );

  app.post(
    '/applications',
    {
      config: { scope: 'credit:apply' },
      schema: {
        tags,
        summary: 'Apply for a loan: validated, screened, scored and decided in one call (approve / refer / decline)',
        headers,
        body: Type.Object(
          {
            productId: Type.String({ maxLength: 64 }),
            amount: Amount,
            termMonths: Type.Integer({ minimum: 1, maximum: 360 }),
            accountId: Type.Optional(
              Type.String({ maxLength: 64, description: 'The customer account (acc_…): balance and flows are inputs' }),
            ),
            applicant: Type.Object(
              {
                name: Type.String({ minLength: 1, maxLength: 64 }),
                idNumber: Type.String({ minLength: 1, maxLength: 32, description: 'Resident ID number (GB 11643)' }),
                phone: Type.String({ minLength: 1, maxLength: 20 }),
                monthlyIncome: Amount,
                employment: Type.Object(
                  { type: Type.String({ maxLength: 32 }), months: Type.Integer({ minimum: 0, maximum: 720 }) },
                  strict,
                ),
              },
              strict,
            ),
            external: Type.Optional(
              Type.Object(
                {
                  bureauScore: Type.Optional(Type.Integer({ minimum: 300, maximum: 850 })),
                  inquiries6m: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
                  existingLoans: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
                  hasMortgage: Type.Optional(Type.Boolean()),
                  monthlyDebtPayments: Type.Optional(Amount),
                },
                strict,
              ),
            ),
            consent: Type.Object(
              {
                granted: Type.Boolean(),
                version: Type.String({ minLength: 1, maxLength: 64 }),
                grantedAt: Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601 instant' }),
              },
              strict,
            ),
          },
          strict,
        ),
      },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => {
        const body = request.body;
        const application = unwrap(
          await credit.apply({
            ...body,
            productId: idOf(PRODUCT_PREFIX, body.productId, '/productId'),
            ...(body.accountId === undefined ? {} : { accountId: idOf('acc', body.accountId, '/accountId') }),
          }),
        );
        return { status: 201, body: applicationJson(application) };
      }),
  );

  app.get(
    '/applications',
    { config: { scope: 'credit:read' }, schema: { tags, summary: 'List applications', querystring: Page } },
    async (request) => {
      const limit = request.query.limit ?? LIMITS.pageSizeDefault;
      const after = request.query.cursor ? idOf(APPLICATION_PREFIX, request.query.cursor, '/cursor') : undefined;
      const rows = await credit.listApplications(limit + 1, after);
      return cursorPage(rows, limit, applicationJson, (last) => formatId(APPLICATION_PREFIX, last.id));
    },
  );

  app.get(
    '/applications/:id',
    {
      config: { scope: 'credit:read' },
      schema: { tags, summary: 'An application and its decision', params: IdParams },
    },
    async (request) => {
      const a = await credit.getApplication(idOf(APPLICATION_PREFIX, request.params.id, '/id'));
      if (!a) creditFail('application_not_found', { id: request.params.id });
      return applicationJson(a);
    },
  );

  app.post(
    '/applications/:id/replay',
    {
      config: { scope: 'credit:read' },
      schema: {
        tags,
        summary: 'Decide again from the stored inputs and versions; identical must be true',
        params: IdParams,
      },
    },
    async (request) => {
      const r = unwrap(await credit.replay(idOf(APPLICATION_PREFIX, request.params.id, '/id')));
      return {
        id: formatId(APPLICATION_PREFIX, r.application.id),
        identical: r.identical,
        stored: decisionJson(r.application.decision, r.application.currency),
        replayed: decisionJson(r.replayed, r.application.currency),
      };
    },
  );

  app.post(
    '/loans',
    {
      config: { scope: 'credit:loans' },
      schema: {
        tags,
        summary: 'Accept an approved application: the loan is disbursed through the ledger and its schedule stored',
        headers,
        body: Type.Object(
          {
            applicationId: Type.String({ maxLength: 64 }),
            customerAccountId: Type.String({ maxLength: 64 }),
            amount: Type.Optional(Amount),
          },
          strict,
        ),
      },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => {
        const b = request.body;
        const applicationId = idOf(APPLICATION_PREFIX, b.applicationId, '/applicationId');
        let amountMinor: bigint | undefined;
        if (b.amount !== undefined) {
          const application = await credit.getApplication(applicationId);
          if (!application) creditFail('application_not_found', { id: b.applicationId });
          const parsed = parseAmount(b.amount, application.currency);
          if (!parsed.ok) creditFail(parsed.code, { currency: application.currency }, '/amount');
          amountMinor = parsed.value;
        }
        const view = unwrap(
          await credit.accept({
            applicationId,
            customerAccountId: idOf('acc', b.customerAccountId, '/customerAccountId'),
            ...(amountMinor === undefined ? {} : { amountMinor }),
          }),
        );
        return { status: 201, body: loanJson(view) };
      }),
  );

  app.get(
    '/loans',
    {
      config: { scope: 'credit:read' },
      schema: {
        tags,
        summary: 'List loans',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax })),
            cursor: Type.Optional(Type.String({ maxLength: 64 })),
            status: Type.Optional(Type.Union(['active', 'closed', 'written_off'].map((s) => Type.Literal(s)))),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? LIMITS.pageSizeDefault;
      const after = q.cursor ? idOf(LOAN_PREFIX, q.cursor, '/cursor') : undefined;
      const rows = await credit.listLoans(limit + 1, after, q.status as repo.LoanStatus | undefined);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        data: page.map((l) => ({
          id: formatId(LOAN_PREFIX, l.id),
          status: l.status,
          currency: l.currency,
          principal: formatAmount(l.principalMinor, l.currency),
          principalOutstanding: formatAmount(l.principalOutstandingMinor, l.currency),
          daysPastDue: l.daysPastDue,
          bucket: bucketOf(l.daysPastDue),
        })),
        nextCursor: rows.length > limit && last ? formatId(LOAN_PREFIX, last.id) : null,
      };
    },
  );

  const loanId = (text: string) => idOf(LOAN_PREFIX, text, '/id');

  app.get(
    '/loans/:id',
    { config: { scope: 'credit:read' }, schema: { tags, summary: 'A loan with its schedule', params: IdParams } },
    async (request) => {
      const v = await credit.loan(loanId(request.params.id));
      if (!v) creditFail('loan_not_found', { id: request.params.id });
      return loanJson(v);
    },
  );

  app.get(
    '/loans/:id/repayments',
    {
      config: { scope: 'credit:read' },
      schema: { tags, summary: 'Repayments and write-off of a loan', params: IdParams },
    },
    async (request) => {
      const v = await credit.loan(loanId(request.params.id));
      if (!v) creditFail('loan_not_found', { id: request.params.id });
      return { data: (await credit.repayments(v.loan.id)).map((r) => repaymentJson(r, v.loan.currency)) };
    },
  );

  app.post(
    '/loans/:id/repayments',
    {
      config: { scope: 'credit:loans' },
      schema: {
        tags,
        summary: 'Repay from the customer account: penalty → fees → interest → principal, the rest prepays',
        params: IdParams,
        headers,
        body: Type.Object({ amount: Amount }, strict),
      },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => {
        const v = await credit.loan(loanId(request.params.id));
        if (!v) creditFail('loan_not_found', { id: request.params.id });
        const amount = parseAmount(request.body.amount, v.loan.currency);
        if (!amount.ok) creditFail(amount.code, { currency: v.loan.currency }, '/amount');
        const r = unwrap(await credit.repay(v.loan.id, amount.value));
        return {
          status: 201,
          body: { repayment: repaymentJson(r.repayment, v.loan.currency), loan: loanJson(r.view) },
        };
      }),
  );

  app.post(
    '/loans/:id/write-off',
    {
      config: { scope: 'credit:loans' },
      schema: { tags, summary: 'Write off a loan in M3+ (核销)', params: IdParams, headers },
    },
    async (request, reply) =>
      idempotent(db, request, reply, now, async () => ({
        status: 200,
        body: loanJson(unwrap(await credit.writeOff(loanId(request.params.id)))),
      })),
  );

  app.post(
    '/accruals',
    {
      config: { scope: 'credit:loans' },
      schema: {
        tags,
        summary: 'Run the daily accrual through a business date (idempotent per date)',
        body: Type.Object({ businessDate: Type.String({ maxLength: 10 }) }, strict),
      },
    },
    async (request) => {
      const r = unwrap(await credit.accrue(request.body.businessDate));
      return {
        loans: r.loans,
        rows: r.rows,
        interestMinor: r.interestMinor.toString(),
        penaltyMinor: r.penaltyMinor.toString(),
      };
    },
  );
}
