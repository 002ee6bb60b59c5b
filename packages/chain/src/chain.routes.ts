import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LIMITS } from '@zhirong/kernel';
import { problem } from '@zhirong/platform';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { LeafRow } from './chain.repository.ts';
import { APPEND_BATCH_MAX, type ChainService, type Outcome } from './chain.service.ts';
import { type ChainErrorCode, chainErrors } from './errors.ts';
import { bytesToHex } from './verifier/verifier.ts';

const strict = { additionalProperties: false } as const;
const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const HexKey = Type.String({ minLength: 64, maxLength: 64, description: 'Raw Ed25519 public key, hex' });
const Base64 = Type.String({ minLength: 1, maxLength: 200 });

const read = { scope: 'chain:read' } as const;

export function chainFail(code: ChainErrorCode, params?: Record<string, unknown>): never {
  throw problem(chainErrors, code, params ? { params } : {});
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) chainFail(outcome.code, outcome.params);
  return outcome.value;
}

export function leafJson(leaf: LeafRow) {
  return {
    index: leaf.index,
    recordType: leaf.recordType,
    recordId: leaf.recordId,
    sha256: leaf.bodySha256.toString('hex'),
    leafHash: leaf.leafHash.toString('hex'),
    appendedAt: leaf.appendedAt.toISOString(),
  };
}

