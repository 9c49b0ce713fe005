import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileSecretStore } from '../../../src/core/shared/secret-file';
import { DataKeyProvider } from '../../../src/core/shared/crypto';
import { ConfigError } from '../../../src/core/shared/errors';
import { tempDir } from '../../helpers/temp-dir';

test('secrets live in a 0600 file; environment variables win', async (t) => {
  const home = await tempDir(t);
  const s = new FileSecretStore(home, {});
  assert.equal(await s.get('escher.token'), undefined);
  await s.set('escher.token', 'tok');
  assert.equal(await s.get('escher.token'), 'tok');
  assert.equal((await fs.stat(s.file)).mode & 0o777, 0o600);
  assert.equal(await new FileSecretStore(home, { ESCHER_TOKEN: 'from-env' }).get('escher.token'), 'from-env');
  await s.delete('escher.token');
  assert.equal(await s.get('escher.token'), undefined);
});

test('a secrets file readable by others is refused with the fix in the message', async (t) => {
  const home = await tempDir(t);
  const s = new FileSecretStore(home, {});
  await s.set('escher.token', 'tok');
  for (const mode of [0o644, 0o640, 0o604, 0o660]) {
    await fs.chmod(s.file, mode);
    await assert.rejects(s.get('escher.token'), (e: unknown) => e instanceof ConfigError && e.message.includes(`0${mode.toString(8)}`) && /chmod 600/.test(e.hint ?? ''));
  }
  await fs.chmod(s.file, 0o600);
  await fs.writeFile(s.file, 'not json', { mode: 0o600 });
  await assert.rejects(s.get('escher.token'), /is not a JSON object/);
});

test('the data key is never replaced: concurrent first uses agree on one key', async (t) => {
  const home = await tempDir(t);
  // Eight "processes" (separate store and provider instances) need the key at the same moment.
  const keys = await Promise.all(Array.from({ length: 8 }, () => new DataKeyProvider(new FileSecretStore(home, {})).get({ create: true })));
  const stored = JSON.parse(await fs.readFile(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>;
  assert.ok(stored['escher.dataKey']);
  // Providers that lost the race re-read nothing: they must still end up with the stored key.
  const again = await new DataKeyProvider(new FileSecretStore(home, {})).get({ create: false });
  assert.equal(again.toString('base64'), stored['escher.dataKey']);
  assert.ok(keys.every((k) => k.equals(again)), 'every concurrent first use got the one stored key');
});
