// HTTP routes of PBoC reporting under /v1/aml/reports: record transactions, the day's aggregates, generate large-value and suspicious reports, download, validate and submit them.
import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { formatAmount, formatId, parseAmount } from '@zhirong/kernel';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { CASE_PREFIX } from '../cases/cases.routes.ts';
import { actor, fail, guarded, idOf } from '../routes-support.ts';
import type { AmlWorkbench } from '../workbench.ts';
import { REPORT_KINDS } from './report-format.ts';
import type { ReportRecord } from './reports.repository.ts';
import { REPORT_PREFIX } from './reports.service.ts';
import {
  CHANNELS,
  CUSTOMER_TYPES,
  type DailyAggregate,
  DIRECTIONS,
  LARGE_VALUE_CATEGORIES,
  REGIONS,
  type ReportableTransaction,
} from './transaction.ts';

const strict = { additionalProperties: false } as const;
const tags = ['aml'];
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, strict);
const Entity = Type.String({ minLength: 1, maxLength: 200 });
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Day = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'Business day YYYY-MM-DD (reporting time zone)',
});
/** Transactions per request. */
const TRANSACTIONS_PER_REQUEST_MAX = 5000;

export function reportJson(r: ReportRecord) {
  return {
    id: formatId(REPORT_PREFIX, r.id),
    kind: r.kind,
    businessDay: r.businessDay,
    caseId: r.caseId ? formatId(CASE_PREFIX, r.caseId) : null,
    status: r.status,
    entryCount: r.entryCount,
    configVersion: r.configVersion,
    xmlSha256: r.xmlSha256,
    csvSha256: r.csvSha256,
    validationErrors: r.validationErrors,
    generatedAt: r.generatedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    submittedAt: r.submittedAt?.toISOString() ?? null,
    submittedBy: r.submittedBy,
    submissionReference: r.submissionReference,
  };
}

const aggregateJson = (a: DailyAggregate) => ({
  customerId: a.customerId,
  customerType: a.customerType,
  businessDay: a.businessDay,
  category: a.category,
  currency: a.currency,
  direction: a.direction,
  total: formatAmount(a.totalMinor, a.currency),
  totalMinor: a.totalMinor.toString(),
  thresholdMinor: a.thresholdMinor?.toString() ?? null,
  reportable: a.reportable,
  transactionIds: a.transactionIds,
});

const TransactionBody = Type.Object(
  {
    id: Entity,
    customerId: Entity,
    customerType: literals(CUSTOMER_TYPES),
    channel: literals(CHANNELS),
    region: literals(REGIONS),
    direction: literals(DIRECTIONS),
    amount: Type.String({ minLength: 1, maxLength: 40, description: 'Decimal string in major units' }),
    currency: Type.String({ minLength: 3, maxLength: 3 }),
    occurredAt: Type.String({ format: 'date-time' }),
    counterparty: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ maxLength: 300 })),
          accountId: Type.Optional(Type.String({ maxLength: 100 })),
          institution: Type.Optional(Type.String({ maxLength: 100 })),
          country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
        },
        strict,
      ),
    ),
  },
  strict,
);

