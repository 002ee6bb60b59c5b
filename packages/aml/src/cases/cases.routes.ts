// HTTP routes of AML cases under /v1/aml/cases: the inbox, a case with its trail (the view is recorded), assignment, notes, attachments, escalation and the decision.
import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { formatId } from '@zhirong/kernel';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actor, guarded, idOf } from '../routes-support.ts';
import type { AmlWorkbench } from '../workbench.ts';
import {
  type AmlCase,
  type AttachmentMeta,
  CASE_DECISIONS,
  CASE_PAGE_MAX,
  CASE_STATUSES,
  CASE_SUBJECT_KINDS,
  NOTE_LENGTH_MAX,
  REASON_LENGTH_MAX,
  type TrailEntry,
} from './case.ts';

export const CASE_PREFIX = 'amc';
export const ATTACHMENT_PREFIX = 'ama';
const strict = { additionalProperties: false } as const;
const tags = ['aml'];
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, strict);
const Entity = Type.String({ minLength: 1, maxLength: 200 });
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export function caseJson(c: AmlCase) {
  return {
    id: formatId(CASE_PREFIX, c.id),
    subject: c.subject,
    customerId: c.customerId,
    summary: c.summary,
    evidence: c.evidence,
    status: c.status,
    decision: c.decision,
    decisionReason: c.decisionReason,
    assignee: c.assignee,
    escalationLevel: c.escalationLevel,
    slaHours: c.slaHours,
    openedAt: c.openedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    firstActionAt: c.firstActionAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
    closedBy: c.closedBy,
  };
}

const trailJson = (e: TrailEntry) => ({ at: e.at.toISOString(), actor: e.actor, action: e.action, detail: e.detail });
const attachmentJson = (a: AttachmentMeta) => ({
  id: formatId(ATTACHMENT_PREFIX, a.id),
  fileName: a.fileName,
  contentType: a.contentType,
  sizeBytes: a.sizeBytes,
  sha256: a.sha256,
  addedBy: a.addedBy,
  addedAt: a.addedAt.toISOString(),
});

