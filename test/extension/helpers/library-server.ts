import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeLibrary } from '../../e2e/harness/fixtures';
import { startTestServer, type TestServer } from '../../helpers/dev-server';

/** The reference server in-process on 127.0.0.1 with one Escher Library playbook, stopped after the test. */
export async function libraryServer(t: { after(fn: () => Promise<void>): void }): Promise<TestServer> {
  const library = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-ext-library-'));
  await writeLibrary(library);
  const s = await startTestServer({ libraryDir: library });
  t.after(async () => {
    await s.close();
    await fs.rm(library, { recursive: true, force: true });
  });
  return s;
}
