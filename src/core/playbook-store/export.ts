import { type DataKeyProvider, encryptBytes } from '../shared/crypto';
import type { PlaybookSpec, ScriptSpec } from './bundle';
import type { ParameterSpec } from './metadata';
import { bundleParamAad, bundleScriptAad, decryptParameters, hasEncryptedDefaults } from './sensitive';
import type { Playbook } from './types';

/**
 * One version as a bundle spec (bundle.ts, the import format): scripts as text (base64 when not
 * UTF-8), each read through `readScript` so it is verified on the way out; sensitive scripts and
 * defaults re-sealed under the data key for the bundle (AAD without a playbook id: an import may
 * give the playbook another id), so a bundle imports only where the same key is configured.
 */
export async function exportSpec(playbook: Playbook, readScript: (p: Playbook, scriptPath: string) => Promise<Buffer>, keys: DataKeyProvider): Promise<PlaybookSpec> {
  const m = playbook.metadata;
  const scripts: Record<string, ScriptSpec> = {};
  for (const entry of m.scripts) {
    const plain = await readScript(playbook, entry.path);
    if (entry.sensitive) scripts[entry.path] = { sensitive: true, encrypted: encryptBytes(await keys.get({ create: false }), plain, bundleScriptAad(entry.path)) };
    else {
      const text = plain.toString('utf8');
      scripts[entry.path] = Buffer.from(text, 'utf8').equals(plain) ? text : { base64: plain.toString('base64') };
    }
  }
  return {
    playbook_id: m.playbook_id,
    version: m.version,
    name: m.name,
    description: m.description,
    keywords: m.keywords,
    cloud_provider: m.cloud_provider,
    resource_types: m.resource_types,
    storage_strategy: m.storage_strategy,
    source: m.source,
    parameters: hasEncryptedDefaults(m.parameters) ? bundleParameters(m.parameters, await keys.get({ create: false }), m.playbook_id).map((p) => ({ ...p })) : m.parameters.map((p) => ({ ...p })),
    scripts,
  };
}

function bundleParameters(parameters: readonly ParameterSpec[], key: Buffer, playbookId: string): ParameterSpec[] {
  return decryptParameters(parameters, key, playbookId).map((p, i) =>
    p.sensitive && p.default !== undefined && parameters[i]!.default !== p.default ? { ...p, default: encryptBytes(key, Buffer.from(JSON.stringify(p.default), 'utf8'), bundleParamAad(p.name)) } : p,
  );
}
