import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { HttpEscherApi } from '../../../src/core/escher-api/client';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { createScriptManager } from '../../../src/core/script-manager/create';
import type { ScriptManager } from '../../../src/core/script-manager/script-manager';
import { systemClock, type Clock } from '../../../src/core/shared/clock';
import { resolveConfig } from '../../../src/core/shared/config';
import { sha256 } from '../../../src/core/shared/hash';
import { silentLogger } from '../../../src/core/shared/logger';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

/** Shared set-up for the script manager tests: library fixtures, a home, a wired ScriptManager. */

// Shared helpers, re-exported so the script-manager tests keep importing from one place.
export { MemorySecrets, tempDir };

/** Writes an "Escher Library" playbook in the store layout (<dir>/<id>/v<version>/…) for the reference server's --library. */
export async function writeLibraryPlaybook(libDir: string, id: string, version: string, scripts: Record<string, string | Buffer>): Promise<void> {
  const dir = path.join(libDir, id, `v${version}`);
  const entries = [];
  for (const [rel, content] of Object.entries(scripts)) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), bytes);
    entries.push({ format: rel.split('/')[0], path: rel, sha256: sha256(bytes), size: bytes.length });
  }
  const now = '2026-01-01T00:00:00.000Z';
  await fs.writeFile(
    path.join(dir, 'metadata.json'),
    JSON.stringify({
      schema_version: 1,
      playbook_id: id,
      version,
      name: `Library ${id}`,
      description: `Library playbook ${id} for tests`,
      keywords: [],
      cloud_provider: 'aws',
      resource_types: [],
      storage_strategy: 'uploaded_trusted',
      scripts: entries,
      parameters: [],
      source: 'library',
      created_at: now,
      updated_at: now,
    }),
  );
}

export interface ManagerSetup {
  home: string;
  manager: ScriptManager;
  store: PlaybookStore;
}

/** A ScriptManager over a fresh $ESCHER_HOME, talking to `api` (the reference server's client) when given. */
export async function makeManager(
  t: TestContext,
  o: { api?: HttpEscherApi; home?: string; clock?: Clock; cacheMaxSizeMb?: number; cacheTtlDays?: number; retryBaseMs?: number; freshnessDeadlineMs?: number } = {},
): Promise<ManagerSetup> {
  const home = o.home ?? (await tempDir(t, 'escher-home-'));
  const config = resolveConfig({ home, serverUrl: o.api?.serverUrl ?? '', tenantId: 'acme', cacheMaxSizeMb: o.cacheMaxSizeMb ?? 500, cacheTtlDays: o.cacheTtlDays ?? 7 }, {});
  const clock = o.clock ?? systemClock;
  const store = new PlaybookStore({ playbooksDir: config.playbooksDir, secrets: new MemorySecrets(), clock });
  const api = o.api;
  const manager = createScriptManager(config, {
    store,
    server: async () => api,
    logger: silentLogger,
    clock,
    runtimeDir: path.join(home, 'run'),
    download: { retryBaseMs: o.retryBaseMs ?? 5 },
    ...(o.freshnessDeadlineMs !== undefined ? { freshnessDeadlineMs: o.freshnessDeadlineMs } : {}),
  });
  return { home, manager, store };
}

/** Every file under `dir`, relative, sorted (to prove nothing appeared where it should not). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, prefix: string): Promise<void> => {
    let items;
    try {
      items = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const i of items) {
      const rel = prefix ? `${prefix}/${i.name}` : i.name;
      if (i.isDirectory()) await walk(path.join(d, i.name), rel);
      else out.push(rel);
    }
  };
  await walk(dir, '');
  return out.sort();
}
