import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

/**
 * Settings a workspace must not control: where playbooks and the cache live, which server and
 * tenant receive them, which embedding model runs (and whether one may be downloaded), how much
 * disk the cache takes. Each is `machine`-scoped (paths and limits of the machine the playbooks
 * live on: User settings, or in a remote window the Remote settings of that machine) or
 * `application`-scoped (the server and tenant: User settings, also in a remote window, where
 * Connect writes them) — never settable by a workspace or folder — and listed in
 * `restrictedConfigurations`, so even a host that let a workspace value through ignores it in
 * Restricted Mode. (`machine-overridable`, `window` and `resource` would let a workspace set it.)
 */
const PROTECTED = [
  'escher.home',
  'escher.playbooksDir',
  'escher.cacheDir',
  'escher.cache.maxSizeMb',
  'escher.server.url',
  'escher.tenantId',
  'escher.search.qdrantUrl',
  'escher.search.embeddingModel',
  'escher.search.localModelPath',
  'escher.search.allowRemoteModels',
];

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
};

test('settings a workspace must not control are machine- or application-scoped and restricted in untrusted workspaces', () => {
  const props = pkg.contributes.configuration.properties;
  const restricted = new Set(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations);
  const wrong = PROTECTED.filter((k) => !props[k] || !['machine', 'application'].includes(props[k]!.scope ?? 'window') || !restricted.has(k)).map((k) => `${k}: scope ${String(props[k]?.scope ?? 'window (default)')}, ${restricted.has(k) ? 'restricted' : 'not restricted'}`);
  assert.deepEqual(wrong, []);
});
