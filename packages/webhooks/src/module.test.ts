// Proves the running module end to end: an event committed to the transactional outbox is relayed to the bus, fanned out by the module's subscription, and delivered by the background worker — retried after failures until the receiver recovers — and that stopping the platform stops the worker.
import { tmpdir } from 'node:os';
import { openTestDatabase, testBackends } from '@zhirong/db/testing';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry, type Platform } from '@zhirong/platform';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhooksModule, type WebhooksModuleService } from './module.ts';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './signature.ts';
import { TestReceiver } from './testing.ts';

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(testBackends())('webhooks module on %s', (backend) => {
  let platform: Platform | undefined;
  let receiver: TestReceiver | undefined;
  afterEach(async () => {
    await platform?.close();
    await receiver?.close();
  });

  it('delivers an outbox event through the relay, the bus and the worker, retrying until the receiver recovers', async () => {
    receiver = await new TestReceiver().start();
    const module = createWebhooksModule({ pollMs: 20, backoff: { baseMs: 20, capMs: 40 } });
    platform = await bootPlatform({
      config: loadConfig(
        {
          ZHIRONG_OUTBOX_POLL_MS: '20',
          ZHIRONG_WEBHOOKS_ALLOW_HTTP: 'true',
          ZHIRONG_WEBHOOKS_ALLOWED_HOSTS: '127.0.0.1',
          ZHIRONG_WEBHOOKS_ATTEMPTS_MAX: '5',
        },
        tmpdir(),
      ),
      modules: new ModuleRegistry().register(module),
      logger: createLogger({ level: 'silent' }),
      db: await openTestDatabase(backend),
    });
    const { webhooks } = platform.service<WebhooksModuleService>('webhooks');
    const created = await webhooks.createEndpoint({ url: receiver.url(), eventTypes: ['orders.order.*'] });
    if (!created.ok) throw new Error(created.code);
    let calls = 0;
    receiver.behave = () => {
      calls += 1;
      return calls <= 2 ? { status: 500 } : { status: 200 };
    };
    platform.start();

    const { context } = platform;
    await context.db.kysely.transaction().execute(async (trx) => {
      await context.outbox.enqueue(trx, [{ topic: 'orders.order.created', key: 'o1', payload: { amount: '12.50' } }]);
    });
    context.eventsCommitted();

    const delivered = await waitFor(async () => {
      const [d] = await webhooks.listDeliveries({ limit: 1, status: 'succeeded' });
      return d;
    });
    expect(delivered).toMatchObject({ eventType: 'orders.order.created', attempts: 3 });
    expect(receiver.requests).toHaveLength(3);
    for (const request of receiver.requests) {
      expect(
        verifyWebhookSignature({
          payload: request.body,
          header: request.headers[SIGNATURE_HEADER] as string,
          secret: created.value.secret,
        }).ok,
      ).toBe(true);
      expect(JSON.parse(request.body)).toMatchObject({ type: 'orders.order.created', data: { amount: '12.50' } });
    }
    // The endpoint's own creation event was not for it (orders.order.* only): one delivery in all.
    expect(await webhooks.listDeliveries({ limit: 10 })).toHaveLength(1);

    await platform.close();
    platform = undefined;
    const seen = receiver.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toHaveLength(seen);
  });
});
