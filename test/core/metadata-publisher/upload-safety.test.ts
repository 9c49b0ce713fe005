import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { EscherApi } from '../../../src/core/escher-api/types';
import { startTestServer } from '../../helpers/dev-server';
import { tempDir } from '../../helpers/temp-dir';
import { filesContaining, makeHome, playbookInput } from './harness';

/**
 * What a publish sends: only the bytes metadata.json records, read from files really inside the
 * version folder. A symlink (to a private key of the recorded size, say) or a file edited since
 * it was saved is refused before a single byte of it reaches the server; a sensitive script goes
 * from memory straight into the request, never through a plaintext file on disk.
 */

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n';

const uploads = (s: Awaited<ReturnType<typeof startTestServer>>) => s.server.requests().filter((r) => r.path.startsWith('/api/playbook/upload') && !r.path.includes('check'));

for (const how of ['the script file', 'its format folder'] as const) {
  test(`publish refuses a script reached through a symlink (${how}); no byte of the outside file reaches the server`, async (t) => {
    const s = await startTestServer();
    t.after(() => s.close());
    const h = await makeHome(t, s);
    const body = 'x'.repeat(KEY.length - 1) + '\n'; // the recorded size is the key's size
    const p = await h.store.createPlaybook(playbookInput('leaky', { scripts: [{ path: 'shell/stop.sh', content: body }] }));
    const outside = path.join(h.home, '..', `${path.basename(h.home)}-ssh`);
    t.after(() => fs.rm(outside, { recursive: true, force: true }));
    await fs.mkdir(outside, { recursive: true });
    await fs.writeFile(path.join(outside, 'stop.sh'), KEY);
    if (how === 'the script file') {
      await fs.rm(path.join(p.dir, 'shell', 'stop.sh'));
      await fs.symlink(path.join(outside, 'stop.sh'), path.join(p.dir, 'shell', 'stop.sh'));
    } else {
      await fs.rm(path.join(p.dir, 'shell'), { recursive: true });
      await fs.symlink(outside, path.join(p.dir, 'shell'));
    }
    await assert.rejects(h.publisher.publishMetadata('leaky', { strategy: 'uploaded_for_review' }), /symlink|outside/);
    assert.deepEqual(uploads(s), [], 'no upload request was made');
    assert.deepEqual(await filesContaining(s.dataDir, 'OPENSSH PRIVATE KEY'), [], 'the key is nowhere on the server');
  });
}

test('publish refuses a script edited since it was saved, before uploading it', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const h = await makeHome(t, s);
  const p = await h.store.createPlaybook(playbookInput('edited', { scripts: [{ path: 'shell/stop.sh', content: 'echo safe\n' }] }));
  await fs.writeFile(path.join(p.dir, 'shell', 'stop.sh'), 'echo EVIL\n'); // same size, other bytes
  await assert.rejects(h.publisher.publishMetadata('edited', { strategy: 'uploaded_for_review' }), /does not match/);
  assert.deepEqual(uploads(s), []);
});

test('a sensitive script is uploaded from memory: no plaintext file exists under the home while it is sent', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const home = await tempDir(t, 'escher-pub-home-');
  const secret = 'echo very-secret-body-7f3a\n';
  const inner = s.client();
  // Looks at the whole home at the moment the upload is made: a plaintext scratch file shows up.
  const duringUpload: string[][] = [];
  const api = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'uploadScript') {
        return async (args: Parameters<EscherApi['uploadScript']>[0]) => {
          duringUpload.push(await filesContaining(home, 'very-secret-body'));
          return target.uploadScript(args);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const h = await makeHome(t, s, { home, api });
  await h.store.createPlaybook(playbookInput('sealed', { scripts: [{ path: 'shell/stop.sh', content: secret, sensitive: true }] }));
  const r = await h.publisher.publishMetadata('sealed', { strategy: 'uploaded_trusted' });
  assert.equal(r.status, 'published');
  assert.deepEqual(duringUpload, [[]], 'one upload, and no plaintext copy anywhere in the home while it ran');
  const rec = await s.api.getRecord('sealed');
  const script = rec!.versions[r.version]!.metadata.scripts[0]!;
  const ticket = await s.api.requestDownload(script.s3_path!);
  assert.equal(await (await fetch(ticket.url)).text(), secret, 'the server got the plaintext');
});

test('plaintext an older version left in cache/metadata/.upload-scratch (killed mid-upload) is removed by the next sync', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  const home = await tempDir(t, 'escher-pub-home-');
  const scratch = path.join(home, 'cache', 'metadata', '.upload-scratch');
  await fs.mkdir(scratch, { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(scratch, `${'a'.repeat(64)}-4242`), 'echo very-secret-body-7f3a\n', { mode: 0o600 });
  const h = await makeHome(t, s, { home });
  await h.publisher.syncAllMetadata();
  await assert.rejects(fs.lstat(scratch), /ENOENT/);
  assert.deepEqual(await filesContaining(home, 'very-secret-body'), []);
});
