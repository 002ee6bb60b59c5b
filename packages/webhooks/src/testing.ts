import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Backend, migrateSchema } from '@zhirong/db';
import { openTestDatabase, type TestDatabase } from '@zhirong/db/testing';
import { type Clock, IdGenerator, ManualClock, type Rng, SeededRng } from '@zhirong/kernel';
import { createLogger, Outbox, outboxMigrations } from '@zhirong/platform';
import { sql } from 'kysely';
import type { BackoffPolicy } from './backoff.ts';
import { DeliveryClient } from './delivery.client.ts';
import { webhooksMigrations } from './migrations.ts';
import { SecretBox } from './secret-box.ts';
import { type HostResolver, UrlPolicy } from './url-policy.ts';
import { WebhooksService } from './webhooks.service.ts';

/** One request as the test receiver saw it: the raw body, exactly as sent. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the receiver does with a request: answer with a status (and body), or never answer. */
export type ReceiverBehaviour = { status: number; body?: string } | 'hang';

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port that records every request and answers
 * as `behave` says — change `behave` to make it fail and recover.
 */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  behave: (request: ReceivedRequest) => ReceiverBehaviour = () => ({ status: 200, body: 'ok' });
  readonly #server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(received);
      const behaviour = this.behave(received);
      if (behaviour === 'hang') {
        this.#hanging.add(res);
        return;
      }
      res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end(behaviour.body ?? '');
    });
  });
  readonly #hanging = new Set<ServerResponse>();
  #port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  get port(): number {
    return this.#port;
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export interface TestWebhooksOptions {
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly attemptsMax?: number;
  readonly timeoutMs?: number;
  readonly allowHttp?: boolean;
  readonly allowedHosts?: readonly string[];
  readonly resolver?: HostResolver;
  readonly backoff?: BackoffPolicy;
  readonly secretKey?: string;
  readonly batchMax?: number;
  /** Share a database with another service (several workers on one database). */
  readonly db?: TestDatabase;
}

/** A fresh test database with the outbox and webhooks schemas. */
export async function openWebhooksTestDatabase(backend: Backend): Promise<TestDatabase> {
  const db = await openTestDatabase(backend);
  await migrateSchema(db.kysely, outboxMigrations);
  await migrateSchema(db.kysely, webhooksMigrations);
  return db;
}

/** Empties the webhooks tables, so that tests can share one database. */
export async function truncateWebhooks(db: TestDatabase): Promise<void> {
  await sql`truncate webhooks.attempts, webhooks.deliveries, webhooks.events, webhooks.endpoints,
    webhooks.idempotency_keys, platform.outbox_retries, platform.outbox`.execute(db.kysely);
}

/**
 * A webhooks service with a manual clock and seeded randomness by default: on a fresh, migrated
 * test database, or on `options.db` (already migrated; not closed by `close`).
 */
export async function openTestWebhooks(backend: Backend, options: TestWebhooksOptions = {}) {
  const ownsDb = options.db === undefined;
  const db = options.db ?? (await openWebhooksTestDatabase(backend));
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 1));
  const rng = options.rng ?? new SeededRng(42);
  const ids = new IdGenerator(clock, rng);
  const policy = new UrlPolicy({
    allowHttp: options.allowHttp ?? true,
    allowedHosts: options.allowedHosts ?? ['127.0.0.1'],
  });
  const timeoutMs = options.timeoutMs ?? 2_000;
  const client = new DeliveryClient({ policy, timeoutMs, ...(options.resolver ? { resolver: options.resolver } : {}) });
  const service = new WebhooksService({
    db: db.kysely,
    clock,
    rng,
    ids,
    outbox: new Outbox(ids, clock),
    logger: createLogger({ level: 'silent' }),
    box: new SecretBox(options.secretKey, rng),
    policy,
    client,
    attemptsMax: options.attemptsMax ?? 4,
    leaseMs: timeoutMs + 30_000,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.batchMax ? { batchMax: options.batchMax } : {}),
  });
  return {
    db,
    service,
    clock,
    ids,
    async close() {
      await client.close();
      if (ownsDb) await db.close();
    },
  };
}
