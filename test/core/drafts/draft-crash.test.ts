import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DraftStore } from '../../../src/core/drafts/draft-store';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { FileSecretStore } from '../../../src/core/shared/secret-file';
import { tempDir } from '../../helpers/temp-dir';
import { mulberry32 } from '../../helpers/seeded-random';

const CHILD = path.join(__dirname, 'fixtures', 'commit-child.ts');

/** Runs the child commit; SIGKILLs it `killAfterMs` after it says "start". */
function commitChild(home: string, id: string, killAfterMs: number | undefined): Promise<{ finished: boolean; out: string; ms?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let startedAt: number | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (startedAt === undefined && out.includes('start')) {
        startedAt = Date.now();
        if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      const finished = out.includes('done');
      resolve({ finished, out, ...(finished && startedAt !== undefined ? { ms: Date.now() - startedAt } : {}) });
    });
  });
}

test('draft commit SIGKILLed at random points leaves the old state (draft kept, no new version) or the whole new version; never neither', { timeout: 180_000 }, async (t) => {
  const seed = Number(process.env.ESCHER_CRASH_SEED ?? Date.now() % 100_000);
  t.diagnostic(`seed ${seed} (ESCHER_CRASH_SEED=${seed} replays it)`);
  const random = mulberry32(seed);
  const root = await tempDir(t, 'escher-draft-crash-');
  const outcomes = { old: 0, new: 0, finished: 0 };
  // Kill points are drawn from the time a commit takes on this machine now (measured by round 0,
  // which runs to the end): a quiet machine and a loaded one both get kills all through it.
  let commitMs = 0;
  for (let round = 0; round < 13; round++) {
    const home = path.join(root, `h${round}`);
    const store = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new FileSecretStore(home) });
    const drafts = new DraftStore({ draftsDir: path.join(home, 'drafts'), store });
    const scripts = Array.from({ length: 8 }, (_, i) => ({ path: `shell/s${i}.sh`, content: `echo ${i}\n`.repeat(2000) }));
    await store.createPlaybook({ name: 'Crash', description: 'v1', scripts });
    const d = await drafts.open('crash');
    for (let i = 0; i < 8; i++) await fs.writeFile(path.join(d.dir, 'shell', `s${i}.sh`), `echo new ${i}\n`.repeat(2000));
    const draftBefore = await fs.readFile(path.join(d.dir, 'shell', 's3.sh'), 'utf8');

    const r = await commitChild(home, 'crash', round === 0 ? undefined : Math.floor(random() * commitMs * 1.2));
    if (round === 0) {
      assert.ok(r.finished && r.ms !== undefined, r.out);
      commitMs = Math.max(r.ms, 1);
    } else if (r.finished) outcomes.finished++;
    const fresh = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new FileSecretStore(home) });
    const versions = await fresh.listVersions('crash');
    const draftLeft = await fs.stat(d.dir).then(() => true, () => false);
    if (versions.length === 1) {
      if (round) outcomes.old++;
      assert.deepEqual(versions, ['1.0.0']);
      assert.ok(draftLeft, `round ${round}: no new version, so the draft must still be there (${r.out})`);
      assert.equal(await fs.readFile(path.join(d.dir, 'shell', 's3.sh'), 'utf8'), draftBefore, 'the draft is intact');
      // And the interrupted save can simply be done again.
      assert.equal((await drafts.commit('crash')).metadata.version, '1.0.1');
    } else {
      if (round) outcomes.new++;
      assert.deepEqual(versions, ['1.0.0', '1.0.1'], r.out);
    }
    // Either way: v1.0.1 now exists whole, every file verifies and holds the draft's bytes; v1.0.0 is untouched.
    const v2 = await fresh.getPlaybook('crash', '1.0.1');
    assert.deepEqual(await fresh.findModifiedFiles(v2), []);
    for (let i = 0; i < 8; i++) assert.equal((await fresh.readScript(v2, `shell/s${i}.sh`)).toString(), `echo new ${i}\n`.repeat(2000));
    assert.deepEqual(await fresh.findModifiedFiles(await fresh.getPlaybook('crash', '1.0.0')), []);
    // A draft left behind by a kill after the version was written is refused, not saved twice.
    if (await fs.stat(d.dir).then(() => true, () => false)) await assert.rejects(drafts.commit('crash'), /was written after this draft was made/);
  }
  t.diagnostic(`commit took ${commitMs} ms; outcomes of 12 kills: ${JSON.stringify(outcomes)}`);
  assert.equal(outcomes.old + outcomes.new, 12);
});
