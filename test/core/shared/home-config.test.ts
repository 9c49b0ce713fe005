import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../../src/core/shared/errors';
import { readHomeSettings, saveHomeSettings } from '../../../src/core/shared/home-config';
import { tempDir } from '../../helpers/temp-dir';

test('config.json: saved settings merge into what is there, keys this version does not know are kept', async (t) => {
  const home = await tempDir(t);
  assert.deepEqual(readHomeSettings(home, {}), {}, 'no file: no overrides');
  await fs.writeFile(path.join(home, 'config.json'), JSON.stringify({ serverUrl: 'https://old.example.com', futureKey: { a: 1 } }));
  await saveHomeSettings(home, { tenantId: 'acme' });
  await saveHomeSettings(home, { serverUrl: 'https://new.example.com' });
  assert.deepEqual(JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8')), { serverUrl: 'https://new.example.com', futureKey: { a: 1 }, tenantId: 'acme' });
  assert.deepEqual(readHomeSettings(home, {}), { serverUrl: 'https://new.example.com', tenantId: 'acme' });
});

test('config.json: an environment variable beats the file, field by field; wrongly typed fields are ignored', async (t) => {
  const home = await tempDir(t);
  await fs.writeFile(path.join(home, 'config.json'), JSON.stringify({ serverUrl: 'https://file.example.com', tenantId: 7 }));
  assert.deepEqual(readHomeSettings(home, { ESCHER_SERVER_URL: 'https://env.example.com' }), {});
  assert.deepEqual(readHomeSettings(home, { ESCHER_TENANT_ID: 'acme' }), { serverUrl: 'https://file.example.com' });
});

test('config.json that is not a JSON object is a ConfigError naming the file, and is never overwritten', async (t) => {
  const home = await tempDir(t);
  const file = path.join(home, 'config.json');
  for (const text of ['{"serverUrl": ', '[1, 2]', 'null']) {
    await fs.writeFile(file, text);
    assert.throws(() => readHomeSettings(home, {}), (e: unknown) => e instanceof ConfigError && e.message.startsWith(file) && e.hint === 'fix or delete it');
    await assert.rejects(saveHomeSettings(home, { tenantId: 'acme' }), ConfigError);
    assert.equal(await fs.readFile(file, 'utf8'), text, 'what the user had is untouched');
  }
});
