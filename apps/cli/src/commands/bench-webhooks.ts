import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cryptoRng, IdGenerator, systemClock } from '@zhirong/kernel';
import type { Config } from '@zhirong/platform';
import type { WebhooksModuleService } from '@zhirong/webhooks';
import { withPlatform } from '../context.ts';

/**
 * `zhirong bench webhooks`: the two halves of webhook delivery on the configured database, with a
 * receiver on 127.0.0.1 in this process that answers 200 at once. Fan-out: events offered one at a
 * time, as the bus hands them over (each is one INSERT storing the body and a delivery per matching
 * endpoint). Delivery: worker passes (claim with skip locked, signed POSTs, one write per attempt)
 * until nothing is due. The bench endpoints are disabled afterwards.
 */
export interface WebhooksBenchOptions {
  readonly events: number;
  readonly endpoints: number;
  readonly progress: (message: string) => void;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchWebhooks(config: Config, options: WebhooksBenchOptions) {
  const backend = config.databaseUrl ? 'postgres' : 'pglite';
  const log = options.progress;
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  try {
    return await withPlatform(config, async (platform) => {
      const { webhooks, client } = platform.service<WebhooksModuleService>('webhooks');
      const ids = new IdGenerator(systemClock, cryptoRng);
      const runId = ids.uuid().slice(0, 8);
      const topic = `bench.webhooks_${runId}.event`;
      const endpointIds: string[] = [];
      for (let i = 0; i < options.endpoints; i++) {
        const created = await webhooks.createEndpoint({
          url: `http://127.0.0.1:${port}/bench/${i}`,
          eventTypes: [`bench.webhooks_${runId}.*`],
          description: `bench ${runId}`,
        });
        if (!created.ok) throw new Error(`cannot register a bench endpoint: ${created.code}`);
        endpointIds.push(created.value.endpoint.id);
      }

      log(`fan-out: ${options.events} events to ${options.endpoints} endpoints on ${backend}`);
      const fanoutLatencies: number[] = [];
      const fanoutStarted = performance.now();
      let deliveries = 0;
      for (let i = 0; i < options.events; i++) {
        const started = performance.now();
        deliveries += await webhooks.recordEvent({
          id: ids.uuid(),
          topic,
          key: `k${i % 100}`,
          payload: { n: i, amount: '1500.00', currency: 'CNY' },
          occurredAt: systemClock.now(),
        });
        fanoutLatencies.push(performance.now() - started);
      }
      const fanoutSeconds = (performance.now() - fanoutStarted) / 1000;

      log(`delivery: ${deliveries} deliveries`);
      const deliveryStarted = performance.now();
      let succeeded = 0;
      let failed = 0;
      let passes = 0;
      for (;;) {
        const report = await webhooks.deliverDue();
        passes += 1;
        succeeded += report.succeeded;
        failed += report.retrying + report.dead;
        if (report.claimed === 0) break;
      }
      const deliverySeconds = (performance.now() - deliveryStarted) / 1000;

      const attemptLatencies: number[] = [];
      for (const endpointId of endpointIds) {
        for (const d of await webhooks.listDeliveries({ limit: 500, endpointId })) {
          for (const a of await webhooks.listAttempts({ deliveryId: d.id, limit: 10 }))
            attemptLatencies.push(a.latencyMs);
        }
        await webhooks.setEndpointStatus(endpointId, 'disabled');
      }
      await client.close();
      const pct = (sorted: number[], p: number) =>
        sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
      fanoutLatencies.sort((a, b) => a - b);
      attemptLatencies.sort((a, b) => a - b);
      return {
        benchmark: 'webhooks',
        backend,
        endpoints: options.endpoints,
        events: options.events,
        deliveries,
        fanout_seconds: round(fanoutSeconds, 3),
        fanout_events_per_sec: Math.round(options.events / fanoutSeconds),
        fanout_deliveries_per_sec: Math.round(deliveries / fanoutSeconds),
        fanout_p50_ms: round(pct(fanoutLatencies, 50)),
        fanout_p99_ms: round(pct(fanoutLatencies, 99)),
        delivered: succeeded,
        delivery_failed: failed,
        received,
        delivery_passes: passes,
        delivery_batch: webhooks.batchMax,
        delivery_seconds: round(deliverySeconds, 3),
        deliveries_per_sec: Math.round(succeeded / deliverySeconds),
        attempt_latency_sample: attemptLatencies.length,
        attempt_p50_ms: pct(attemptLatencies, 50),
        attempt_p99_ms: pct(attemptLatencies, 99),
        machine: {
          cpus: availableParallelism(),
          cpu_model: cpus()[0]?.model,
          memory_gib: round(totalmem() / 2 ** 30, 1),
          node: process.version,
        },
      };
    });
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
}
