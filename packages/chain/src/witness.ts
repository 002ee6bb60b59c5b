import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Clock, Rng } from '@zhirong/kernel';
import type { Logger } from '@zhirong/platform';
import { loadOrCreateKey, type SigningKey } from './keys.ts';
import { sha256 } from './merkle.ts';
import {
  base64ToBytes,
  bytesToHex,
  cosignatureText,
  hexToBytes,
  type SignedHead,
  verifyConsistency,
  verifySignedHead,
} from './verifier/verifier.ts';

/**
 * A witness node (见证节点): run by another institution with its own data directory and key. It
 * fetches the log's latest signed head, checks it is signed by the log, checks with a consistency
 * proof that it extends the last head this witness vouched for, and then co-signs it. Two heads
 * that are not consistent — a fork, a rewrite, a rollback — raise a fork alarm: it is stored in
 * the witness's state, logged, reported to the log, and the witness never co-signs for that log
 * again until an operator clears the state. The state is written (atomically) before a
 * cosignature leaves, so a restart can never make the witness vouch for two inconsistent heads.
 */
export interface WitnessOptions {
  readonly dataDir: string;
  /** Base URL of the log node, e.g. `http://127.0.0.1:8080`. */
  readonly logUrl: string;
  /** The log's raw Ed25519 public key (hex), pinned out of band. */
  readonly logPublicKey: string;
  /** An API key of the log with the `chain:read` and `chain:witness` scopes. */
  readonly apiKey: string;
  readonly pollMs: number;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  /** Per-request timeout towards the log. */
  readonly requestTimeoutMs?: number;
}

export interface WitnessAlarm {
  readonly reason: string;
  /** The head this witness had vouched for and the head that contradicts it. */
  readonly heads: readonly [SignedHead, SignedHead];
  readonly raisedAtMs: number;
}

export interface WitnessState {
  readonly logId: string;
  /** The last head this witness verified and co-signed. */
  readonly lastHead: SignedHead | null;
  /** Whether the log has acknowledged the cosignature of `lastHead`. */
  readonly delivered: boolean;
  readonly cosigned: number;
  readonly alarm: WitnessAlarm | null;
}

const STATE_FILE = 'witness-state.json';
const KEY_FILE = 'witness.key';

export class WitnessNode {
  readonly #options: WitnessOptions;
  readonly #key: SigningKey;
  readonly #logKey: Uint8Array;
  #state: WitnessState;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #server: Server | undefined;

