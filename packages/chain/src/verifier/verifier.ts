/**
 * The standalone verifier of the Zhirong evidence chain (存证验证器).
 *
 * This file imports nothing — no Zhirong package, no `node:*` module, no third-party library — so
 * it can be copied as is into a browser page, a regulator's script or another institution's
 * service. It uses only the Web Crypto API (`globalThis.crypto.subtle`: SHA-256 and Ed25519),
 * which Node 20+ and modern browsers provide. Given only the log's Ed25519 public key, it checks:
 *
 * - that a signed tree head (checkpoint) was signed by the log;
 * - that a record's leaf is included in that tree (RFC 6962 / RFC 9162 §2.1.3.2 inclusion proof);
 * - that one tree is an append-only extension of another (RFC 9162 §2.1.4.2 consistency proof);
 * - that a record's body hashes to the digest in its leaf (canonical JSON, SHA-256);
 * - that k of n known witnesses co-signed a head.
 *
 * Hashing: leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right), empty tree = SHA-256("").
 * Every hash function may be swapped (`sha256` option) for a synchronous one on a server, where
 * an async Web Crypto call per node costs more than the hashing itself.
 */

/** Hashes bytes with SHA-256; may be synchronous or asynchronous. */
export type Sha256 = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** SHA-256 through Web Crypto (browsers, Node 20+). */
export const webCryptoSha256: Sha256 = async (data) =>
  new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));

export const HASH_BYTES = 32;
/** Tree sizes and indexes are exact JavaScript integers: at most 2^53 − 1. */
const SIZE_MAX = Number.MAX_SAFE_INTEGER;

// ------------------------------------------------------------------ encodings

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError('not a hex string');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return globalThis.btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new TypeError('not a base64 string');
  }
  const binary = globalThis.atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Canonical JSON, the same encoding the platform digests records with: object keys sorted by
 * UTF-16 code units, no whitespace, `undefined` members dropped. (A copy of the kernel's
 * `canonicalJson` for JSON values, kept here so this file stays dependency-free.)
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`cannot encode ${typeof value} as JSON`);
  }
}

// ------------------------------------------------------------------ RFC 6962 hashing

export async function hashLeaf(data: Uint8Array, sha256: Sha256 = webCryptoSha256): Promise<Uint8Array> {
  const buffer = new Uint8Array(data.length + 1);
  buffer[0] = 0;
  buffer.set(data, 1);
  return sha256(buffer);
}

export async function hashChildren(
  left: Uint8Array,
  right: Uint8Array,
  sha256: Sha256 = webCryptoSha256,
): Promise<Uint8Array> {
  const buffer = new Uint8Array(1 + left.length + right.length);
  buffer[0] = 1;
  buffer.set(left, 1);
  buffer.set(right, 1 + left.length);
  return sha256(buffer);
}

/**
 * The leaf data of a record: the canonical JSON of `{ recordType, recordId, sha256 }`, where
 * `sha256` is the hex SHA-256 of the record body's canonical JSON. The log stores this envelope
 * and hashes it as the leaf.
 */
export interface LeafEnvelope {
  readonly recordType: string;
  readonly recordId: string;
  /** Hex SHA-256 of the canonical JSON of the record body. */
  readonly sha256: string;
}

export function envelopeBytes(envelope: LeafEnvelope): Uint8Array {
  return utf8(canonicalJson({ recordType: envelope.recordType, recordId: envelope.recordId, sha256: envelope.sha256 }));
}

function isIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= SIZE_MAX;
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** The root an inclusion proof leads to, or undefined when the proof has the wrong shape for (index, size). */
export async function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  sha256: Sha256 = webCryptoSha256,
): Promise<Uint8Array | undefined> {
  if (!isIndex(leafIndex) || !isIndex(treeSize) || leafIndex >= treeSize) return undefined;
  if (leafHash.length !== HASH_BYTES || proof.some((p) => p.length !== HASH_BYTES)) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = await hashChildren(p, r, sha256);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await hashChildren(r, p, sha256);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 §2.1.3.2: true when `proof` shows the leaf at `leafIndex` is in the tree of `treeSize` with `rootHash`. */
export async function verifyInclusion(
  input: {
    readonly leafIndex: number;
    readonly treeSize: number;
    readonly leafHash: Uint8Array;
    readonly proof: readonly Uint8Array[];
    readonly rootHash: Uint8Array;
  },
  sha256: Sha256 = webCryptoSha256,
): Promise<boolean> {
  const root = await rootFromInclusionProof(input.leafIndex, input.treeSize, input.leafHash, input.proof, sha256);
  return root !== undefined && bytesEqual(root, input.rootHash);
}

/** RFC 9162 §2.1.4.2: true when the tree of `size2`/`root2` extends the tree of `size1`/`root1`. */
export async function verifyConsistency(
  input: {
    readonly size1: number;
    readonly size2: number;
    readonly root1: Uint8Array;
    readonly root2: Uint8Array;
    readonly proof: readonly Uint8Array[];
  },
  sha256: Sha256 = webCryptoSha256,
): Promise<boolean> {
  const { size1, size2, root1, root2, proof } = input;
  if (!isIndex(size1) || !isIndex(size2) || size1 > size2) return false;
  if (root1.length !== HASH_BYTES || root2.length !== HASH_BYTES || proof.some((p) => p.length !== HASH_BYTES)) {
    return false;
  }
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  // Every tree extends the empty tree; its root is SHA-256 of nothing.
  if (size1 === 0) return proof.length === 0 && bytesEqual(root1, await sha256(new Uint8Array(0)));
  if (proof.length === 0) return false;
  // When size1 is a power of two, its root is the first node of the path and is not sent.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = path[0] as Uint8Array;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = await hashChildren(c, fr, sha256);
      sr = await hashChildren(c, sr, sha256);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = await hashChildren(sr, c, sha256);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

// ------------------------------------------------------------------ signed tree heads

/** A signed tree head as the log publishes it (JSON). */
export interface SignedHead {
  /** Hex SHA-256 of the log's raw Ed25519 public key. */
  readonly logId: string;
  readonly treeSize: number;
  /** Base64 root hash. */
  readonly rootHash: string;
  /** When the log signed it, in ms since the epoch. */
  readonly timestampMs: number;
  /** Base64 Ed25519 signature over `checkpointText(head)`. */
  readonly signature: string;
}

export const CHECKPOINT_ORIGIN = 'zhirong.chain/v1';
export const COSIGNATURE_ORIGIN = 'zhirong.chain.cosignature/v1';

/** The exact bytes the log signs: five lines, each ending in a newline. */
export function checkpointText(head: Omit<SignedHead, 'signature'>): string {
  return `${CHECKPOINT_ORIGIN}\n${head.logId}\n${head.treeSize}\n${head.rootHash}\n${head.timestampMs}\n`;
}

/** The exact bytes a witness signs: its own origin line and time, then the checkpoint it vouches for. */
export function cosignatureText(head: Omit<SignedHead, 'signature'>, witnessTimestampMs: number): string {
  return `${COSIGNATURE_ORIGIN}\n${witnessTimestampMs}\n${checkpointText(head)}`;
}

/** A witness's signature over a head. */
export interface Cosignature {
  /** Hex raw Ed25519 public key of the witness. */
  readonly witnessPublicKey: string;
  readonly timestampMs: number;
  /** Base64 Ed25519 signature over `cosignatureText(head, timestampMs)`. */
  readonly signature: string;
}

export async function logIdOf(publicKey: Uint8Array): Promise<string> {
  return bytesToHex(
    new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', publicKey as Uint8Array<ArrayBuffer>)),
  );
}

/** Ed25519 signature check through Web Crypto; false for any malformed input. */
export async function ed25519Verify(
  publicKey: Uint8Array,
  signature: Uint8Array,
  message: Uint8Array,
): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = await globalThis.crypto.subtle.importKey(
      'raw',
      publicKey as Uint8Array<ArrayBuffer>,
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    return await globalThis.crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      signature as Uint8Array<ArrayBuffer>,
      message as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

function decodeOrUndefined<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

/** True when `head` is well formed, names this log, and carries the log's valid signature. */
export async function verifySignedHead(head: SignedHead, logPublicKey: Uint8Array): Promise<boolean> {
  if (!isIndex(head?.treeSize) || !isIndex(head?.timestampMs)) return false;
  if (head.logId !== (await logIdOf(logPublicKey))) return false;
  const root = decodeOrUndefined(() => base64ToBytes(head.rootHash));
  const signature = decodeOrUndefined(() => base64ToBytes(head.signature));
  if (root?.length !== HASH_BYTES || signature === undefined) return false;
  return ed25519Verify(logPublicKey, signature, utf8(checkpointText(head)));
}

/**
 * Counts the distinct trusted witnesses whose cosignature over `head` is valid, and says whether
 * they reach `quorum` (a head is final with k of n witness signatures).
 */
export async function verifyCosignatures(
  head: SignedHead,
  cosignatures: readonly Cosignature[],
  trustedWitnessKeys: readonly string[],
  quorum: number,
): Promise<{ readonly valid: number; readonly final: boolean }> {
  const trusted = new Set(trustedWitnessKeys.map((k) => k.toLowerCase()));
  const counted = new Set<string>();
  for (const c of cosignatures) {
    const key = String(c?.witnessPublicKey ?? '').toLowerCase();
    if (!trusted.has(key) || counted.has(key) || !isIndex(c.timestampMs)) continue;
    const publicKey = decodeOrUndefined(() => hexToBytes(key));
    const signature = decodeOrUndefined(() => base64ToBytes(c.signature));
    if (publicKey === undefined || signature === undefined) continue;
    if (await ed25519Verify(publicKey, signature, utf8(cosignatureText(head, c.timestampMs)))) counted.add(key);
  }
  return { valid: counted.size, final: quorum > 0 && counted.size >= quorum };
}

// ------------------------------------------------------------------ evidence bundles

/**
 * Everything a third party needs to check one record, as `zhirong chain proof` writes it and
 * `GET /v1/chain/proofs/records/{type}/{id}` returns it.
 */
export interface EvidenceBundle {
  readonly format: 'zhirong.evidence/v1';
  /** The record body, when the holder has it; its canonical JSON must hash to `leaf.envelope.sha256`. */
  readonly record?: { readonly recordType: string; readonly recordId: string; readonly body: unknown };
  readonly leaf: { readonly index: number; readonly envelope: LeafEnvelope; readonly leafHash: string };
  /** Base64 sibling hashes, leaf to root. */
  readonly inclusionProof: readonly string[];
  readonly head: SignedHead;
  readonly cosignatures?: readonly Cosignature[];
}

export interface VerifyOptions {
  readonly sha256?: Sha256;
  /** Witness public keys (hex) the checker trusts, and how many must have co-signed. */
  readonly witnesses?: { readonly keys: readonly string[]; readonly quorum: number };
}

export interface EvidenceReport {
  readonly ok: boolean;
  /** Each check with its outcome, in the order run. */
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly detail?: string }[];
}

/** Checks an evidence bundle against the log's public key; every check is reported. */
export async function verifyEvidence(
  bundle: EvidenceBundle,
  logPublicKey: Uint8Array,
  options: VerifyOptions = {},
): Promise<EvidenceReport> {
  const sha256 = options.sha256 ?? webCryptoSha256;
  const checks: { name: string; ok: boolean; detail?: string }[] = [];
  const check = (name: string, ok: boolean, detail?: string) => {
    checks.push(detail === undefined ? { name, ok } : { name, ok, detail });
    return ok;
  };
  const finish = (): EvidenceReport => ({ ok: checks.length > 0 && checks.every((c) => c.ok), checks });
  if (bundle?.format !== 'zhirong.evidence/v1' || typeof bundle.leaf !== 'object' || typeof bundle.head !== 'object') {
    check('format', false, 'not a zhirong.evidence/v1 bundle');
    return finish();
  }
  const envelope = bundle.leaf.envelope;
  if (bundle.record !== undefined) {
    const digest = bytesToHex(await sha256(utf8(canonicalJson(bundle.record.body))));
    check(
      'record_matches_leaf',
      digest === envelope?.sha256 &&
        bundle.record.recordType === envelope.recordType &&
        bundle.record.recordId === envelope.recordId,
      `body sha256 ${digest}`,
    );
  }
  const leafHash = await hashLeaf(envelopeBytes(envelope), sha256);
  check('leaf_hash', bytesToHex(leafHash) === String(bundle.leaf.leafHash).toLowerCase());
  check('head_signature', await verifySignedHead(bundle.head, logPublicKey));
  const proof = decodeOrUndefined(() => (bundle.inclusionProof ?? []).map(base64ToBytes));
  const root = decodeOrUndefined(() => base64ToBytes(bundle.head.rootHash));
  check(
    'inclusion',
    proof !== undefined &&
      root !== undefined &&
      (await verifyInclusion(
        { leafIndex: bundle.leaf.index, treeSize: bundle.head.treeSize, leafHash, proof, rootHash: root },
        sha256,
      )),
    `leaf ${bundle.leaf.index} of ${bundle.head.treeSize}`,
  );
  if (options.witnesses) {
    const { valid, final } = await verifyCosignatures(
      bundle.head,
      bundle.cosignatures ?? [],
      options.witnesses.keys,
      options.witnesses.quorum,
    );
    check('witness_quorum', final, `${valid} of ${options.witnesses.quorum} required`);
  }
  return finish();
}
