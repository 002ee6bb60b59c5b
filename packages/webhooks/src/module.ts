import type { ModuleContext, ZhirongModule } from '@zhirong/platform';
import type { BackoffPolicy } from './backoff.ts';
import { DeliveryClient } from './delivery.client.ts';
import { DELIVERY_POLL_MS, DeliveryWorker } from './delivery.worker.ts';
import { webhooksErrors } from './errors.ts';
import { webhooksMigrations } from './migrations.ts';
import { SecretBox } from './secret-box.ts';
import { type HostResolver, UrlPolicy } from './url-policy.ts';
import { webhooksRoutes } from './webhooks.routes.ts';
import { WebhooksService } from './webhooks.service.ts';

export const WEBHOOKS_MODULE_NAME = 'webhooks';

export interface WebhooksModuleService {
  readonly webhooks: WebhooksService;
  readonly worker: DeliveryWorker;
  readonly client: DeliveryClient;
}

/** Settings beyond the configuration, for tests and embedders. */
export interface WebhooksModuleOptions {
  /** Resolves endpoint host names (default: the system resolver). */
  readonly resolver?: HostResolver;
  readonly backoff?: BackoffPolicy;
  readonly pollMs?: number;
  readonly batchMax?: number;
}

/** Tries to store an event's deliveries before giving it up, and the wait between tries. */

/** Extra time a worker's claim outlives one attempt's timeout. */
const LEASE_MARGIN_MS = 30_000;

export function createWebhooksModule(options: WebhooksModuleOptions = {}): ZhirongModule<WebhooksModuleService> {
  return {
    name: WEBHOOKS_MODULE_NAME,
    migrations: webhooksMigrations,
    errors: webhooksErrors,
    scopes: {
      'webhooks:read': 'Read webhook endpoints, deliveries and attempts',
      'webhooks:write': 'Register, change, disable and enable webhook endpoints, rotate secrets, redeliver',
    },
    createService(context: ModuleContext): WebhooksModuleService {
      const { config } = context;
      const policy = new UrlPolicy({ allowHttp: config.webhooksAllowHttp, allowedHosts: config.webhooksAllowedHosts });
      const client = new DeliveryClient({
        policy,
        timeoutMs: config.webhooksTimeoutMs,
        ...(options.resolver ? { resolver: options.resolver } : {}),
      });
      let worker: DeliveryWorker | undefined;
      const webhooks = new WebhooksService({
        db: context.db.kysely,
        clock: context.clock,
        rng: context.rng,
        ids: context.ids,
        outbox: context.outbox,
        logger: context.logger,
        box: new SecretBox(config.webhooksSecretKey, context.rng),
        policy,
        client,
        attemptsMax: config.webhooksAttemptsMax,
        leaseMs: config.webhooksTimeoutMs + LEASE_MARGIN_MS,
        eventsCommitted: context.eventsCommitted,
        deliveriesQueued: () => worker?.nudge(),
        ...(options.backoff ? { backoff: options.backoff } : {}),
        ...(options.batchMax ? { batchMax: options.batchMax } : {}),
      });
      worker = new DeliveryWorker(webhooks, { pollMs: options.pollMs ?? DELIVERY_POLL_MS, logger: context.logger });
      return { webhooks, worker, client };
    },
    async routes(app, service) {
      await webhooksRoutes(app, service.webhooks);
    },
    start(service, context) {
      if (!context.config.webhooksSecretKey) {
        context.logger.warn('ZHIRONG_WEBHOOKS_SECRET_KEY is not set: webhook signing secrets are stored unencrypted');
      }
      // Every published event is offered to the webhooks; only those some endpoint wants are stored.
      // A failure (a database hiccup) is left to the outbox relay, which delivers the event to this
      // consumer again with backoff, so no endpoint misses it.
      const unsubscribe = context.bus.subscribe(
        '>',
        async (event) => {
          await service.webhooks.recordEvent(event);
        },
        {
          consumer: 'webhooks.record-event',
        },
      );
      service.worker.start();
      return async () => {
        unsubscribe();
        await service.worker.stop();
        await service.client.close();
      };
    },
  };
}

/** Webhooks to partners: `/v1/webhooks/*`, schema `webhooks`. */
export const webhooksModule: ZhirongModule<WebhooksModuleService> = createWebhooksModule();
