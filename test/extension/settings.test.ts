import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../../src/core/shared/config';
import { configOverridesFromSettings } from '../../src/extension/settings';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

test('empty settings leave every default to the core, so the CLI and the extension share ~/.escher', () => {
  const env = { ESCHER_HOME: '/srv/escher' };
  const cfg = resolveConfig(configOverridesFromSettings(reader({ 'playbooksDir': '', 'server.url': '  ', 'cache.maxSizeMb': 500 })), env);
  assert.equal(cfg.home, path.resolve('/srv/escher'));
  assert.equal(cfg.playbooksDir, path.resolve('/srv/escher/playbooks'));
  assert.equal(cfg.cacheMaxSizeMb, 500);
  assert.equal(cfg.cacheTtlDays, 7);
  assert.equal(cfg.syncIntervalMinutes, 5);
  assert.equal(cfg.serverUrl, '');
  assert.equal(cfg.search.embeddingModel, 'use-lite');
});

test('settings map onto PlaybookConfig, with ~ expanded and a trailing slash dropped from the URL', () => {
  const o = configOverridesFromSettings(
    reader({
      home: '~/work/escher',
      playbooksDir: '~/pb',
      cacheDir: 'relative/cache',
      'cache.maxSizeMb': 100,
      'cache.ttlDays': 0,
      'sync.enabled': false,
      'sync.intervalMinutes': 15,
      'server.url': 'https://escher.example.com/',
      tenantId: 'acme',
      'search.qdrantUrl': 'http://localhost:6333',
      'search.embeddingModel': 'hf:Xenova/all-MiniLM-L6-v2',
      'search.allowRemoteModels': true,
    }),
    '/home/u',
  );
  assert.deepEqual(o, {
    home: '/home/u/work/escher',
    playbooksDir: '/home/u/pb',
    cacheDir: '/home/u/relative/cache',
    cacheMaxSizeMb: 100,
    cacheTtlDays: 0,
    syncEnabled: false,
    syncIntervalMinutes: 15,
    serverUrl: 'https://escher.example.com',
    tenantId: 'acme',
    search: { qdrantUrl: 'http://localhost:6333', embeddingModel: 'hf:Xenova/all-MiniLM-L6-v2', allowRemoteModels: true },
  });
});

test('nonsense values (negative sizes, strings for numbers) fall back to defaults instead of breaking the service', () => {
  const o = configOverridesFromSettings(reader({ 'cache.maxSizeMb': -5, 'cache.ttlDays': 'seven', 'sync.intervalMinutes': 0, 'sync.enabled': 'yes' }));
  assert.deepEqual(o, {});
});
