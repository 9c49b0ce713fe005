import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

/**
 * Settings a workspace must not control: where playbooks and the cache live, which server and
 * tenant receive them, which embedding model runs (and whether one may be downloaded), how much
 * disk the cache takes. Each is `machine`-scoped — settable in User settings (and, in a remote
 * window, in the Remote settings of that machine), never by a workspace or folder — and listed in
 * `restrictedConfigurations`, so even a host that let a workspace value through ignores it in
 * Restricted Mode. (`machine-overridable` would let a workspace override it; `application` cannot
 * be set for a remote machine.)
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

test('settings a workspace must not control are machine-scoped and restricted in untrusted workspaces', () => {
  const props = pkg.contributes.configuration.properties;
  const restricted = new Set(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations);
  const wrong = PROTECTED.filter((k) => !props[k] || props[k]!.scope !== 'machine' || !restricted.has(k)).map((k) => `${k}: scope ${String(props[k]?.scope ?? 'window (default)')}, ${restricted.has(k) ? 'restricted' : 'not restricted'}`);
  assert.deepEqual(wrong, []);
});
