import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import type { CreatePlaybookInput } from '../../../src/core/playbook-store/types';
import type { RunSink } from '../../../src/core/runner/execute';
import { PlaybookRunner, type RunnerOptions } from '../../../src/core/runner/runner';
import type { RunRequest } from '../../../src/core/runner/types';
import { toolBox, type ToolBox } from '../../helpers/fake-tools';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

/** A temp home with a store, a runner whose PATH is the tool box, a working folder and a folder for run folders. */
export interface RunFixture {
  home: string;
  work: string;
  tmp: string;
  store: PlaybookStore;
  runner: PlaybookRunner;
  tools: ToolBox;
  env: NodeJS.ProcessEnv;
  create(input: Omit<CreatePlaybookInput, 'description'> & { description?: string }): Promise<void>;
  /** prepare + plan + execute, collecting what the sink received. */
  run(request: Omit<RunRequest, 'mode' | 'cwd'> & { mode?: RunRequest['mode']; cwd?: string }, options?: { signal?: AbortSignal; confirm?: boolean }): Promise<{ record: Awaited<ReturnType<PlaybookRunner['execute']>>; out: string; notes: string[] }>;
  /** Run folders still present under the fixture's temp root. */
  leftovers(): Promise<string[]>;
}

export async function runFixture(t: TestContext, options: Partial<RunnerOptions> = {}): Promise<RunFixture> {
  const root = await tempDir(t, 'escher-run-test-');
  const home = path.join(root, 'home');
  const work = path.join(root, 'work');
  const tmp = path.join(root, 'tmp');
  await fs.mkdir(work, { recursive: true });
  await fs.mkdir(tmp, { recursive: true });
  const tools = await toolBox(t);
  const env: NodeJS.ProcessEnv = { PATH: tools.path, HOME: root, LANG: 'C.UTF-8', FAKE_RECORD_DIR: tools.recordDir };
  const store = new PlaybookStore({ playbooksDir: path.join(home, 'playbooks'), secrets: new MemorySecrets() });
  const runner = new PlaybookRunner({ store, home, env, tmpDir: tmp, ...options });
  const fx: RunFixture = {
    home,
    work,
    tmp,
    store,
    runner,
    tools,
    env,
    async create(input) {
      await store.createPlaybook({ description: 'test playbook', ...input, enforceContract: true });
    },
    async run(request, opts = {}) {
      const prepared = await runner.prepare({ mode: 'run', cwd: work, ...request });
      const plan = await runner.plan(prepared);
      let out = '';
      const notes: string[] = [];
      const sink: RunSink = { write: (text) => (out += text), note: (text) => notes.push(text), stdin: 'ignore' };
      const record = await runner.execute(plan, sink, { consent: 'test', ...(opts.signal ? { signal: opts.signal } : {}), confirmStep: () => Promise.resolve(opts.confirm ?? true) });
      return { record, out, notes };
    },
    async leftovers() {
      return (await fs.readdir(tmp)).filter((n) => n.startsWith('escher-run-'));
    },
  };
  return fx;
}
