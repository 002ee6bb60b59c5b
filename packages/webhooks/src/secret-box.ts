import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { assert, err, ok, type Result, type Rng } from '@zhirong/kernel';

/**
 * Encrypts webhook signing secrets at rest with AES-256-GCM under a key from the configuration
 * (`ZHIRONG_WEBHOOKS_SECRET_KEY`). The row it belongs to is bound in as associated data, so a
 * sealed secret copied onto another endpoint does not open. Without a key, secrets are stored in
 * plain text with a `plain:` marker (and the module logs a warning at start); a key added later
 * still reads those, and newly written secrets are sealed.
 *
 * Sealed form: `v1:<key id>:<iv>:<ciphertext>:<tag>` (base64url parts; key id = first 8 hex of the
 * key's SHA-256), so a key mix-up is reported as such rather than as a corrupt value.
 */
export class SecretBox {
  readonly #key: Buffer | undefined;
  readonly #keyId: string | undefined;
  readonly #rng: Rng;

  constructor(keyBase64: string | undefined, rng: Rng) {
    this.#rng = rng;
    if (keyBase64 === undefined) return;
    const key = Buffer.from(keyBase64, 'base64');
    assert(key.length === 32, 'the webhook secret key must be 32 bytes');
    this.#key = key;
    this.#keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  get encrypting(): boolean {
    return this.#key !== undefined;
  }

  seal(plaintext: string, context: string): string {
    if (this.#key === undefined || this.#keyId === undefined) return `plain:${plaintext}`;
    const iv = Buffer.from(this.#rng.bytes(12));
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'v1',
      this.#keyId,
      iv.toString('base64url'),
      ciphertext.toString('base64url'),
      tag.toString('base64url'),
    ].join(':');
  }

  open(sealed: string, context: string): Result<string, 'key_missing' | 'key_mismatch' | 'corrupt'> {
    if (sealed.startsWith('plain:')) return ok(sealed.slice('plain:'.length));
    const parts = sealed.split(':');
    if (parts.length !== 5 || parts[0] !== 'v1') return err('corrupt');
    const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
    if (this.#key === undefined) return err('key_missing');
    if (keyId !== this.#keyId) return err('key_mismatch');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return ok(
        Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8'),
      );
    } catch {
      return err('corrupt');
    }
  }
}
