// Proves the AML case lifecycle on a real database: opening is idempotent per subject with an SLA deadline, the inbox filters, assignment, notes, attachments (size, type, SHA-256), escalation (by hand and by the SLA clock) and the decision all land in an append-only trail that also records every view.
import { createHash } from 'node:crypto';
import { testBackends } from '@zhirong/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmlError } from '../errors.ts';
import { type AmlTestBed, openAmlTestBed } from '../testing.ts';

describe.each(testBackends())('AML cases on %s', (backend) => {
  let bed: AmlTestBed;
  beforeAll(async () => {
    bed = await openAmlTestBed(backend);
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('runs a case from opening to decision and records every view and action', async () => {
    const openedAt = bed.clock.now();
    const [first] = await bed.cases.openCases(
      [
        {
          subject: { kind: 'screening_hit', id: 'hit-1' },
          customerId: 'cus-1',
          summary: 'hit',
          evidence: { score: 0.93 },
        },
      ],
      'screening',
    );
    expect(first?.created).toBe(true);
    const c = first?.case;
    if (!c) throw new Error('no case');
    expect(c.status).toBe('open');
    expect(c.dueAt.getTime() - openedAt.getTime()).toBe(24 * 3_600_000);
    expect(c.evidence).toEqual({ score: 0.93 });

    // Same subject again: the same case, nothing new.
    const [again] = await bed.cases.openCases(
      [{ subject: { kind: 'screening_hit', id: 'hit-1' }, customerId: 'cus-1', summary: 'hit', evidence: {} }],
      'screening',
    );
    expect(again).toMatchObject({ created: false, case: { id: c.id } });
    await expect(
      bed.cases.openCases(
        [{ subject: { kind: 'screening_hit', id: 'hit-1' }, customerId: 'cus-2', summary: 'x', evidence: {} }],
        'screening',
      ),
    ).rejects.toMatchObject({ code: 'case_subject_conflict' });

    bed.clock.advance(60_000);
    await bed.cases.assign(c.id, 'analyst-a', 'lead');
    await bed.cases.note(c.id, 'Looked at the passport copy.', 'analyst-a');
    const content = new TextEncoder().encode('passport,scan\n1,2\n');
    const attachment = await bed.cases.addAttachment(
      c.id,
      { fileName: 'passport.csv', contentType: 'text/csv; charset=utf-8', content },
      'analyst-a',
    );
    expect(attachment.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(attachment).toMatchObject({ sizeBytes: content.byteLength, contentType: 'text/csv' });
    await expect(
      bed.cases.addAttachment(c.id, { fileName: 'x.exe', contentType: 'application/x-msdownload', content }, 'a'),
    ).rejects.toMatchObject({ code: 'attachment_type_refused' });
    await expect(
      bed.cases.addAttachment(
        c.id,
        {
          fileName: 'big.txt',
          contentType: 'text/plain',
          content: new Uint8Array(bed.cases.sla.attachmentBytesMax + 1),
        },
        'a',
      ),
    ).rejects.toMatchObject({ code: 'attachment_too_large' });
    const read = await bed.cases.readAttachment(c.id, attachment.id, 'analyst-b');
    expect(new TextDecoder().decode(read.content)).toBe('passport,scan\n1,2\n');

    const escalated = await bed.cases.escalate(c.id, { reason: 'needs MLRO', to: 'mlro' }, 'analyst-a');
    expect(escalated).toMatchObject({ status: 'escalated', escalationLevel: 1, assignee: 'mlro' });
    expect(escalated.dueAt.getTime() - bed.clock.now().getTime()).toBe(48 * 3_600_000);

    const view = await bed.cases.view(c.id, 'auditor');
    expect(view.attachments.map((a) => a.id)).toEqual([attachment.id]);

    const decided = await bed.cases.decide(c.id, 'false_positive', 'Different date of birth.', 'mlro');
    expect(decided).toMatchObject({ status: 'closed', decision: 'false_positive', closedBy: 'mlro' });
    await expect(bed.cases.decide(c.id, 'suspicious', 'changed mind', 'mlro')).rejects.toMatchObject({
      code: 'aml_case_closed',
    });
    await expect(bed.cases.assign(c.id, 'x', 'y')).rejects.toBeInstanceOf(AmlError);

    const trail = await bed.cases.trail(c.id);
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['opened', 'screening'],
      ['assigned', 'lead'],
      ['note', 'analyst-a'],
      ['attachment_added', 'analyst-a'],
      ['attachment_viewed', 'analyst-b'],
      ['escalated', 'analyst-a'],
      ['viewed', 'auditor'],
      ['decided', 'mlro'],
    ]);
    expect(trail.at(-1)?.detail).toEqual({ decision: 'false_positive', reason: 'Different date of birth.' });

    // The trail cannot be rewritten or erased.
    await expect(sql`update aml.case_trail set actor = 'nobody'`.execute(bed.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`delete from aml.case_trail`.execute(bed.db.kysely)).rejects.toThrow(/append-only/);
    expect(await bed.outboxTopics()).toEqual(
      expect.arrayContaining(['aml.case.opened', 'aml.case.escalated', 'aml.case.decided']),
    );
  });

  it('filters the inbox and escalates overdue cases on the SLA clock', async () => {
    const opened = await bed.cases.openCases(
      [
        { subject: { kind: 'alert', id: 'alert-1' }, customerId: 'cus-9', summary: 'fan-in', evidence: {} },
        { subject: { kind: 'screening_hit', id: 'hit-9' }, customerId: 'cus-9', summary: 'hit', evidence: {} },
      ],
      'monitoring',
    );
    const [alertCase, hitCase] = opened.map((o) => o.case);
    if (!alertCase || !hitCase) throw new Error('cases missing');
    expect(alertCase.slaHours).toBe(72);
    await bed.cases.assign(alertCase.id, 'analyst-z', 'lead');

    const mine = await bed.cases.list({ assignee: 'analyst-z' });
    expect(mine.map((c) => c.id)).toEqual([alertCase.id]);
    const hits = await bed.cases.list({ customerId: 'cus-9', subjectKind: 'screening_hit' });
    expect(hits.map((c) => c.id)).toEqual([hitCase.id]);
    const page1 = await bed.cases.list({ customerId: 'cus-9', limit: 1 });
    const page2 = await bed.cases.list({ customerId: 'cus-9', limit: 1, afterId: page1[0]?.id as string });
    expect([...page1, ...page2].map((c) => c.id)).toEqual([hitCase.id, alertCase.id]);

    expect(await bed.cases.list({ customerId: 'cus-9', overdueAt: bed.clock.now() })).toEqual([]);
    bed.clock.advance(25 * 3_600_000);
    const overdue = await bed.cases.list({ customerId: 'cus-9', overdueAt: bed.clock.now() });
    expect(overdue.map((c) => c.id)).toEqual([hitCase.id]);
    const escalated = await bed.cases.escalateOverdue();
    expect(escalated.map((c) => c.id)).toContain(hitCase.id);
    expect(escalated.find((c) => c.id === hitCase.id)).toMatchObject({ status: 'escalated', escalationLevel: 1 });
    const trail = await bed.cases.trail(hitCase.id);
    expect(trail.at(-1)).toMatchObject({ action: 'escalated', actor: 'sla-clock' });
  });
});