export async function caseRoutes(fastify: FastifyInstance, aml: AmlWorkbench): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const scope = { scope: 'aml:cases' };

  app.get(
    '/cases',
    {
      config: scope,
      schema: {
        tags,
        summary: 'The case inbox, most urgent deadline first',
        querystring: Type.Object(
          {
            status: Type.Optional(literals(CASE_STATUSES)),
            assignee: Type.Optional(Entity),
            unassigned: Type.Optional(Type.Boolean()),
            customerId: Type.Optional(Entity),
            subjectKind: Type.Optional(literals(CASE_SUBJECT_KINDS)),
            decision: Type.Optional(literals(CASE_DECISIONS)),
            overdue: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CASE_PAGE_MAX, default: 50 })),
            after: Type.Optional(Type.String({ maxLength: 64 })),
          },
          strict,
        ),
      },
    },
    async (request) =>
      guarded(async () => {
        const q = request.query;
        const items = await aml.cases.list({
          ...(q.status ? { status: [q.status as AmlCase['status']] } : {}),
          ...(q.assignee ? { assignee: q.assignee } : {}),
          ...(q.unassigned ? { unassigned: true } : {}),
          ...(q.customerId ? { customerId: q.customerId } : {}),
          ...(q.subjectKind ? { subjectKind: q.subjectKind as AmlCase['subject']['kind'] } : {}),
          ...(q.decision ? { decision: q.decision as NonNullable<AmlCase['decision']> } : {}),
          ...(q.overdue ? { overdue: true } : {}),
          ...(q.after ? { afterId: idOf(CASE_PREFIX, q.after) } : {}),
          limit: q.limit ?? 50,
        });
        return { items: items.map(caseJson) };
      }),
  );

  app.post(
    '/cases',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Open a case on an alert or a screening hit (the same subject returns its case)',
        body: Type.Object(
          {
            subject: Type.Object({ kind: literals(CASE_SUBJECT_KINDS), id: Entity }, strict),
            customerId: Entity,
            summary: Type.String({ minLength: 1, maxLength: 2000 }),
            evidence: Type.Optional(Type.Unknown()),
          },
          strict,
        ),
      },
    },
    async (request, reply) =>
      guarded(async () => {
        const b = request.body;
        const [opened] = await aml.cases.openCases(
          [
            {
              subject: { kind: b.subject.kind as AmlCase['subject']['kind'], id: b.subject.id },
              customerId: b.customerId,
              summary: b.summary,
              evidence: b.evidence ?? null,
            },
          ],
          actor(request),
        );
        if (!opened) throw new Error('openCases returned nothing');
        return reply.code(opened.created ? 201 : 200).send(caseJson(opened.case));
      }),
  );

  app.post(
    '/cases/escalate-overdue',
    { config: scope, schema: { tags, summary: 'Run the SLA clock: escalate every case past its deadline' } },
    async (request) =>
      guarded(async () => ({ items: (await aml.cases.escalateOverdue(actor(request))).map(caseJson) })),
  );

  app.get(
    '/cases/:id',
    {
      config: scope,
      schema: { tags, summary: 'A case with its trail and attachments (the view is recorded)', params: IdParams },
    },
    async (request) =>
      guarded(async () => {
        const v = await aml.cases.view(idOf(CASE_PREFIX, request.params.id), actor(request));
        return { ...caseJson(v.case), trail: v.trail.map(trailJson), attachments: v.attachments.map(attachmentJson) };
      }),
  );

  app.get(
    '/cases/:id/trail',
    { config: scope, schema: { tags, summary: 'The audit trail of a case', params: IdParams } },
    async (request) =>
      guarded(async () => ({ items: (await aml.cases.trail(idOf(CASE_PREFIX, request.params.id))).map(trailJson) })),
  );

  app.post(
    '/cases/:id/assign',
    {
      config: scope,
      schema: { tags, summary: 'Assign a case', params: IdParams, body: Type.Object({ assignee: Entity }, strict) },
    },
    async (request) =>
      guarded(async () =>
        caseJson(await aml.cases.assign(idOf(CASE_PREFIX, request.params.id), request.body.assignee, actor(request))),
      ),
  );

  app.post(
    '/cases/:id/notes',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Add a note',
        params: IdParams,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: NOTE_LENGTH_MAX }) }, strict),
      },
    },
    async (request) =>
      guarded(async () =>
        caseJson(await aml.cases.note(idOf(CASE_PREFIX, request.params.id), request.body.text, actor(request))),
      ),
  );

  app.post(
    '/cases/:id/attachments',
    {
      config: scope,
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Attach a file (base64); stored in the database with its type, size and SHA-256',
        params: IdParams,
        body: Type.Object(
          {
            fileName: Type.String({ minLength: 1, maxLength: 255 }),
            contentType: Type.String({ minLength: 1, maxLength: 100 }),
            contentBase64: Type.String({ maxLength: 7_200_000, pattern: '^[A-Za-z0-9+/]*={0,2}$' }),
          },
          strict,
        ),
      },
    },
    async (request, reply) =>
      guarded(async () => {
        const b = request.body;
        const meta = await aml.cases.addAttachment(
          idOf(CASE_PREFIX, request.params.id),
          {
            fileName: b.fileName,
            contentType: b.contentType,
            content: new Uint8Array(Buffer.from(b.contentBase64, 'base64')),
          },
          actor(request),
        );
        return reply.code(201).send(attachmentJson(meta));
      }),
  );

  app.get(
    '/cases/:id/attachments/:attachment',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Download an attachment (the read is recorded)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }), attachment: Type.String({ maxLength: 64 }) }, strict),
      },
    },
    async (request, reply) =>
      guarded(async () => {
        const found = await aml.cases.readAttachment(
          idOf(CASE_PREFIX, request.params.id),
          idOf(ATTACHMENT_PREFIX, request.params.attachment),
          actor(request),
        );
        return reply
          .header('content-type', found.meta.contentType)
          .header('x-content-sha256', found.meta.sha256)
          .header('content-disposition', `attachment; filename="${encodeURIComponent(found.meta.fileName)}"`)
          .send(Buffer.from(found.content));
      }),
  );

  app.post(
    '/cases/:id/escalate',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Escalate a case (one level up, a new deadline)',
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: REASON_LENGTH_MAX }), to: Type.Optional(Entity) },
          strict,
        ),
      },
    },
    async (request) =>
      guarded(async () =>
        caseJson(
          await aml.cases.escalate(
            idOf(CASE_PREFIX, request.params.id),
            { reason: request.body.reason, ...(request.body.to ? { to: request.body.to } : {}) },
            actor(request),
          ),
        ),
      ),
  );

  app.post(
    '/cases/:id/decision',
    {
      config: scope,
      schema: {
        tags,
        summary: 'Decide a case: false_positive or suspicious, with the reason (closes it)',
        params: IdParams,
        body: Type.Object(
          { decision: literals(CASE_DECISIONS), reason: Type.String({ minLength: 1, maxLength: REASON_LENGTH_MAX }) },
          strict,
        ),
      },
    },
    async (request) =>
      guarded(async () =>
        caseJson(
          await aml.cases.decide(
            idOf(CASE_PREFIX, request.params.id),
            request.body.decision as NonNullable<AmlCase['decision']>,
            request.body.reason,
            actor(request),
          ),
        ),
      ),
  );
}
