import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Rng } from '@zhirong/kernel';
import { sha256 } from './merkle.ts';
import { bytesToHex } from './verifier/verifier.ts';

/**
 * Ed25519 keys of the log and of witnesses (@noble/curves). A key file holds the 32-byte secret
 * seed as hex on one line, readable by its owner only (0600). The log id is the hex SHA-256 of
 * the raw public key.
 */
export interface SigningKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  /** Hex SHA-256 of the public key. */
  readonly keyId: string;
  sign(message: Uint8Array): Uint8Array;
}

export function signingKeyFromSeed(seed: Uint8Array): SigningKey {
  if (seed.length !== 32) throw new Error('an Ed25519 seed has 32 bytes');
  const secretKey = Uint8Array.from(seed);
  const publicKey = ed25519.getPublicKey(secretKey);
  return {
    secretKey,
    publicKey,
    keyId: bytesToHex(sha256(publicKey)),
    sign: (message) => ed25519.sign(message, secretKey),
  };
}

export function ed25519Verify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

const KEY_LINE = /^[0-9a-f]{64}$/;

/** Reads a key file, or creates it (with a fresh seed from `rng`) when it does not exist. */
export function loadOrCreateKey(file: string, rng: Rng): SigningKey {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${bytesToHex(rng.bytes(6))}.tmp`;
    writeFileSync(temporary, `${bytesToHex(rng.bytes(32))}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(temporary, 0o600);
    // Another process may have created it meanwhile: the first rename wins only if none exists.
    if (!existsSync(file)) renameSync(temporary, file);
  }
  return readKey(file);
}

export function readKey(file: string): SigningKey {
  const text = readFileSync(file, 'utf8').trim();
  if (!KEY_LINE.test(text)) throw new Error(`${file} is not an Ed25519 key file (64 hex characters)`);
  return signingKeyFromSeed(Uint8Array.from(Buffer.from(text, 'hex')));
}
