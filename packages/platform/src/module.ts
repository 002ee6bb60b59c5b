import type { Database, SchemaMigrations } from '@zhirong/db';
import type { Clock, ErrorCatalog, IdGenerator, Rng } from '@zhirong/kernel';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { EventBus } from './event-bus.ts';
import type { Logger } from './logger.ts';
import type { Outbox } from './outbox.ts';

/** What the composition root hands to every module: no module builds its own dependencies. */
export interface ModuleContext {
  readonly config: Config;
  readonly db: Database;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly outbox: Outbox;
  readonly bus: EventBus;
  /** Tells the outbox relay that events were committed, so it publishes them without waiting for its poll. */
  readonly eventsCommitted: () => void;
  /**
   * Services of the modules registered before this one, by module name. Only composition packages
   * (flows) use it: a bounded domain never reaches into another domain.
   */
  readonly services: ServiceDirectory;
}

/** Looks up a module's service; throws for a module that is not registered or not yet built. */
export interface ServiceDirectory {
  service<S>(moduleName: string): S;
}

/** API-key scopes a module's routes may require, with a description for the docs. */
export type ScopeCatalog = Readonly<Record<string, string>>;

/**
 * A bounded domain as the platform sees it: its schema and migrations, its error catalog, its
 * service (built from the context), and its HTTP routes (registered under `/v1/<name>`).
 */
export interface ZhirongModule<S = unknown> {
  readonly name: string;
  readonly migrations: SchemaMigrations;
  readonly errors: ErrorCatalog;
  readonly scopes?: ScopeCatalog;
  createService(context: ModuleContext): S;
  /** Registers routes on an encapsulated Fastify instance whose prefix is `/v1/<name>`. */
  routes?(app: FastifyInstance, service: S, context: ModuleContext): Promise<void>;
  /** Starts background work (timers, consumers); the returned function stops it. */
  start?(service: S, context: ModuleContext): (() => Promise<void>) | undefined;
}

/** Modules in dependency order; names and schemas are unique. */
export class ModuleRegistry {
  readonly #modules: ZhirongModule[] = [];

  register<S>(module: ZhirongModule<S>): this {
    if (this.#modules.some((m) => m.name === module.name)) throw new Error(`module ${module.name} registered twice`);
    if (this.#modules.some((m) => m.migrations.schema === module.migrations.schema)) {
      throw new Error(`schema ${module.migrations.schema} owned twice`);
    }
    this.#modules.push(module as ZhirongModule);
    return this;
  }

  list(): readonly ZhirongModule[] {
    return this.#modules;
  }

  /** Every error code of every module, for docs and the catalog test. */
  errorCatalog(): Map<string, { module: string; status: number; en: string; zh: string }> {
    const all = new Map<string, { module: string; status: number; en: string; zh: string }>();
    for (const m of this.#modules) {
      for (const [code, def] of Object.entries(m.errors)) {
        const existing = all.get(code);
        if (existing && (existing.status !== def.status || existing.en !== def.en || existing.zh !== def.zh)) {
          throw new Error(`error code ${code} defined differently by ${existing.module} and ${m.name}`);
        }
        all.set(code, { module: existing?.module ?? m.name, ...def });
      }
    }
    return all;
  }
}
