import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../../src/core/shared/config';
import { saveHomeSettings } from '../../src/core/shared/home-config';
import { configOverridesFromSettings, groupBySetting, resolveExtensionConfig } from '../../src/extension/settings';
import { tempDir } from '../helpers/temp-dir';

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

test('the server and tenant `escher-playbook login` saved reach the extension; a setting, when set, wins', async (t) => {
  const home = await tempDir(t);
  await saveHomeSettings(home, { serverUrl: 'https://from-login.example.com', tenantId: 'acme' });
  const env = { ESCHER_HOME: home };
  const fromLogin = resolveExtensionConfig(reader({ 'server.url': '', tenantId: '' }), env);
  assert.deepEqual([fromLogin.config.serverUrl, fromLogin.config.tenantId, fromLogin.problem], ['https://from-login.example.com', 'acme', undefined]);
  const fromSettings = resolveExtensionConfig(reader({ 'server.url': 'https://from-settings.example.com/' }), env);
  assert.deepEqual([fromSettings.config.serverUrl, fromSettings.config.tenantId], ['https://from-settings.example.com', 'acme']);
  // The environment beats the file, as in the CLI.
  assert.equal(resolveExtensionConfig(reader({}), { ...env, ESCHER_SERVER_URL: 'https://from-env.example.com' }).config.serverUrl, 'https://from-env.example.com');
  // escher.home decides which config.json is read.
  const other = await tempDir(t);
  assert.equal(resolveExtensionConfig(reader({ home: other }), env).config.serverUrl, '');
});

test('a broken config.json is reported and left out; the settings still apply', async (t) => {
  const home = await tempDir(t);
  await fs.writeFile(path.join(home, 'config.json'), '{"serverUrl": ');
  const { config, problem } = resolveExtensionConfig(reader({ tenantId: 'acme' }), { ESCHER_HOME: home });
  assert.deepEqual([config.serverUrl, config.tenantId, config.home], ['', 'acme', home]);
  assert.match(problem ?? '', new RegExp(`${path.join(home, 'config.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON \\(fix or delete it\\)`));
});

interface SettingSchema {
  scope?: string;
}
const manifestSettings = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, SettingSchema> } } }).contributes.configuration.properties;

test('no Escher setting can be set by a workspace, and the server and tenant live where remote windows show them', () => {
  // window/resource (the default) and machine-overridable let a workspace's .vscode/settings.json
  // win: a cloned project could then redirect the token, the Qdrant URL or the model download.
  for (const [key, s] of Object.entries(manifestSettings)) assert.ok(s.scope === 'application' || s.scope === 'machine', `${key}: scope ${String(s.scope)}`);
  // application: on the User tab in every window, local or remote (machine ones appear only on a remote window's Remote tab).
  for (const key of ['escher.server.url', 'escher.tenantId', 'escher.explorer.groupBy']) assert.equal(manifestSettings[key]?.scope, 'application', key);
  // machine: paths and limits of the machine where the playbooks are.
  for (const key of ['escher.home', 'escher.playbooksDir', 'escher.cacheDir', 'escher.cache.maxSizeMb', 'escher.search.qdrantUrl', 'escher.search.localModelPath']) assert.equal(manifestSettings[key]?.scope, 'machine', key);
});

test('the explorer grouping setting: by cloud unless it names another known grouping', () => {
  assert.equal(groupBySetting(reader({})), 'cloud');
  assert.equal(groupBySetting(reader({ 'explorer.groupBy': 'flat' })), 'flat');
  assert.equal(groupBySetting(reader({ 'explorer.groupBy': 'resourceType' })), 'resourceType');
  assert.equal(groupBySetting(reader({ 'explorer.groupBy': 'by-mood' })), 'cloud');
});
