import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { DataKeyProvider, decryptBytes, decryptJson, encryptBytes, encryptJson, generateDataKey, isEncryptedValue, parseDataKey } from '../../../src/core/shared/crypto';
import { CryptoError } from '../../../src/core/shared/errors';
import { MemorySecrets } from '../../helpers/memory-secrets';

const key = randomBytes(32);

test('round-trips bytes and JSON values through the AES-256-GCM envelope', () => {
  const plain = Buffer.from('#!/bin/sh\necho "s3cr3t"\n');
  const env = encryptBytes(key, plain, 'script:shell/a.sh');
  assert.equal(env.$enc, 'aes-256-gcm/v1');
  assert.equal(Buffer.from(env.iv, 'base64').length, 12);
  assert.equal(Buffer.from(env.tag, 'base64').length, 16);
  assert.ok(!Buffer.from(env.ct, 'base64').includes(plain), 'ciphertext must not contain the plaintext');
  assert.deepEqual(decryptBytes(key, env, 'script:shell/a.sh'), plain);
  for (const v of ['hunter2', 42, true, ['a', 'b'], { nested: { x: 1 } }, '']) {
    assert.deepEqual(decryptJson(key, encryptJson(key, v, 'param:p'), 'param:p'), v);
  }
});

test('every record gets a fresh IV: the same value never encrypts the same way twice', () => {
  const ivs = new Set<string>();
  const cts = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const env = encryptJson(key, 'same', 'param:p');
    ivs.add(env.iv);
    cts.add(env.ct + env.tag);
  }
  assert.equal(ivs.size, 200);
  assert.equal(cts.size, 200);
});

test('tampering with any part of the envelope fails loudly with CryptoError', () => {
  const env = encryptBytes(key, Buffer.from('payload that matters'), 'param:x');
  const flip = (b64: string, byte = 0) => {
    const b = Buffer.from(b64, 'base64');
    b[byte] = b[byte]! ^ 0x01;
    return b.toString('base64');
  };
  const cases = {
    ciphertext: { ...env, ct: flip(env.ct, 3) },
    tag: { ...env, tag: flip(env.tag) },
    iv: { ...env, iv: flip(env.iv) },
    truncated: { ...env, ct: Buffer.from(env.ct, 'base64').subarray(1).toString('base64') },
    'short tag': { ...env, tag: Buffer.from(env.tag, 'base64').subarray(0, 12).toString('base64') },
  };
  for (const [what, bad] of Object.entries(cases)) {
    assert.throws(() => decryptBytes(key, bad, 'param:x'), CryptoError, `tampered ${what} must be rejected`);
  }
  assert.throws(() => decryptBytes(key, env, 'param:y'), /failed authentication/, 'an envelope moved to another field must be rejected');
  assert.throws(() => decryptBytes(randomBytes(32), env, 'param:x'), /another key/, 'the wrong key must be rejected');
  assert.throws(() => decryptBytes(key, { iv: env.iv }, 'param:x'), /not an aes-256-gcm\/v1 envelope/);
  assert.throws(() => decryptBytes(key, 'plain text', 'param:x'), CryptoError);
});

test('data keys: generated keys parse; malformed ones are a clear error', () => {
  assert.equal(parseDataKey(generateDataKey(), 'test').length, 32);
  assert.throws(() => parseDataKey('dG9vIHNob3J0', 'ESCHER_KEY'), /ESCHER_KEY is not 32 bytes of base64/);
  assert.throws(() => parseDataKey('not base64 at all!!', 'ESCHER_KEY'), CryptoError);
  assert.ok(isEncryptedValue(encryptJson(key, 1, 'a')));
  assert.ok(!isEncryptedValue({ $enc: 'rot13', iv: '', tag: '', ct: '' }));
});

test('DataKeyProvider creates a key only for writes, and says so clearly when reads have none', async () => {
  const secrets = new MemorySecrets();
  await assert.rejects(new DataKeyProvider(secrets).get({ create: false }), /No data key is configured/);
  assert.equal(secrets.values.size, 0, 'a read must not create a key');
  const k = await new DataKeyProvider(secrets).get({ create: true });
  assert.equal(k.length, 32);
  assert.deepEqual(await new DataKeyProvider(secrets).get({ create: false }), k, 'later readers get the stored key');
});
