import { tmpdir } from 'node:os';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type AccessService, accessModule } from '@zhirong/access';
import { issueTestKey } from '@zhirong/access/testing';
import type { Backend } from '@zhirong/db';
import { openTestDatabase } from '@zhirong/db/testing';
import { type Clock, defineErrors } from '@zhirong/kernel';
import {
  bootPlatform,
  createLogger,
  loadConfig,
  ModuleRegistry,
  type Platform,
  type ZhirongModule,
} from '@zhirong/platform';
import { Type } from 'typebox';

/** Test-only helpers shared by the server's test files (not exported from the package). */

/** Holds a request inside a handler until the test opens it. */
export class Gate {
  readonly entered: Promise<void>;
  readonly #opened: Promise<void>;
  #enter!: () => void;
  #open!: () => void;

  constructor() {
    this.entered = new Promise((resolve) => {
      this.#enter = resolve;
    });
    this.#opened = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  /** Called by the handler: marks it entered and waits for `open`. */
  pass(): Promise<void> {
    this.#enter();
    return this.#opened;
  }

  open(): void {
    this.#open();
  }
}

/**
 * A module that exists only in tests: routes that exercise the server's machinery (scopes, strict
 * bodies, bigint output, a crash, a slow request) without depending on a real domain.
 */
export function probeModule(slow?: Gate): ZhirongModule<Record<string, never>> {
  return {
    name: 'probe',
    migrations: { schema: 'probe', migrations: {} },
    errors: defineErrors({}),
    createService: () => ({}),
    async routes(fastify) {
      const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
      app.get('/open', async () => ({ ok: true }));
      app.get('/read', { config: { scope: 'ledger:read' } }, async (request) => ({ keyId: request.principal?.keyId }));
      app.get('/bigint', async () => ({ amountMinor: 12345678901234567890n, nested: [1n] }));
      app.post(
        '/amount',
        {
          config: { scope: 'ledger:write' },
          schema: {
            // Deliberately without additionalProperties: the server closes body objects itself.
            body: Type.Object({
              amount: Type.String({ pattern: '^\\d+(\\.\\d+)?$' }),
              currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
              nested: Type.Optional(Type.Object({ count: Type.Integer({ minimum: 0 }) })),
            }),
          },
        },
        async (request) => request.body,
      );
      app.get('/boom', async () => {
        throw new Error('database password is hunter2');
      });
      app.get('/slow', async () => {
        await slow?.pass();
        return { done: true };
      });
    },
  };
}

export interface TestPlatformOptions {
  readonly env?: Record<string, string>;
  readonly modules?: readonly ZhirongModule<Record<string, never>>[];
  readonly clock?: Clock;
}

export async function bootTestPlatform(backend: Backend, options: TestPlatformOptions = {}): Promise<Platform> {
  const modules = new ModuleRegistry().register(accessModule);
  for (const module of options.modules ?? []) modules.register(module);
  return bootPlatform({
    config: loadConfig(options.env ?? {}, tmpdir()),
    modules,
    logger: createLogger({ level: 'silent' }),
    db: await openTestDatabase(backend),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

export function testKey(
  platform: Platform,
  scopes: readonly string[],
  options: { expiresAt?: Date } = {},
): Promise<string> {
  return issueTestKey(platform.service<AccessService>('access'), scopes, options);
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
