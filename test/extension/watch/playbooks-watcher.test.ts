import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { PlaybooksWatcher } from '../../../src/extension/watch/playbooks-watcher';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

const input = (id: string) => ({ playbook_id: id, name: id, description: 'd', keywords: [], cloud_provider: 'aws' as const, resource_types: [], scripts: [{ path: 'shell/a.sh', content: 'echo\n' }], area: 'local' as const });

function onDisk(root: string): number {
  try {
    return readdirSync(path.join(root, 'local')).filter((n) => !n.startsWith('.')).length;
  } catch {
    return 0;
  }
}

/** Waits (bounded, real time) until `pred` holds, polling. */
async function until(what: string, pred: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a store another process creates and fills while the watcher starts: the explorer is told after the last playbook lands (it stopped short of a CLI import before)', async (t) => {
  const home = await tempDir(t, 'escher-pw-');
  const root = path.join(home, 'playbooks');
  // What the explorer would list at each report: the playbooks on disk at that moment.
  const seenAtReport: number[] = [];
  const w = new PlaybooksWatcher(root, () => seenAtReport.push(onDisk(root)), 50);
  t.after(() => w.dispose());
  const other = new PlaybookStore({ playbooksDir: root, secrets: new MemorySecrets() });
  const N = 30;
  for (let i = 0; i < N; i++) await other.createPlaybook(input(`pb-${i}`));
  await until(`a report after all ${N} playbooks were written (reports saw ${JSON.stringify(seenAtReport)})`, () => seenAtReport.includes(N));
});

test('a hand edit of a metadata.json is reported with that file, for the diagnostics', async (t) => {
  const home = await tempDir(t, 'escher-pw-');
  const root = path.join(home, 'playbooks');
  const store = new PlaybookStore({ playbooksDir: root, secrets: new MemorySecrets() });
  await store.createPlaybook(input('edited'));
  const reports: Array<ReadonlySet<string>> = [];
  const w = new PlaybooksWatcher(root, (files) => reports.push(files), 50);
  t.after(() => w.dispose());
  // Once its watches are set up it reads again (a report with no file): edit after that.
  await until('the first report, once the watches are set up', () => reports.length > 0);
  const file = path.join(root, 'local', 'edited', 'v1.0.0', 'metadata.json');
  await fs.chmod(file, 0o644);
  await fs.writeFile(file, '{ "half-typed": ');
  await until('a report naming the edited metadata.json', () => reports.some((r) => r.has(file)));
  assert.ok(reports.every((r) => [...r].every((f) => path.basename(f) === 'metadata.json')), 'only metadata.json files are passed on');
});
