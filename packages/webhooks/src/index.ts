export * from './contract.ts';
export { webhooksMigrations } from './migrations.ts';
export {
  createWebhooksModule,
  WEBHOOKS_MODULE_NAME,
  type WebhooksModuleOptions,
  type WebhooksModuleService,
  webhooksModule,
} from './module.ts';
export { WebhooksService } from './webhooks.service.ts';