export async function chainRoutes(appBase: FastifyInstance, chain: ChainService): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['chain'];

  app.get(
    '/log',
    { config: read, schema: { tags, summary: "The log's identity: id, public key, witness quorum, size" } },
    async () => ({
      logId: chain.logId,
      publicKey: bytesToHex(chain.publicKey),
      witnessQuorum: chain.witnessQuorum,
      treeSize: await chain.treeSize(),
    }),
  );

  app.get(
    '/heads',
    {
      config: read,
      schema: {
        tags,
        summary: 'Signed tree heads, newest first, with their witness cosignatures',
        querystring: Type.Object(
          {
            limit: Type.Optional(
              Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax, default: LIMITS.pageSizeDefault }),
            ),
            before: Type.Optional(Size),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const limit = request.query.limit ?? LIMITS.pageSizeDefault;
      const heads = await chain.listHeads(limit + 1, request.query.before);
      const page = heads.slice(0, limit);
      return { data: page, nextBefore: heads.length > limit ? (page.at(-1)?.treeSize ?? null) : null };
    },
  );

  app.get('/heads/latest', { config: read, schema: { tags, summary: 'The latest signed tree head' } }, async () => {
    const head = await chain.latestHead();
    if (!head) chainFail('chain_no_head');
    return head;
  });

  app.get(
    '/heads/final',
    { config: read, schema: { tags, summary: 'The latest head co-signed by a quorum of witnesses (k of n)' } },
    async () => {
      const head = await chain.latestFinalHead();
      if (!head) chainFail('chain_no_head');
      return head;
    },
  );

  app.get(
    '/heads/:size',
    {
      config: read,
      schema: { tags, summary: 'The signed head of one tree size', params: Type.Object({ size: Size }, strict) },
    },
    async (request) => {
      const head = await chain.headAt(request.params.size);
      if (!head) chainFail('chain_head_not_found', { size: request.params.size });
      return head;
    },
  );

  app.get(
    '/leaves/:index',
    {
      config: read,
      schema: {
        tags,
        summary: 'One leaf: its record identity and hashes',
        params: Type.Object({ index: Size }, strict),
      },
    },
    async (request) => {
      const leaf = await chain.leaf(request.params.index);
      if (!leaf) chainFail('chain_leaf_not_found', { index: request.params.index });
      return leafJson(leaf);
    },
  );

  app.get(
    '/proofs/inclusion',
    {
      config: read,
      schema: {
        tags,
        summary: 'Inclusion proof (RFC 6962 audit path) of a leaf in a tree size',
        querystring: Type.Object({ leafIndex: Size, treeSize: Size }, strict),
      },
    },
    async (request) => {
      const { leafIndex, treeSize } = request.query;
      const proof = unwrap(await chain.inclusionProof(leafIndex, treeSize));
      return { leafIndex, treeSize, hashes: proof.map((h) => h.toString('base64')) };
    },
  );

  app.get(
    '/proofs/consistency',
    {
      config: read,
      schema: {
        tags,
        summary: 'Consistency proof between two tree sizes',
        querystring: Type.Object({ from: Size, to: Size }, strict),
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const proof = unwrap(await chain.consistencyProof(from, to));
      return { from, to, hashes: proof.map((h) => h.toString('base64')) };
    },
  );

  app.get(
    '/proofs/records/:recordType/:recordId',
    {
      config: read,
      schema: {
        tags,
        summary: 'Evidence bundle of a record: leaf, inclusion proof, signed head, cosignatures',
        params: Type.Object(
          {
            recordType: Type.String({ minLength: 1, maxLength: 64 }),
            recordId: Type.String({ minLength: 1, maxLength: 200 }),
          },
          strict,
        ),
        querystring: Type.Object({ treeSize: Type.Optional(Size) }, strict),
      },
    },
    async (request) =>
      unwrap(await chain.evidence(request.params.recordType, request.params.recordId, request.query.treeSize)),
  );

  app.post(
    '/records',
    {
      config: { scope: 'chain:append' },
      schema: {
        tags,
        summary: `Append up to ${APPEND_BATCH_MAX} records (idempotent by recordType + recordId)`,
        body: Type.Object(
          {
            records: Type.Array(
              Type.Object(
                {
                  recordType: Type.String({ minLength: 1, maxLength: 64 }),
                  recordId: Type.String({ minLength: 1, maxLength: 200 }),
                  body: Type.Optional(Type.Unknown()),
                  sha256: Type.Optional(Type.String({ minLength: 64, maxLength: 64 })),
                },
                strict,
              ),
              { minItems: 1, maxItems: APPEND_BATCH_MAX },
            ),
          },
          strict,
        ),
      },
    },
    async (request) => {
      const result = unwrap(
        await chain.append(
          request.body.records.map((r) => ({
            recordType: r.recordType,
            recordId: r.recordId,
            ...(r.body === undefined ? {} : { body: r.body }),
            ...(r.sha256 === undefined ? {} : { bodySha256: r.sha256 }),
          })),
        ),
      );
      return result;
    },
  );

  // ------------------------------------------------------------ witnesses

  app.get('/witness/witnesses', { config: read, schema: { tags, summary: 'Registered witnesses' } }, async () => ({
    data: (await chain.listWitnesses()).map((w) => ({
      name: w.name,
      publicKey: w.publicKey.toString('hex'),
      createdAt: w.createdAt.toISOString(),
    })),
  }));

  app.post(
    '/witness/witnesses',
    {
      config: { scope: 'chain:admin' },
      schema: {
        tags,
        summary: 'Register a witness (another institution) by name and Ed25519 public key',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), publicKey: HexKey }, strict),
      },
    },
    async (request, reply) => {
      const w = unwrap(await chain.registerWitness(request.body.name, request.body.publicKey));
      return reply
        .code(201)
        .send({ name: w.name, publicKey: w.publicKey.toString('hex'), createdAt: w.createdAt.toISOString() });
    },
  );

  app.post(
    '/witness/cosignatures',
    {
      config: { scope: 'chain:witness' },
      schema: {
        tags,
        summary: "A witness's cosignature of a signed head it found consistent with what it saw before",
        body: Type.Object(
          {
            witnessPublicKey: HexKey,
            treeSize: Size,
            rootHash: Base64,
            headTimestampMs: Size,
            timestampMs: Size,
            signature: Base64,
          },
          strict,
        ),
      },
    },
    async (request) => {
      const b = request.body;
      return unwrap(
        await chain.addCosignature({
          witnessPublicKey: b.witnessPublicKey,
          head: { treeSize: b.treeSize, rootHash: b.rootHash, timestampMs: b.headTimestampMs },
          timestampMs: b.timestampMs,
          signature: b.signature,
        }),
      );
    },
  );

  app.post(
    '/witness/alarms',
    {
      config: { scope: 'chain:witness' },
      schema: {
        tags,
        summary: 'A witness reports two inconsistent heads (fork alarm), with both as evidence',
        body: Type.Object(
          { witnessPublicKey: HexKey, reason: Type.String({ minLength: 1, maxLength: 500 }), evidence: Type.Unknown() },
          strict,
        ),
      },
    },
    async (request, reply) => {
      const alarm = unwrap(await chain.raiseForkAlarm(request.body));
      return reply.code(201).send({ id: alarm.id, reason: alarm.reason, raisedAt: alarm.raisedAt.toISOString() });
    },
  );

  app.get(
    '/witness/alarms',
    {
      config: read,
      schema: {
        tags,
        summary: 'Fork alarms raised by witnesses, newest first',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax })) },
          strict,
        ),
      },
    },
    async (request) => ({
      data: (await chain.listAlarms(request.query.limit ?? LIMITS.pageSizeDefault)).map((a) => ({
        id: a.id,
        reason: a.reason,
        evidence: a.evidence,
        raisedAt: a.raisedAt.toISOString(),
      })),
    }),
  );
}
