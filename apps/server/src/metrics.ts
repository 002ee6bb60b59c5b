import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one app: its own registry, default Node metrics, request durations. */
export interface HttpMetrics {
  readonly registry: Registry;
  observe(method: string, route: string, statusCode: number, elapsedMs: number): void;
}

export const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'zhirong_' });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  return {
    registry,
    observe(method, route, statusCode, elapsedMs) {
      duration.labels(method, route, String(statusCode)).observe(elapsedMs / 1000);
    },
  };
}
