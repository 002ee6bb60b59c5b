// Proves rate limiting: each API key has its own per-minute budget, clients without a valid key share one per IP, health checks are exempt, and the 429 is problem+json with Retry-After.
import { testBackends } from '@zhirong/db/testing';
import type { Platform } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, probeModule, testKey } from './test-support.ts';

describe.each(testBackends())('rate limits on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;

  beforeAll(async () => {
    platform = await bootTestPlatform(backend, {
      env: { ZHIRONG_RATE_LIMIT_PER_MINUTE: '3' },
      modules: [probeModule()],
    });
    app = await createApp(platform);
  });

  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('answers the request over the limit with 429 rate_limited and Retry-After, per key', async () => {
    const first = await testKey(platform, ['ledger:read']);
    const second = await testKey(platform, ['ledger:read']);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await app.inject({ url: '/v1/probe/open', headers: bearer(first) })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await app.inject({
      url: '/v1/probe/open',
      headers: { ...bearer(first), 'accept-language': 'zh-CN' },
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({
      code: 'rate_limited',
      status: 429,
      title: expect.stringMatching(/请求过于频繁/),
    });
    // Another key has its own budget.
    expect((await app.inject({ url: '/v1/probe/open', headers: bearer(second) })).statusCode).toBe(200);
  });

  it('limits requests without a valid key by IP, and never limits health checks', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await app.inject({ url: '/v1/probe/open', remoteAddress: '10.9.8.7', headers: bearer('zrk_guess') }))
          .statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    for (let i = 0; i < 10; i++)
      expect((await app.inject({ url: '/healthz', remoteAddress: '10.9.8.7' })).statusCode).toBe(200);
  });
});
