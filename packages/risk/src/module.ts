import type { ModuleContext, ZhirongModule } from '@zhirong/platform';
import { ensureDefaultRuleset } from './default-rules.ts';
import { DecisionEngine } from './engine/engine.ts';
import { riskErrors } from './errors.ts';
import { riskMigrations } from './migrations.ts';
import { createEngineParts } from './parts.ts';
import { riskRoutes } from './risk.routes.ts';
import { RiskService } from './risk.service.ts';

export const RISK_MODULE_NAME = 'risk';

export const riskModule: ZhirongModule<RiskService> = {
  name: RISK_MODULE_NAME,
  migrations: riskMigrations,
  errors: riskErrors,
  scopes: {
    'risk:decide': 'Ask for risk decisions on events',
    'risk:read': 'Read decisions, rulesets, lists, models and the feature catalog',
    'risk:rules': 'Write rulesets and move them draft → shadow → live, or roll back',
    'risk:lists': 'Write allow, deny and reference lists',
    'risk:cases': 'Work the review queue: view, assign, note and close cases',
    'risk:models': 'Register models and choose the champion and challenger',
  },
  createService(context: ModuleContext) {
    const parts = createEngineParts(context.config);
    const engine = new DecisionEngine(parts.store, parts.graph, parts.describe);
    return new RiskService({
      db: context.db.kysely,
      clock: context.clock,
      ids: context.ids,
      outbox: context.outbox,
      logger: context.logger,
      eventsCommitted: context.eventsCommitted,
      engine,
      compile: parts.compile,
      catalog: parts.catalog,
      caseSlaMinutes: context.config.riskCaseSlaMinutes,
    });
  },
  async routes(app, service, context) {
    await riskRoutes(app, service, () => context.clock.now());
  },
  start(service, context) {
    // Rulesets, lists and models into memory, then features and graph from the last 30 days: a
    // restarted engine computes the same features as the one that stopped.
    let stopped = false;
    const ready = (async () => {
      await ensureDefaultRuleset(service);
      await service.reload();
      const events = await service.rebuild();
      if (events > 0) context.logger.info({ events }, 'risk: features rebuilt from history');
    })().catch((error: unknown) => {
      if (!stopped) context.logger.error({ err: error }, 'risk: start failed');
    });
    service.whenReady(ready);
    // Other processes change rulesets, lists and models too: pick their changes up.
    const timer = setInterval(() => {
      service.reload().catch((error: unknown) => context.logger.error({ err: error }, 'risk: reload failed'));
    }, 5_000);
    timer.unref();
    return async () => {
      stopped = true;
      clearInterval(timer);
      await ready;
      await service.flush();
      await service.engine.store.close();
    };
  },
};
