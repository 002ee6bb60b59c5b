// Proves serve(): it prints and saves the bootstrap admin key only on first start, listens on a real socket, and a graceful close lets an in-flight request finish with 200 while new connections are refused.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccessService, accessModule } from '@zhirong/access';
import { openTestDatabase, testBackends } from '@zhirong/db/testing';
import { bootPlatform, createLogger, loadConfig, ModuleRegistry } from '@zhirong/platform';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from './serve.ts';
import { bearer, Gate, probeModule } from './test-support.ts';

const logger = createLogger({ level: 'silent' });

describe.each(testBackends())('serve on %s', (backend) => {
  const dirs: string[] = [];
  const agents: Agent[] = [];
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.destroy();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const setup = () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zr-serve-'));
    dirs.push(dataDir);
    const config = loadConfig({ ZHIRONG_HOST: '127.0.0.1', ZHIRONG_PORT: '0', ZHIRONG_DATA_DIR: dataDir }, tmpdir());
    return { dataDir, config };
  };

  /** Each call on its own connection pool, so "new connection" means a new TCP connection. */
  const get = (url: string, headers: Record<string, string> = {}) => {
    const agent = new Agent({ connections: 1 });
    agents.push(agent);
    return request(url, { headers, dispatcher: agent });
  };

  it('finishes the in-flight request on close and then refuses connections', async () => {
    const { dataDir, config } = setup();
    const slow = new Gate();
    let printed = '';
    const handle = await serve(
      config,
      new ModuleRegistry().register(accessModule).register(probeModule(slow)),
      logger,
      {
        db: await openTestDatabase(backend),
        handleSignals: false,
        stdout: { write: (text: string) => (printed += text) },
      },
    );

    const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    expect(key).toMatch(/^zrk_/);
    expect(statSync(join(dataDir, 'admin-key')).mode & 0o777).toBe(0o600);
    expect(printed).toContain(key);
    expect(handle.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await get(`${handle.address}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();

    const inflight = get(`${handle.address}/v1/probe/slow`, bearer(key));
    await slow.entered;
    const closing = handle.close();
    try {
      // The listener closes first: once it has, a new connection is refused while the old request still runs.
      for (let i = 0; i < 500 && handle.app.server.listening; i++)
        await new Promise((resolve) => setTimeout(resolve, 2));
      expect(handle.app.server.listening).toBe(false);
      await expect(get(`${handle.address}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      slow.open();
    }
    const response = await inflight;
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({ done: true });
    await closing;
    await expect(get(`${handle.address}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('prints nothing and writes no file when keys already exist', async () => {
    const { dataDir, config } = setup();
    const db = await openTestDatabase(backend);
    const modules = new ModuleRegistry().register(accessModule);
    const earlier = await bootPlatform({ config, modules, logger, db });
    const created = await earlier.service<AccessService>('access').createKey({ name: 'ops', scopes: ['admin'] });
    if (!created.ok) throw new Error(created.code);

    let printed = '';
    const handle = await serve(config, modules, logger, {
      db,
      handleSignals: false,
      stdout: { write: (text: string) => (printed += text) },
    });
    try {
      expect(printed).toBe('');
      expect(() => statSync(join(dataDir, 'admin-key'))).toThrow();
      const response = await get(`${handle.address}/v1/access/keys`, bearer(created.value.key));
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    } finally {
      await handle.close();
    }
  });
});
