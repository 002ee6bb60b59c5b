import { formatId, type Language, messageFor, parseId } from '@zhirong/kernel';
import {
  attemptJson,
  DELIVERY_PREFIX,
  type DeliveryStatus,
  deliveryJson,
  ENDPOINT_PREFIX,
  type EndpointStatus,
  endpointJson,
  type WebhooksModuleService,
  webhooksErrors,
} from '@zhirong/webhooks';
import type { Command } from 'commander';
import { configFromEnv, fail, printJson, withPlatform } from '../context.ts';

function cliLanguage(): Language {
  return (process.env.LANG ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function explain(code: string, params?: Readonly<Record<string, unknown>>): string {
  const def = (webhooksErrors as Record<string, { status: number; en: string; zh: string }>)[code];
  return def ? `${code}: ${messageFor(def, cliLanguage(), params as Record<string, unknown>)}` : code;
}

function idArg(prefix: string, text: string): string {
  const parsed = parseId(prefix, text);
  if (!parsed.ok) fail(explain('id_malformed', { value: text, kind: prefix }));
  return parsed.value;
}

function limitArg(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) fail('--limit must be a whole number from 1 to 500');
  return limit;
}

const webhooksOf = (platform: { service<S>(name: string): S }) =>
  platform.service<WebhooksModuleService>('webhooks').webhooks;

export function registerWebhooksCommands(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('Webhooks to partners: endpoints, deliveries, redelivery (the server’s worker sends them)');
  const endpoints = webhooks.command('endpoints').description('Registered webhook endpoints');

  for (const parent of [endpoints, webhooks]) {
    parent
      .command('list')
      .description(
        parent === webhooks ? 'List endpoints (same as `webhooks endpoints list`)' : 'List endpoints, oldest first',
      )
      .option('--status <status>', 'active | disabled')
      .option('--limit <n>', 'at most this many (1–500)', '100')
      .option('--json', 'print one JSON document')
      .action(async (opts) => {
        const status = opts.status as EndpointStatus | undefined;
        if (status !== undefined && status !== 'active' && status !== 'disabled') {
          fail('--status must be active or disabled');
        }
        const limit = limitArg(String(opts.limit));
        const rows = await withPlatform(configFromEnv(), (platform) =>
          webhooksOf(platform).listEndpoints({ limit, ...(status ? { status } : {}) }),
        );
        const data = rows.map(endpointJson);
        if (opts.json) return printJson({ data });
        for (const e of data) console.log(`${e.id}  ${e.status.padEnd(8)}  ${e.url}  [${e.eventTypes.join(', ')}]`);
        if (data.length === 0) console.log('no endpoints');
      });
  }

  endpoints
    .command('create')
    .description('Register an endpoint; prints its signing secret, which is shown only this once')
    .requiredOption('--url <url>', 'https URL of the receiver')
    .requiredOption('--event <pattern...>', 'event types or patterns, e.g. payments.payment.* ledger.transfers.created')
    .option('--description <text>', 'what the endpoint is for')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const outcome = await withPlatform(configFromEnv(), (platform) =>
        webhooksOf(platform).createEndpoint({
          url: String(opts.url),
          eventTypes: (opts.event as string[]).map(String),
          ...(opts.description === undefined ? {} : { description: String(opts.description) }),
        }),
      );
      if (!outcome.ok) fail(explain(outcome.code, outcome.params), 1);
      const view = { ...endpointJson(outcome.value.endpoint), secret: outcome.value.secret };
      if (opts.json) return printJson(view);
      console.log(`${view.id} registered for ${view.url}`);
      console.log(`signing secret (shown once, store it now): ${view.secret}`);
    });

  for (const [action, status] of [
    ['disable', 'disabled'],
    ['enable', 'active'],
  ] as const) {
    endpoints
      .command(`${action} <id>`)
      .description(action === 'disable' ? 'Stop deliveries to an endpoint (they wait)' : 'Resume an endpoint')
      .option('--json', 'print one JSON document')
      .action(async (idText: string, opts) => {
        const id = idArg(ENDPOINT_PREFIX, idText);
        const outcome = await withPlatform(configFromEnv(), (platform) =>
          webhooksOf(platform).setEndpointStatus(id, status),
        );
        if (!outcome.ok) fail(explain(outcome.code, outcome.params), 1);
        const view = endpointJson(outcome.value);
        if (opts.json) printJson(view);
        else console.log(`${view.id} ${view.status}`);
      });
  }

  endpoints
    .command('rotate-secret <id>')
    .description('Replace the signing secret; prints the new one (shown once)')
    .option('--grace-seconds <n>', 'keep signing with the old secret too for this long (0–604800)', '86400')
    .option('--json', 'print one JSON document')
    .action(async (idText: string, opts) => {
      const id = idArg(ENDPOINT_PREFIX, idText);
      const grace = Number(opts.graceSeconds);
      if (!Number.isInteger(grace) || grace < 0 || grace > 604_800) {
        fail('--grace-seconds must be a whole number from 0 to 604800');
      }
      const outcome = await withPlatform(configFromEnv(), (platform) =>
        webhooksOf(platform).rotateSecret(id, { previousSecretValidSeconds: grace }),
      );
      if (!outcome.ok) fail(explain(outcome.code, outcome.params), 1);
      const view = { ...endpointJson(outcome.value.endpoint), secret: outcome.value.secret };
      if (opts.json) return printJson(view);
      console.log(`new signing secret for ${view.id} (shown once): ${view.secret}`);
      if (view.previousSecretExpiresAt)
        console.log(`the old secret keeps signing until ${view.previousSecretExpiresAt}`);
    });

  webhooks
    .command('deliveries')
    .description('List deliveries, newest first')
    .option('--endpoint <id>', 'only this endpoint’s (whe_…)')
    .option('--status <status>', 'pending | succeeded | dead')
    .option('--limit <n>', 'at most this many (1–500)', '50')
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const status = opts.status as DeliveryStatus | undefined;
      if (status !== undefined && !['pending', 'succeeded', 'dead'].includes(status)) {
        fail('--status must be pending, succeeded or dead');
      }
      const endpointId = opts.endpoint === undefined ? undefined : idArg(ENDPOINT_PREFIX, String(opts.endpoint));
      const limit = limitArg(String(opts.limit));
      const rows = await withPlatform(configFromEnv(), (platform) =>
        webhooksOf(platform).listDeliveries({
          limit,
          ...(endpointId ? { endpointId } : {}),
          ...(status ? { status } : {}),
        }),
      );
      const data = rows.map(deliveryJson);
      if (opts.json) return printJson({ data });
      for (const d of data) {
        const last = d.lastStatusCode ?? d.lastError?.split(':')[0] ?? '-';
        console.log(`${d.id}  ${d.status.padEnd(9)}  ${d.eventType}  attempts ${d.attempts}  last ${last}`);
      }
      if (data.length === 0) console.log('no deliveries');
    });

  webhooks
    .command('attempts <deliveryId>')
    .description('Every attempt of a delivery, oldest first')
    .option('--json', 'print one JSON document')
    .action(async (idText: string, opts) => {
      const deliveryId = idArg(DELIVERY_PREFIX, idText);
      const rows = await withPlatform(configFromEnv(), async (platform) => {
        const service = webhooksOf(platform);
        if (!(await service.getDelivery(deliveryId))) fail(explain('delivery_not_found', { id: idText }), 1);
        return service.listAttempts({ deliveryId, limit: 500 });
      });
      const data = rows.map(attemptJson);
      if (opts.json) return printJson({ data });
      for (const a of data) {
        console.log(
          `#${a.number}  ${a.startedAt}  ${a.outcome.padEnd(9)}  ${a.statusCode ?? '-'}  ${a.latencyMs} ms  ${a.error ?? ''}`,
        );
      }
    });

  webhooks
    .command('redeliver <deliveryId>')
    .description('Queue a delivery again (dead ones too); a running server sends it')
    .option('--json', 'print one JSON document')
    .action(async (idText: string, opts) => {
      const id = idArg(DELIVERY_PREFIX, idText);
      const outcome = await withPlatform(configFromEnv(), (platform) => webhooksOf(platform).redeliver(id));
      if (!outcome.ok) fail(explain(outcome.code, outcome.params), 1);
      const view = deliveryJson(outcome.value);
      if (opts.json) printJson(view);
      else console.log(`${formatId(DELIVERY_PREFIX, outcome.value.id)} queued (redelivery ${view.redeliveries})`);
    });
}
