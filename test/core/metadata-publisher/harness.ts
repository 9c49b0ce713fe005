import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EscherApi } from '../../../src/core/escher-api/types';
import { MetadataPublisher, type MetadataPublisherOptions } from '../../../src/core/metadata-publisher/publisher';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import type { CreatePlaybookInput } from '../../../src/core/playbook-store/types';
import type { Clock } from '../../../src/core/shared/clock';
import type { SecretStore } from '../../../src/core/shared/secrets';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/** One Escher home (a device): its own store, state and publisher, all talking to `server`. */
export interface TestHome {
  home: string;
  store: PlaybookStore;
  publisher: MetadataPublisher;
  api: EscherApi;
  stateFile: string;
  /** A second publisher over the same home (another process would build one like this). */
  makePublisher(extra?: Partial<MetadataPublisherOptions>): MetadataPublisher;
}

export async function makeHome(
  t: { after(fn: () => Promise<void> | void): void },
  server: TestServer,
  extra: Partial<MetadataPublisherOptions> & { home?: string; storeClock?: Clock; secrets?: SecretStore } = {},
): Promise<TestHome> {
  const home = extra.home ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'escher-pub-home-')));
  if (!extra.home) t.after(() => fs.rm(home, { recursive: true, force: true }));
  const store = new PlaybookStore({
    playbooksDir: path.join(home, 'playbooks'),
    secrets: extra.secrets ?? new MemorySecrets(),
    ...(extra.storeClock ? { clock: extra.storeClock } : {}),
  });
  const api = extra.api && typeof extra.api !== 'function' ? extra.api : server.client();
  const makePublisher = (more: Partial<MetadataPublisherOptions> = {}) =>
    new MetadataPublisher({
      store,
      api,
      syncDir: path.join(home, 'sync'),
      cacheDir: path.join(home, 'cache'),
      tenantId: TEST_TENANT,
      serverUrl: server.url,
      syncEnabled: true,
      syncIntervalMinutes: 5,
      lock: { staleMs: 2000, waitMs: 15_000 },
      ...extra,
      ...more,
    });
  const publisher = makePublisher();
  t.after(() => publisher.stopBackgroundSync());
  return { home, store, publisher, api, stateFile: path.join(home, 'sync', 'sync_state.json'), makePublisher };
}

export function playbookInput(id: string, over: Partial<CreatePlaybookInput> = {}): CreatePlaybookInput {
  return {
    playbook_id: id,
    name: `Playbook ${id}`,
    description: `Stops idle dev resources (${id})`,
    keywords: ['cost', 'dev'],
    cloud_provider: 'aws',
    resource_types: ['rds'],
    storage_strategy: 'uploaded_for_review',
    scripts: [
      { path: 'shell/stop.sh', content: `#!/bin/sh\necho stopping ${id}\n` },
      { path: 'python/stop.py', content: `print("stopping ${id}")\n` },
    ],
    ...over,
  };
}

/** Raw admin/reviewer calls the EscherApi interface does not have (review, field edits). */
export async function serverCall(server: TestServer, method: string, urlPath: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'x-escher-tenant': TEST_TENANT, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Every file under `dir` that contains `needle` (to prove a secret never reached the server). */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && (await fs.readFile(p)).includes(needle)) out.push(p);
    }
  };
  await walk(dir);
  return out;
}