  constructor(options: WitnessOptions) {
    this.#options = options;
    mkdirSync(options.dataDir, { recursive: true });
    this.#key = loadOrCreateKey(join(options.dataDir, KEY_FILE), options.rng);
    this.#logKey = hexToBytes(options.logPublicKey);
    if (this.#logKey.length !== 32) throw new Error('the log public key must be 32 bytes of hex');
    const logId = bytesToHex(sha256(this.#logKey));
    const file = join(options.dataDir, STATE_FILE);
    const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as WitnessState) : undefined;
    if (saved && saved.logId !== logId) throw new Error(`${file} belongs to another log (${saved.logId})`);
    this.#state = saved ?? { logId, lastHead: null, delivered: true, cosigned: 0, alarm: null };
  }

  get publicKey(): string {
    return bytesToHex(this.#key.publicKey);
  }

  get state(): WitnessState {
    return this.#state;
  }

  #save(state: WitnessState): void {
    const file = join(this.#options.dataDir, STATE_FILE);
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, JSON.stringify(state, null, 2), { mode: 0o600 });
    renameSync(temporary, file);
    this.#state = state;
  }

  async #request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(new URL(path, this.#options.logUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.#options.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 10_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  /** One round: fetch, check, co-sign or raise the alarm. Returns what happened. */
  async pollOnce(): Promise<'alarm' | 'cosigned' | 'unchanged' | 'no_head' | 'bad_head' | 'stale'> {
    if (this.#state.alarm) return 'alarm';
    const latest = await this.#request('GET', '/v1/chain/heads/latest');
    if (latest.status === 404) return 'no_head';
    if (latest.status !== 200) throw new Error(`log answered ${latest.status} for the latest head`);
    const head = pickHead(latest.json);
    if (!head || !(await verifySignedHead(head, this.#logKey))) {
      // Not signed by the pinned key: not the log speaking, so no evidence of a fork either.
      this.#options.logger.warn({ head: latest.json }, 'witness: the log served a head with a bad signature');
      return 'bad_head';
    }
    const last = this.#state.lastHead;
    if (last !== null) {
      if (head.treeSize === last.treeSize) {
        if (head.rootHash !== last.rootHash) {
          return this.#alarm('two signed heads of the same size with different roots', last, head);
        }
        if (!this.#state.delivered) await this.#deliver(last);
        return 'unchanged';
      }
      const [older, newer] = head.treeSize > last.treeSize ? [last, head] : [head, last];
      const proof = await this.#request(
        'GET',
        `/v1/chain/proofs/consistency?from=${older.treeSize}&to=${newer.treeSize}`,
      );
      const hashes = (proof.json as { hashes?: unknown })?.hashes;
      const consistent =
        proof.status === 200 &&
        Array.isArray(hashes) &&
        (await verifyConsistency(
          {
            size1: older.treeSize,
            size2: newer.treeSize,
            root1: base64ToBytes(older.rootHash),
            root2: base64ToBytes(newer.rootHash),
            proof: hashes.map((h) => base64ToBytes(String(h))),
          },
          sha256,
        ).catch(() => false));
      if (!consistent) {
        return this.#alarm(
          head.treeSize > last.treeSize
            ? 'the new head does not extend the head this witness co-signed'
            : 'the log went back to a head that the co-signed head does not extend',
          last,
          head,
        );
      }
      if (head.treeSize < last.treeSize) return 'stale';
    }
    this.#save({ ...this.#state, lastHead: head, delivered: false, cosigned: this.#state.cosigned + 1 });
    await this.#deliver(head);
    return 'cosigned';
  }

  async #deliver(head: SignedHead): Promise<void> {
    const timestampMs = this.#options.clock.nowMs();
    const signature = this.#key.sign(new TextEncoder().encode(cosignatureText(head, timestampMs)));
    const posted = await this.#request('POST', '/v1/chain/witness/cosignatures', {
      witnessPublicKey: this.publicKey,
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      headTimestampMs: head.timestampMs,
      timestampMs,
      signature: Buffer.from(signature).toString('base64'),
    });
    if (posted.status !== 200) {
      this.#options.logger.warn(
        { status: posted.status, body: posted.json },
        'witness: the log refused the cosignature',
      );
      return;
    }
    if (this.#state.lastHead?.treeSize === head.treeSize) this.#save({ ...this.#state, delivered: true });
  }

  async #alarm(reason: string, vouched: SignedHead, contradicting: SignedHead): Promise<'alarm'> {
    const alarm: WitnessAlarm = { reason, heads: [vouched, contradicting], raisedAtMs: this.#options.clock.nowMs() };
    this.#save({ ...this.#state, alarm });
    this.#options.logger.error(
      { reason, vouched, contradicting },
      'FORK ALARM: the evidence log served inconsistent heads',
    );
    await this.#request('POST', '/v1/chain/witness/alarms', {
      witnessPublicKey: this.publicKey,
      reason,
      evidence: { vouched, contradicting },
    }).catch((error: unknown) => this.#options.logger.error({ err: error }, 'witness: could not report the alarm'));
    return 'alarm';
  }

  /** Polls the log every `pollMs` until stopped. */
  start(): void {
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      this.#running = this.pollOnce()
        .then((outcome) => {
          if (outcome === 'cosigned')
            this.#options.logger.info({ head: this.#state.lastHead }, 'witness co-signed a head');
        })
        .catch((error: unknown) => this.#options.logger.warn({ err: error }, 'witness: polling the log failed'))
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#options.pollMs);
        });
    };
    tick();
  }

  /** A small read-only HTTP face: `GET /healthz` and `GET /v1/witness/state`. */
  async listen(host: string, port: number): Promise<string> {
    this.#server = createServer((request, response) => {
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.method === 'GET' && request.url === '/healthz') return send(200, { status: 'ok' });
      if (request.method === 'GET' && request.url === '/v1/witness/state') {
        return send(200, { publicKey: this.publicKey, logUrl: this.#options.logUrl, ...this.#state });
      }
      return send(404, { status: 404, code: 'not_found', title: 'Not found' });
    });
    const server = this.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    return `http://${host}:${boundPort}`;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    const server = this.#server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function pickHead(value: unknown): SignedHead | undefined {
  const v = value as Partial<SignedHead> | undefined;
  if (
    typeof v?.logId !== 'string' ||
    typeof v.treeSize !== 'number' ||
    typeof v.rootHash !== 'string' ||
    typeof v.timestampMs !== 'number' ||
    typeof v.signature !== 'string'
  ) {
    return undefined;
  }
  return {
    logId: v.logId,
    treeSize: v.treeSize,
    rootHash: v.rootHash,
    timestampMs: v.timestampMs,
    signature: v.signature,
  };
}