export async function reportRoutes(fastify: FastifyInstance, aml: AmlWorkbench): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const scope = { scope: 'aml:reports' };

  app.get(
    '/reports/config',
    { config: scope, schema: { tags, summary: 'Thresholds, calendar and deadlines in force' } },
    async () => {
      const c = aml.reports.config;
      return {
        version: aml.reports.configVersion,
        utcOffsetMinutes: c.utcOffsetMinutes,
        largeValueWorkingDays: c.largeValueWorkingDays,
        suspiciousWorkingDays: c.suspiciousWorkingDays,
        holidays: [...c.calendar.holidays].sort(),
        workingWeekendDays: [...c.calendar.workingWeekendDays].sort(),
        institution: c.institution,
        thresholds: Object.fromEntries(
          LARGE_VALUE_CATEGORIES.map((k) => [
            k,
            Object.fromEntries(Object.entries(c.thresholds[k]).map(([cur, v]) => [cur, formatAmount(v, cur)])),
          ]),
        ),
      };
    },
  );

  app.post(
    '/reports/transactions',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Record transactions for reporting (idempotent by id; the same id with other content is a 409)',
        body: Type.Object(
          { transactions: Type.Array(TransactionBody, { minItems: 1, maxItems: TRANSACTIONS_PER_REQUEST_MAX }) },
          strict,
        ),
      },
    },
    async (request) =>
      guarded(async () => {
        const transactions: ReportableTransaction[] = request.body.transactions.map((t) => {
          const amount = parseAmount(t.amount, t.currency);
          if (!amount.ok) fail(amount.code, { value: t.amount, currency: t.currency });
          return {
            id: t.id,
            customerId: t.customerId,
            customerType: t.customerType as ReportableTransaction['customerType'],
            channel: t.channel as ReportableTransaction['channel'],
            region: t.region as ReportableTransaction['region'],
            direction: t.direction as ReportableTransaction['direction'],
            amountMinor: amount.value,
            currency: t.currency,
            occurredAt: new Date(t.occurredAt),
            counterparty: t.counterparty ?? {},
          };
        });
        return aml.reports.recordTransactions(transactions);
      }),
  );

  app.get(
    '/reports/aggregates',
    {
      config: scope,
      schema: {
        tags,
        summary: "A business day's totals per customer, category, currency and direction, reportable or not",
        querystring: Type.Object({ date: Day }, strict),
      },
    },
    async (request) =>
      guarded(async () => ({ items: (await aml.reports.aggregates(request.query.date)).map(aggregateJson) })),
  );

  app.post(
    '/reports/large-value',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Generate the large-value report of a business day (once)',
        body: Type.Object({ date: Day }, strict),
      },
    },
    async (request, reply) =>
      guarded(async () => {
        const { report, created } = await aml.reports.generateLargeValue(request.body.date, actor(request));
        return reply.code(created ? 201 : 200).send(reportJson(report));
      }),
  );

  app.post(
    '/reports/suspicious',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Generate the suspicious-transaction report of a case decided suspicious (once)',
        body: Type.Object({ caseId: Type.String({ maxLength: 64 }) }, strict),
      },
    },
    async (request, reply) =>
      guarded(async () => {
        const { report, created } = await aml.reports.generateSuspicious(
          idOf(CASE_PREFIX, request.body.caseId),
          actor(request),
        );
        return reply.code(created ? 201 : 200).send(reportJson(report));
      }),
  );

  app.get(
    '/reports',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Reports, nearest deadline first',
        querystring: Type.Object(
          {
            kind: Type.Optional(literals(REPORT_KINDS)),
            status: Type.Optional(literals(['generated', 'submitted'])),
            overdue: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          },
          strict,
        ),
      },
    },
    async (request) =>
      guarded(async () => {
        const q = request.query;
        const items = await aml.reports.list({
          ...(q.kind ? { kind: q.kind as ReportRecord['kind'] } : {}),
          ...(q.status ? { status: q.status as ReportRecord['status'] } : {}),
          ...(q.overdue ? { overdue: true } : {}),
          limit: q.limit ?? 50,
        });
        return { items: items.map(reportJson) };
      }),
  );

  app.get(
    '/reports/:id',
    { config: scope, schema: { tags, summary: 'A report with its body', params: IdParams } },
    async (request) =>
      guarded(async () => {
        const r = await aml.reports.get(idOf(REPORT_PREFIX, request.params.id));
        return { ...reportJson(r), body: r.body };
      }),
  );

  app.get(
    '/reports/:id/file',
    {
      config: scope,
      schema: {
        tags,
        summary: 'The report file, XML or CSV',
        params: IdParams,
        querystring: Type.Object({ format: literals(['xml', 'csv']) }, strict),
      },
    },
    async (request, reply) =>
      guarded(async () => {
        const r = await aml.reports.get(idOf(REPORT_PREFIX, request.params.id));
        const xml = request.query.format === 'xml';
        return reply
          .header('content-type', xml ? 'application/xml; charset=utf-8' : 'text/csv; charset=utf-8')
          .header('x-content-sha256', xml ? r.xmlSha256 : r.csvSha256)
          .send(xml ? r.xml : r.csv);
      }),
  );

  app.post(
    '/reports/:id/validation',
    {
      config: scope,
      schema: { tags, summary: 'Validate the stored XML and CSV files: every error of each', params: IdParams },
    },
    async (request) => guarded(async () => aml.reports.validate(idOf(REPORT_PREFIX, request.params.id))),
  );

  app.post(
    '/reports/:id/submission',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Record the submission of a validated report file (refused with the error list if invalid)',
        params: IdParams,
        body: Type.Object(
          { format: literals(['xml', 'csv']), reference: Type.String({ minLength: 1, maxLength: 200 }) },
          strict,
        ),
      },
    },
    async (request) =>
      guarded(async () =>
        reportJson(
          await aml.reports.submit(
            idOf(REPORT_PREFIX, request.params.id),
            { format: request.body.format as 'xml' | 'csv', reference: request.body.reference },
            actor(request),
          ),
        ),
      ),
  );
}
