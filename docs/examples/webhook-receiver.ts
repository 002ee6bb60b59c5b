// A Zhirong webhook receiver in plain Node.js + TypeScript, with no dependency on Zhirong's code.
// docs/webhooks.md shows this file verbatim; packages/webhooks/src/receiver-recipe.test.ts runs it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';

const TOLERANCE_SECONDS = 300; // refuse signatures older (or newer) than five minutes: replays
const BODY_BYTES_MAX = 1024 * 1024;

/**
 * Checks `Zhirong-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]` against the raw body: the
 * HMAC-SHA256 of `${t}.${body}`, keyed with the whole `whsec_…` secret. `secrets` holds the current
 * secret, plus the previous one while you roll a rotation over.
 */
export function verifySignature(
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (!header || header.length > 4096) return false;
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false;
  return secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
    return signatures.some((signature) => timingSafeEqual(expected, signature));
  });
}

export interface ZhirongEvent {
  readonly id: string; // evt_…: the same on every attempt and redelivery — deduplicate on it
  readonly type: string; // e.g. ledger.transfers.created
  readonly createdAt: string;
  readonly key: string;
  readonly data: unknown;
}

/**
 * An HTTP server that verifies each delivery, answers 2xx at once, and hands every event to
 * `handle` once (deliveries are at least once: the same event can arrive again).
 */
export function createReceiver(secrets: readonly string[], handle: (event: ZhirongEvent) => void): Server {
  const seen = new Set<string>(); // in production: a unique key in your database
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_BYTES_MAX) chunks.push(chunk);
    });
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks); // verify the bytes as received, before JSON.parse
      const header = req.headers['zhirong-signature'];
      if (
        size > BODY_BYTES_MAX ||
        !verifySignature(rawBody, typeof header === 'string' ? header : undefined, secrets)
      ) {
        res.writeHead(400).end('bad signature');
        return;
      }
      const event = JSON.parse(rawBody.toString('utf8')) as ZhirongEvent;
      res.writeHead(200).end('ok'); // answer first; do slow work after (the sender times out)
      if (!seen.has(event.id)) {
        seen.add(event.id);
        handle(event);
      }
    });
  });
}
