import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptedValue } from '../playbook-store/metadata';
import { CryptoError } from './errors';
import type { SecretStore } from './secrets';

/**
 * Encryption at rest for sensitive parameter defaults and scripts.
 *
 * Envelope (JSON, also the on-disk form of a sensitive script file), matching the `encrypted`
 * definition of schemas/metadata.schema.json:
 *   { "$enc": "aes-256-gcm/v1", "iv": base64(12 bytes), "tag": base64(16 bytes), "ct": base64 }
 * A fresh random IV per record (never reused with the same key: 2^-96 collision odds per pair).
 * The AAD binds a ciphertext to what it is and where it belongs (the store's AADs name the
 * playbook and the field: playbook-store/sensitive.ts), so an envelope copied into another field
 * or another playbook fails authentication instead of decrypting into the wrong place. The key (32 random bytes, base64) lives outside the store in the SecretStore under
 * `escher.dataKey`; the CLI also accepts it from ESCHER_KEY.
 */
export const ENVELOPE_TAG = 'aes-256-gcm/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export function isEncryptedValue(v: unknown): v is EncryptedValue {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return o.$enc === ENVELOPE_TAG && typeof o.iv === 'string' && typeof o.tag === 'string' && typeof o.ct === 'string';
}

export function encryptBytes(key: Buffer, plaintext: Uint8Array, aad: string): EncryptedValue {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { $enc: ENVELOPE_TAG, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
}

/** Throws CryptoError when the envelope is malformed, the key is wrong or any byte was changed. */
export function decryptBytes(key: Buffer, envelope: unknown, aad: string): Buffer {
  assertKey(key);
  if (!isEncryptedValue(envelope)) throw new CryptoError(`Encrypted value for ${aad} is not an ${ENVELOPE_TAG} envelope`);
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new CryptoError(`Encrypted value for ${aad} has a malformed IV or tag`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64')), decipher.final()]);
  } catch (e) {
    throw new CryptoError(`Encrypted value for ${aad} failed authentication: it was tampered with or encrypted with another key`, {
      hint: 'the data key in use is not the one this store was written with',
      hintCode: 'data-key-mismatch',
      cause: e,
    });
  }
}

export function encryptJson(key: Buffer, value: unknown, aad: string): EncryptedValue {
  return encryptBytes(key, Buffer.from(JSON.stringify(value), 'utf8'), aad);
}

export function decryptJson(key: Buffer, envelope: unknown, aad: string): unknown {
  const bytes = decryptBytes(key, envelope, aad);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (e) {
    throw new CryptoError(`Encrypted value for ${aad} does not hold JSON`, { cause: e });
  }
}

export function generateDataKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

export function parseDataKey(b64: string, origin: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== b64.trim()) {
    throw new CryptoError(`The data key from ${origin} is not 32 bytes of base64`, {
      hint: 'use the key this store was written with; only for a fresh store, make one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"',
    });
  }
  return key;
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new CryptoError('AES-256-GCM needs a 32-byte key');
}

/**
 * Fetches (and, for writes, creates on first need) the data key from the SecretStore. Reads never
 * create a key: data encrypted under a lost key cannot be decrypted by a new one, and saying so
 * is better than silently generating garbage.
 */
export class DataKeyProvider {
  private cached: Buffer | undefined;

  constructor(private readonly secrets: SecretStore) {}

  /** The key when one is configured, undefined when none is (a malformed one still throws). */
  async peek(): Promise<Buffer | undefined> {
    if (this.cached) return this.cached;
    return (await this.secrets.get('escher.dataKey')) === undefined ? undefined : this.get({ create: false });
  }

  async get(options: { create: boolean }): Promise<Buffer> {
    if (this.cached) return this.cached;
    const stored = await this.secrets.get('escher.dataKey');
    if (stored) {
      this.cached = parseDataKey(stored, 'the secret store (escher.dataKey; ESCHER_KEY for the CLI)');
      return this.cached;
    }
    if (!options.create) {
      throw new CryptoError('No data key is configured, so sensitive values cannot be decrypted', {
        hint: 'provide the data key this store was written with',
        hintCode: 'data-key-missing',
      });
    }
    // Another process may create the key at the same moment. The stores keep the first key
    // written (the CLI's file store never replaces a data key), so read back what won.
    await this.secrets.set('escher.dataKey', generateDataKey());
    const winner = await this.secrets.get('escher.dataKey');
    if (!winner) throw new CryptoError('The secret store did not keep the new data key', { hint: 'check that the Escher home folder is writable' });
    this.cached = parseDataKey(winner, 'the secret store (escher.dataKey; ESCHER_KEY for the CLI)');
    return this.cached;
  }
}
