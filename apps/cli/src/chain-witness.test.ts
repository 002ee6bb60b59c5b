// Proves the witness protocol with real processes on loopback: three `zhirong serve --role witness` nodes fetch a log node's signed heads, check consistency and co-sign until heads are final at 2 of 3, and a witness fed a second log that equivocates with the same key raises a fork alarm and stops co-signing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccessService } from '@zhirong/access';
import { issueTestKey } from '@zhirong/access/testing';
import { type ChainService, signingKeyFromSeed } from '@zhirong/chain';
import { openTestDatabase } from '@zhirong/db/testing';
import { SeededRng } from '@zhirong/kernel';
import { createLogger, loadConfig } from '@zhirong/platform';
import { type ServerHandle, serve } from '@zhirong/server';
import { afterAll, describe, expect, it } from 'vitest';
import { platformModules } from './modules.ts';

const BIN = fileURLToPath(new URL('../bin/zhirong.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'zhirong-witness-'));
const logKeyFile = join(root, 'log.key');
const children: ChildProcess[] = [];
const handles: ServerHandle[] = [];
let proxy: Server | undefined;

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(handles.map((h) => h.close()));
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  rmSync(root, { recursive: true, force: true });
});

async function bootLog(name: string): Promise<{ handle: ServerHandle; chain: ChainService; key: string }> {
  const dataDir = join(root, name);
  mkdirSync(dataDir, { recursive: true });
  const config = loadConfig(
    {
      ZHIRONG_DATA_DIR: dataDir,
      ZHIRONG_PORT: '0',
      ZHIRONG_CHAIN_KEY_FILE: logKeyFile,
      ZHIRONG_CHAIN_HEAD_INTERVAL_MS: '100',
      ZHIRONG_CHAIN_WITNESS_QUORUM: '2',
      ZHIRONG_OUTBOX_POLL_MS: '100',
    },
    dataDir,
  );
  const handle = await serve(config, platformModules(), createLogger({ level: 'silent' }), {
    db: await openTestDatabase('pglite'),
    handleSignals: false,
    stdout: { write: () => true },
  });
  handles.push(handle);
  const key = await issueTestKey(handle.platform.service<AccessService>('access'), ['chain:read', 'chain:witness']);
  return { handle, chain: handle.platform.service<ChainService>('chain'), key };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const record = (i: number, tag: string) => ({ recordType: 'test.record', recordId: `${tag}-${i}`, body: { i, tag } });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function spawnWitness(index: number, logUrl: string, logPublicKey: string, apiKey: string, port: number) {
  const dataDir = join(root, `witness-${index}`);
  mkdirSync(dataDir, { recursive: true });
  // The witness's own identity key, in the key-file format the node reads (it would create one itself).
  const seed = new SeededRng(100 + index).bytes(32);
  writeFileSync(join(dataDir, 'witness.key'), `${Buffer.from(seed).toString('hex')}\n`, { mode: 0o600 });
  const apiKeyFile = join(dataDir, 'log-api-key');
  writeFileSync(apiKeyFile, apiKey, { mode: 0o600 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ZHIRONG_DATA_DIR: dataDir,
    ZHIRONG_PORT: String(port),
    ZHIRONG_LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--role',
      'witness',
      '--log-url',
      logUrl,
      '--log-public-key',
      logPublicKey,
      '--log-api-key-file',
      apiKeyFile,
      '--poll-ms',
      '100',
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  children.push(child);
  const state = () => JSON.parse(readFileSync(join(dataDir, 'witness-state.json'), 'utf8'));
  return {
    child,
    publicKey: Buffer.from(signingKeyFromSeed(seed).publicKey).toString('hex'),
    state,
    stderr: () => stderr,
    port,
  };
}

describe('witnesses on loopback', () => {
  it('co-sign consistent heads to finality, and raise a fork alarm on an equivocating log', async () => {
    const a = await bootLog('log-a');
    const logPublicKey = Buffer.from(a.chain.publicKey).toString('hex');
    // Witness 2 reaches the log through a proxy the test can later point at another log.
    let target = { url: a.handle.address, key: a.key };
    proxy = createServer((req, res) => {
      const upstream = new URL(req.url ?? '/', target.url);
      const forward = httpRequest(
        upstream,
        { method: req.method, headers: { ...req.headers, host: upstream.host, authorization: `Bearer ${target.key}` } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forward);
    });
    const proxyPort = await freePort();
    await new Promise<void>((resolve) => proxy?.listen(proxyPort, '127.0.0.1', () => resolve()));

    const witnesses = await Promise.all(
      [0, 1, 2].map(async (i) =>
        spawnWitness(
          i,
          i === 2 ? `http://127.0.0.1:${proxyPort}` : a.handle.address,
          logPublicKey,
          a.key,
          await freePort(),
        ),
      ),
    );
    for (const [i, w] of witnesses.entries()) {
      expect(await a.chain.registerWitness(`bank-${i}`, w.publicKey)).toMatchObject({ ok: true });
    }

    expect(await a.chain.append(Array.from({ length: 5 }, (_, i) => record(i, 'a')))).toMatchObject({ ok: true });
    const final = await until('a final head of 5 leaves', async () => {
      const head = await a.chain.latestFinalHead();
      return head && head.treeSize === 5 ? head : undefined;
    });
    expect(final.cosignatures.length).toBeGreaterThanOrEqual(2);

    expect(await a.chain.append(Array.from({ length: 6 }, (_, i) => record(i + 5, 'a')))).toMatchObject({ ok: true });
    const grown = await until('all three witnesses on the 11-leaf head', async () => {
      const head = await a.chain.headAt(11);
      return head && head.cosignatures.length === 3 ? head : undefined;
    });
    expect(grown.final).toBe(true);
    for (const w of witnesses) expect(w.state().lastHead.treeSize).toBe(11);
    const served = await (await fetch(`http://127.0.0.1:${witnesses[0]?.port}/v1/witness/state`)).json();
    expect(served).toMatchObject({ publicKey: witnesses[0]?.publicKey, alarm: null, lastHead: { treeSize: 11 } });

    // A second log signs with the same key over other records: an equivocating operator.
    const b = await bootLog('log-b');
    expect(await b.chain.append(Array.from({ length: 13 }, (_, i) => record(i, 'b')))).toMatchObject({ ok: true });
    await until('log b head', async () => ((await b.chain.latestHead())?.treeSize === 13 ? true : undefined));
    target = { url: b.handle.address, key: b.key };
    const alarm = await until('the fork alarm', async () => {
      try {
        return witnesses[2]?.state().alarm ?? undefined;
      } catch {
        return undefined;
      }
    });
    expect(alarm.reason).toBe('the new head does not extend the head this witness co-signed');
    expect(alarm.heads.map((h: { treeSize: number }) => h.treeSize)).toEqual([11, 13]);
    expect(witnesses[2]?.state().lastHead.treeSize).toBe(11);
    // The honest witnesses keep following log A.
    expect(witnesses[0]?.state().alarm).toBeNull();
  }, 120_000);
});
