import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PlaybookStore } from '../../src/core/playbook-store/store';
import { encryptBytes } from '../../src/core/shared/crypto';
import { MemorySecrets } from './memory-secrets';

/**
 * What an ordinary (non-root) user's store does with read-only version files: run as that user
 * by read-only-versions.test.ts (root ignores file modes, so the test cannot check this in its
 * own process). Prints one JSON line of what each step gave.
 */
async function main(playbooksDir: string): Promise<void> {
  const secrets = new MemorySecrets();
  const store = new PlaybookStore({ playbooksDir, secrets });
  const out: Record<string, unknown> = {};
  const attempt = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
      out[name] = 'ok';
    } catch (e) {
      out[name] = (e as NodeJS.ErrnoException).code ?? String(e);
    }
  };
  const v1 = await store.createPlaybook({
    name: 'Stop VMs',
    description: 'd',
    scripts: [{ path: 'shell/stop.sh', content: 'echo stop\n' }, { path: 'python/token.py', content: 'T = 1\n', sensitive: true }],
  });
  await attempt('appendScript', () => fs.appendFile(path.join(v1.dir, 'shell', 'stop.sh'), 'rm -rf /\n'));
  await attempt('writeMetadata', () => fs.writeFile(path.join(v1.dir, 'metadata.json'), '{}'));
  await attempt('openForWrite', async () => (await fs.open(path.join(v1.dir, 'python', 'token.py'), 'r+')).close());
  await attempt('update', () => store.updatePlaybook('stop-vms', { description: 'e' }));
  await attempt('moveToSynced', () => store.movePlaybook('stop-vms', 'synced'));
  await attempt('moveBack', () => store.movePlaybook('stop-vms', 'local'));
  await attempt('deleteVersion', () => store.deletePlaybook('stop-vms', '1.0.0'));
  // A sealed script in the older format (replaced, not edited: the folder is writable), re-sealed in place by doctor.
  const v2 = await store.getPlaybook('stop-vms');
  const key = Buffer.from((await secrets.get('escher.dataKey'))!, 'base64');
  const legacy = path.join(v2.dir, 'python', 'token.py');
  await fs.rm(legacy);
  await fs.writeFile(legacy, JSON.stringify(encryptBytes(key, Buffer.from('T = 1\n'), 'script:python/token.py')), { mode: 0o444 });
  await attempt('doctorRepair', async () => {
    const r = await store.doctor({ repair: true });
    if (!r.issues.some((i) => i.kind === 'seal' && i.repaired)) throw new Error(`nothing re-sealed: ${JSON.stringify(r.issues)}`);
  });
  await attempt('readAfterRepair', async () => {
    if ((await store.readScript(await store.getPlaybook('stop-vms'), 'python/token.py')).toString() !== 'T = 1\n') throw new Error('wrong bytes');
  });
  out.modeAfterRepair = ((await fs.stat(legacy)).mode & 0o777).toString(8);
  await attempt('deletePlaybook', () => store.deletePlaybook('stop-vms'));
  out.left = (await store.listPlaybooks()).length;
  process.stdout.write(JSON.stringify(out) + '\n');
}

main(process.argv[2]!).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
