// Proves the evidence-log and receivables HTTP APIs in-process: the receivable lifecycle with Idempotency-Key replay and conflict, specific problem+json for bad input (in zh-CN too), scopes, heads, inclusion and consistency proofs, evidence bundles a third party verifies, and witness registration and cosignature checks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainModule, signingKeyFromSeed } from '@zhirong/chain';
import { cosignatureText, verifyConsistency, verifyEvidence } from '@zhirong/chain/verifier';
import { testBackends } from '@zhirong/db/testing';
import { evidenceModule, scfModule } from '@zhirong/flows';
import { type CurrencyCode, formatId, SeededRng } from '@zhirong/kernel';
import { type LedgerModuleService, ledgerModule } from '@zhirong/ledger';
import type { Platform, ZhirongModule } from '@zhirong/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ZhirongApp } from './app.ts';
import { bearer, bootTestPlatform, testKey } from './test-support.ts';

const CNY = 'CNY' as CurrencyCode;

describe.each(testBackends())('evidence log and receivables HTTP API on %s', (backend) => {
  let platform: Platform;
  let app: ZhirongApp;
  let all: Record<string, string>;
  let reader: Record<string, string>;
  const acc: Record<string, string> = {};

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zhirong-api-'));
    platform = await bootTestPlatform(backend, {
      env: { ZHIRONG_DATA_DIR: dataDir, ZHIRONG_CHAIN_WITNESS_QUORUM: '1' },
      modules: [ledgerModule, chainModule, scfModule, evidenceModule] as unknown as ZhirongModule<
        Record<string, never>
      >[],
    });
    app = await createApp(platform);
    platform.start();
    await platform.relay.stop(); // events are published by the test's drain() alone
    all = bearer(await testKey(platform, ['admin']));
    reader = bearer(await testKey(platform, ['scf:read']));
    const { ledger } = platform.service<LedgerModuleService>('ledger');
    const ids = platform.context.ids;
    for (const name of ['core', 'a', 'b', 'bank']) acc[name] = ids.uuid();
    await ledger.createAccounts([
      { id: acc.core as string, currency: CNY, type: 'liability' },
      { id: acc.a as string, currency: CNY, type: 'liability' },
      { id: acc.b as string, currency: CNY, type: 'liability' },
      { id: acc.bank as string, currency: CNY, type: 'asset' },
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const id = (name: string) => formatId('acc', acc[name] as string);
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...all, ...headers }, payload: payload as object });
  const get = (url: string, headers: Record<string, string> = all) => app.inject({ method: 'GET', url, headers });
  const issueBody = () => ({
    issuerAccountId: id('core'),
    holderAccountId: id('a'),
    amount: '1000000.00',
    currency: 'CNY',
    maturityDate: new Date(platform.context.clock.nowMs() + 180 * 86_400_000).toISOString().slice(0, 10),
    debtReference: 'PO-7',
  });

  it('runs the receivable lifecycle with Idempotency-Key replay and conflict', async () => {
    const first = await post('/v1/scf/receivables', issueBody(), { 'idempotency-key': 'issue-1' });
    expect(first.statusCode, first.body).toBe(201);
    const issued = first.json();
    expect(issued.outputs[0]).toMatchObject({ amount: '1000000.00', status: 'active', holderAccountId: id('a') });
    const replay = await post('/v1/scf/receivables', issueBody(), { 'idempotency-key': 'issue-1' });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(issued);
    const reused = await post(
      '/v1/scf/receivables',
      { ...issueBody(), amount: '2.00' },
      { 'idempotency-key': 'issue-1' },
    );
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('idempotency_key_reused');
    const list = (await get(`/v1/scf/receivables?holderAccountId=${id('a')}`, reader)).json();
    expect(list.data).toHaveLength(1);

    const rcv = issued.outputs[0].id;
    const split = await post(`/v1/scf/receivables/${rcv}/split`, { amounts: ['600000.00', '400000.00'] });
    expect(split.statusCode, split.body).toBe(201);
    const again = await post(
      `/v1/scf/receivables/${rcv}/split`,
      { amounts: ['500000.00', '500000.00'] },
      { 'accept-language': 'zh-CN' },
    );
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'receivable_not_active' });
    expect(again.json().title).toContain('不能再次使用');
    const [sixty, forty] = split.json().outputs;
    const moved = await post(`/v1/scf/receivables/${sixty.id}/transfer`, { toAccountId: id('b'), amount: '100000.00' });
    expect(moved.statusCode, moved.body).toBe(201);
    expect(moved.json().outputs.map((o: { amount: string }) => o.amount)).toEqual(['100000.00', '500000.00']);
    const financed = await post(`/v1/scf/receivables/${forty.id}/finance`, {
      funderAccountId: id('bank'),
      annualRate: '0.0365',
    });
    expect(financed.statusCode, financed.body).toBe(201);
    expect(financed.json().step.payments).toHaveLength(1);
    const history = (await get(`/v1/scf/receivables/${financed.json().outputs[0].id}/history`, reader)).json();
    expect(history.steps.map((s: { step: { kind: string } }) => s.step.kind)).toEqual(['issue', 'split', 'finance']);
    const settleEarly = await post(`/v1/scf/receivables/${moved.json().outputs[0].id}/settle`, {});
    expect(settleEarly.statusCode).toBe(422);
    expect(settleEarly.json().code).toBe('receivable_not_matured');

    // Each step is a log entry whose bundle a third party checks with only the public key.
    await platform.relay.drain();
    const log = (await get('/v1/chain/log')).json();
    const stepId = split.json().step.id;
    const bundle = await get(`/v1/chain/proofs/records/scf.step/${stepId}`);
    expect(bundle.statusCode, bundle.body).toBe(200);
    const report = await verifyEvidence(bundle.json(), Buffer.from(log.publicKey, 'hex'));
    expect(report.ok).toBe(true);
  });

  it('refuses bad input with a specific problem and writes nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...issueBody(), amount: '1.001' }, 400, 'amount_too_precise'],
      [{ ...issueBody(), amount: '-5' }, 400, 'amount_negative'],
      [{ ...issueBody(), amount: '1e3' }, 400, 'amount_malformed'],
      [{ ...issueBody(), currency: 'XXX' }, 400, 'currency_unknown'],
      [{ ...issueBody(), holderAccountId: 'acc_nope' }, 400, 'id_malformed'],
      [{ ...issueBody(), maturityDate: '2020-01-01' }, 422, 'maturity_invalid'],
      [{ ...issueBody(), holderAccountId: formatId('acc', platform.context.ids.uuid()) }, 422, 'scf_account_not_found'],
      [{ ...issueBody(), extra: true }, 400, 'validation_failed'],
    ];
    const before = (await get('/v1/scf/receivables?limit=500')).json().data.length;
    for (const [body, status, code] of cases) {
      const response = await post('/v1/scf/receivables', body);
      expect(response.statusCode, `${code}: ${response.body}`).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      if (code !== 'validation_failed') expect(response.json().code).toBe(code);
    }
    expect((await get('/v1/scf/receivables?limit=500')).json().data.length).toBe(before);
    expect((await post('/v1/scf/receivables', issueBody(), { 'idempotency-key': ' bad key ' })).json().code).toBe(
      'idempotency_key_invalid',
    );
    const forbidden = await app.inject({
      method: 'POST',
      url: '/v1/scf/receivables',
      headers: reader,
      payload: issueBody(),
    });
    expect(forbidden.statusCode).toBe(403);
    const unknown = await get(`/v1/scf/receivables/${formatId('rcv', platform.context.ids.uuid())}`, reader);
    expect(unknown.statusCode).toBe(404);
    const rate = await post(`/v1/scf/receivables/${formatId('rcv', platform.context.ids.uuid())}/finance`, {
      funderAccountId: id('bank'),
      annualRate: '3.65%',
    });
    expect(rate.json().code).toBe('rate_invalid');
  });

  it('serves heads and proofs that verify, and checks witnesses and cosignatures', async () => {
    const appended = await post('/v1/chain/records', {
      records: Array.from({ length: 9 }, (_, i) => ({ recordType: 'consent.grant', recordId: `c${i}`, body: { i } })),
    });
    expect(appended.statusCode, appended.body).toBe(200);
    expect(
      (await post('/v1/chain/records', { records: [{ recordType: 'Bad', recordId: 'x', body: 1 }] })).json().code,
    ).toBe('chain_record_invalid');
    await platform.service<{ signHead(): Promise<unknown> }>('chain').signHead();
    const head = (await get('/v1/chain/heads/latest')).json();
    expect(head.treeSize).toBeGreaterThanOrEqual(9);
    const heads = (await get('/v1/chain/heads?limit=2')).json();
    expect(heads.data[0].treeSize).toBe(head.treeSize);
    const inclusion = await get(`/v1/chain/proofs/inclusion?leafIndex=0&treeSize=${head.treeSize}`);
    expect(inclusion.statusCode).toBe(200);
    const consistency = (await get(`/v1/chain/proofs/consistency?from=3&to=${head.treeSize}`)).json();
    const root3 = (await platform.service<{ rootAt(n: number): Promise<Buffer> }>('chain').rootAt(3)) as Buffer;
    expect(
      await verifyConsistency({
        size1: 3,
        size2: head.treeSize,
        root1: root3,
        root2: Buffer.from(head.rootHash, 'base64'),
        proof: consistency.hashes.map((h: string) => Buffer.from(h, 'base64')),
      }),
    ).toBe(true);
    const outside = await get(`/v1/chain/proofs/inclusion?leafIndex=${head.treeSize}&treeSize=${head.treeSize}`);
    expect(outside.statusCode).toBe(400);
    expect(outside.json().code).toBe('chain_size_invalid');
    expect((await get('/v1/chain/heads/99999')).statusCode).toBe(404);
    expect((await get('/v1/chain/leaves/0')).json()).toMatchObject({ index: 0 });

    const witness = signingKeyFromSeed(new SeededRng(77).bytes(32));
    const publicKey = Buffer.from(witness.publicKey).toString('hex');
    expect((await post('/v1/chain/witness/witnesses', { name: 'bank-x', publicKey: 'zz' })).statusCode).toBe(400);
    const cosign = (at: number) => ({
      witnessPublicKey: publicKey,
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      headTimestampMs: head.timestampMs,
      timestampMs: at,
      signature: Buffer.from(witness.sign(new TextEncoder().encode(cosignatureText(head, at)))).toString('base64'),
    });
    const stranger = await post('/v1/chain/witness/cosignatures', cosign(1));
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().code).toBe('witness_unknown');
    expect((await post('/v1/chain/witness/witnesses', { name: 'bank-x', publicKey })).statusCode).toBe(201);
    const forged = await post('/v1/chain/witness/cosignatures', { ...cosign(1), timestampMs: 2 });
    expect(forged.json().code).toBe('cosignature_invalid');
    const accepted = await post('/v1/chain/witness/cosignatures', cosign(1));
    expect(accepted.json()).toMatchObject({ treeSize: head.treeSize, cosignatures: 1, final: true });
    expect((await get('/v1/chain/heads/final')).json().treeSize).toBe(head.treeSize);
    const openapi = (await get('/openapi.json')).json();
    for (const path of [
      '/v1/chain/heads/latest',
      '/v1/chain/proofs/inclusion',
      '/v1/chain/witness/cosignatures',
      '/v1/scf/receivables/{id}/finance',
    ]) {
      expect(Object.keys(openapi.paths), path).toContain(path);
    }
    const alarm = await post('/v1/chain/witness/alarms', {
      witnessPublicKey: publicKey,
      reason: 'test',
      evidence: { a: 1 },
    });
    expect(alarm.statusCode).toBe(201);
    expect((await get('/v1/chain/witness/alarms')).json().data[0]).toMatchObject({ reason: 'test' });
  });
});
