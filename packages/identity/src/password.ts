import type { Algorithm } from '@node-rs/argon2';

/** The native binding is loaded on first use, so CLI commands that never hash do not load it. */
const argon2 = () => import('@node-rs/argon2');

/**
 * Password hashing with argon2id (RFC 9106) through `@node-rs/argon2`, a prebuilt native binding:
 * the hashing runs on libuv's thread pool, off the event loop. The parameters are OWASP's first
 * recommendation for argon2id (19 MiB, 2 passes, 1 lane): about 50 ms per hash on one core.
 * Each hash string carries its own parameters and salt, so they can be raised later and old
 * hashes still verify.
 */
export const ARGON2_OPTIONS = Object.freeze({
  // Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot read as a value).
  algorithm: 2 as Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/** The cost of new hashes. Production uses ARGON2_OPTIONS; tests may pass a cheaper one (never lower in production). */
export interface PasswordCost {
  /** KiB of memory. */
  readonly memoryCost: number;
  /** Passes over the memory. */
  readonly timeCost: number;
}

export async function hashPassword(password: string, cost: PasswordCost = ARGON2_OPTIONS): Promise<string> {
  const { hash } = await argon2();
  return hash(password, { ...ARGON2_OPTIONS, memoryCost: cost.memoryCost, timeCost: cost.timeCost });
}

/** False for a wrong password and for a malformed hash (never throws for bad input). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    const { verify } = await argon2();
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
