import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { PlaybookMetadata } from '../../../src/core/playbook-store/metadata';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { decryptBytes, decryptJson, encryptBytes, encryptJson, generateDataKey, parseDataKey } from '../../../src/core/shared/crypto';
import { CryptoError } from '../../../src/core/shared/errors';
import { sha256 } from '../../../src/core/shared/hash';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

/**
 * A sealed value (AES-GCM envelope) is bound to its playbook as well as to its field: an
 * envelope copied into another playbook — even with that playbook's metadata edited to expect
 * it — fails loudly instead of decrypting there. Envelopes written before the binding (AAD
 * "script:<path>" / "param:<name>") still read, are re-sealed by the next write, and
 * `doctor --repair` re-seals them in place.
 */

const SECRET_SCRIPT = 'export DB_PASSWORD=alpha-only-secret\n';
const SECRET_DEFAULT = 'alpha-default-secret';

async function setup(t: Parameters<typeof tempDir>[0]) {
  const dir = path.join(await tempDir(t, 'escher-seal-'), 'playbooks');
  const keyB64 = generateDataKey();
  const store = new PlaybookStore({ playbooksDir: dir, secrets: new MemorySecrets({ 'escher.dataKey': keyB64 }) });
  const input = (name: string, body: string, secret: string) => ({
    name,
    description: '',
    parameters: [{ name: 'db_password', type: 'string' as const, sensitive: true, default: secret }],
    scripts: [{ path: 'shell/run.sh', content: body, sensitive: true }],
  });
  const alpha = await store.createPlaybook(input('Alpha', SECRET_SCRIPT, SECRET_DEFAULT));
  const beta = await store.createPlaybook(input('Beta', 'echo beta\n', 'beta-default'));
  return { dir, store, key: parseDataKey(keyB64, 'test'), alpha, beta };
}

const readMeta = async (dir: string) => JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')) as PlaybookMetadata;
const writeMeta = (dir: string, m: PlaybookMetadata) => fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(m, null, 2) + '\n');

test('a sealed script copied into another playbook (metadata edited to match) fails loudly instead of decrypting', async (t) => {
  const { store, alpha, beta } = await setup(t);
  await fs.copyFile(path.join(alpha.dir, 'shell', 'run.sh'), path.join(beta.dir, 'shell', 'run.sh'));
  const m = await readMeta(beta.dir);
  m.scripts[0]!.sha256 = sha256(SECRET_SCRIPT);
  m.scripts[0]!.size = Buffer.byteLength(SECRET_SCRIPT);
  await writeMeta(beta.dir, m);
  const moved = await store.getPlaybook('beta');
  await assert.rejects(store.readScript(moved, 'shell/run.sh'), (e: unknown) => e instanceof CryptoError && /failed authentication/.test(e.message) && /another playbook/.test(e.message));
  await assert.rejects(store.exportSpec(moved), CryptoError);
});

test('a sealed parameter default copied into another playbook fails loudly instead of decrypting', async (t) => {
  const { store, alpha, beta } = await setup(t);
  const fromAlpha = (await readMeta(alpha.dir)).parameters[0]!.default;
  const m = await readMeta(beta.dir);
  m.parameters[0]!.default = fromAlpha;
  await writeMeta(beta.dir, m);
  await assert.rejects(store.revealParameters(await store.getPlaybook('beta')), (e: unknown) => e instanceof CryptoError && /another playbook/.test(e.message));
  assert.deepEqual(
    (await store.revealParameters(await store.getPlaybook('alpha'))).map((p) => p.default),
    [SECRET_DEFAULT],
    'where it belongs, it still decrypts',
  );
});

test('envelopes sealed before the playbook id was bound still read; the next write re-seals them; doctor --repair re-seals in place', async (t) => {
  const { dir, store, key, alpha } = await setup(t);
  // Rewrite alpha v1.0.0 the way older versions sealed it: AAD without the playbook id.
  await fs.writeFile(path.join(alpha.dir, 'shell', 'run.sh'), JSON.stringify(encryptBytes(key, Buffer.from(SECRET_SCRIPT), 'script:shell/run.sh')));
  const m = await readMeta(alpha.dir);
  m.parameters[0]!.default = encryptJson(key, SECRET_DEFAULT, 'param:db_password');
  await writeMeta(alpha.dir, m);

  // Old envelopes still read.
  const old = await store.getPlaybook('alpha');
  assert.equal((await store.readScript(old, 'shell/run.sh')).toString(), SECRET_SCRIPT);
  assert.deepEqual((await store.revealParameters(old)).map((p) => p.default), [SECRET_DEFAULT]);
  // doctor names them, and changes nothing without --repair.
  const before = await store.doctor();
  assert.deepEqual(before.issues.filter((i) => i.kind === 'seal').map((i) => path.basename(i.path)).sort(), ['metadata.json', 'run.sh']);
  assert.ok(before.issues.every((i) => i.kind === 'seal' && !i.repaired), JSON.stringify(before.issues));

  // The next write (a new version) carries them re-sealed under the new AAD.
  const v2 = await store.updatePlaybook('alpha', { description: 'edited' });
  assertBound(key, v2.dir, 'alpha', await fs.readFile(path.join(v2.dir, 'shell', 'run.sh')), v2.metadata);
  assert.equal((await store.readScript(v2, 'shell/run.sh')).toString(), SECRET_SCRIPT);

  // doctor --repair re-seals v1.0.0 in place, and leaves nothing to report.
  const repaired = await store.doctor({ repair: true });
  assert.deepEqual(repaired.issues.filter((i) => i.kind === 'seal').map((i) => [path.basename(i.path), i.repaired]).sort(), [['metadata.json', true], ['run.sh', true]]);
  const v1 = await store.getPlaybook('alpha', '1.0.0');
  assertBound(key, v1.dir, 'alpha', await fs.readFile(path.join(v1.dir, 'shell', 'run.sh')), v1.metadata);
  assert.equal((await store.readScript(v1, 'shell/run.sh')).toString(), SECRET_SCRIPT);
  for (const f of ['shell/run.sh', 'metadata.json']) assert.equal((await fs.stat(path.join(v1.dir, f))).mode & 0o777, 0o444, `${f} is read-only again after its re-seal`);
  assert.deepEqual((await store.doctor()).issues, []);
  assert.ok(dir);
});

/** The envelopes on disk decrypt under the id-bound AAD and no longer under the old one. */
function assertBound(key: Buffer, dir: string, id: string, scriptFile: Buffer, meta: PlaybookMetadata): void {
  const env = JSON.parse(scriptFile.toString('utf8')) as unknown;
  assert.equal(decryptBytes(key, env, `playbook:${id}/script:shell/run.sh`).toString(), SECRET_SCRIPT, dir);
  assert.throws(() => decryptBytes(key, env, 'script:shell/run.sh'), CryptoError);
  const def = meta.parameters[0]!.default;
  assert.equal(decryptJson(key, def, `playbook:${id}/param:db_password`), SECRET_DEFAULT);
  assert.throws(() => decryptJson(key, def, 'param:db_password'), CryptoError);
}
