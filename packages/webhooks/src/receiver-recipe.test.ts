// Proves the receiver recipe in docs/webhooks.md works: the documented code (a standalone file, quoted verbatim in the doc) accepts real signed deliveries from the worker, handles a redelivered event once, and refuses tampered bodies, expired timestamps and wrong secrets.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '@zhirong/kernel';
import { describe, expect, it } from 'vitest';
import { createReceiver, verifySignature, type ZhirongEvent } from '../../../docs/examples/webhook-receiver.ts';
import { signatureHeader } from './signature.ts';
import { openTestWebhooks } from './testing.ts';

const DOC = new URL('../../../docs/webhooks.md', import.meta.url);
const RECIPE = new URL('../../../docs/examples/webhook-receiver.ts', import.meta.url);

describe('the documented webhook receiver', () => {
  it('is quoted verbatim in docs/webhooks.md', () => {
    expect(readFileSync(DOC, 'utf8')).toContain(readFileSync(RECIPE, 'utf8'));
  });

  it('verifies the scheme the sender uses, and nothing else', () => {
    const now = 1_767_225_600;
    const body = Buffer.from('{"id":"evt_1","type":"a.b","data":{}}');
    const header = signatureHeader(['whsec_a'], now, body.toString());
    expect(verifySignature(body, header, ['whsec_a'], now)).toBe(true);
    expect(verifySignature(body, header, ['whsec_b', 'whsec_a'], now)).toBe(true);
    expect(verifySignature(Buffer.from(`${body} `), header, ['whsec_a'], now)).toBe(false);
    expect(verifySignature(body, header, ['whsec_b'], now)).toBe(false);
    expect(verifySignature(body, header, ['whsec_a'], now + 301)).toBe(false);
    expect(verifySignature(body, undefined, ['whsec_a'], now)).toBe(false);
    expect(verifySignature(body, 'v1=zz', ['whsec_a'], now)).toBe(false);
  });

  it('accepts real deliveries from the worker and handles a redelivered event once', async () => {
    // The recipe checks the timestamp against the wall clock, so the sender uses it too here.
    const wall = new ManualClock(Math.floor(performance.timeOrigin + performance.now()));
    const h = await openTestWebhooks('pglite', { clock: wall });
    const handled: ZhirongEvent[] = [];
    const secrets: string[] = []; // filled in once the endpoint exists
    const receiver = createReceiver(secrets, (event) => handled.push(event));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const created = await h.service.createEndpoint({ url: `http://127.0.0.1:${port}/zhirong`, eventTypes: ['>'] });
      if (!created.ok) throw new Error(created.code);
      secrets.push(created.value.secret);
      await h.service.recordEvent({
        id: h.ids.uuid(),
        topic: 'payments.payment.settled',
        key: 'pay_1',
        payload: { amount: '10.00', currency: 'CNY' },
        occurredAt: wall.now(),
      });
      expect(await h.service.deliverDue()).toMatchObject({ succeeded: 1 });
      const [delivery] = await h.service.listDeliveries({ limit: 1 });
      await h.service.redeliver(delivery?.id ?? '');
      expect(await h.service.deliverDue()).toMatchObject({ succeeded: 1 });
      expect(handled).toHaveLength(1);
      expect(handled[0]).toMatchObject({ type: 'payments.payment.settled', data: { amount: '10.00' } });

      // A wrong secret: the receiver answers 400, and the attempt records it.
      secrets.splice(0, secrets.length, 'whsec_wrong');
      await h.service.redeliver(delivery?.id ?? '');
      expect(await h.service.deliverDue()).toMatchObject({ retrying: 1 });
      expect(await h.service.getDelivery(delivery?.id ?? '')).toMatchObject({ lastStatusCode: 400 });
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
      await h.close();
    }
  });
});
