import { promises as fs } from 'node:fs';
import { decryptBytes } from '../shared/crypto';
import { IntegrityError, NotFoundError, ValidationError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import { assertRealpathInside, resolveInside, validateRelativePath } from '../shared/safe-path';
import { SCRIPT_FORMATS, type ScriptEntry, type ScriptFormat } from './metadata';
import { encryptScript, scriptAad } from './sensitive';
import type { Playbook, ScriptInput, UpdatePlaybookInput } from './types';
import type { VersionFile } from './version-writer';

/**
 * Script files of a version: validating script paths ("<format>/<name>"), turning script inputs
 * into metadata entries plus the bytes that go on disk (ciphertext for sensitive ones), and
 * carrying a base version's scripts into the next version.
 */

/** A script path is "<format>/<name>[/…]" with every segment safe; returns the format. */
export function validateScriptPath(p: string): ScriptFormat {
  validateRelativePath('Script path', p);
  const format = p.split('/')[0] as ScriptFormat;
  if (!SCRIPT_FORMATS.includes(format) || !p.includes('/')) {
    throw new ValidationError(`Script path "${p}" must start with a format folder`, [], { hint: `one of ${SCRIPT_FORMATS.map((f) => f + '/').join(', ')}` });
  }
  return format;
}

/** Validates script inputs and turns them into metadata entries plus on-disk bytes. */
export function encodeScripts(scripts: readonly ScriptInput[], key: Buffer | undefined): { entries: ScriptEntry[]; files: VersionFile[] } {
  const entries: ScriptEntry[] = [];
  const files: VersionFile[] = [];
  const seen = new Set<string>();
  for (const s of scripts) {
    const format = validateScriptPath(s.path);
    if (seen.has(s.path)) throw new ValidationError(`Script "${s.path}" is given twice`);
    seen.add(s.path);
    if ((s.sensitive || s.encrypted) && !key) throw new ValidationError(`Script "${s.path}" is sensitive but no data key is available`);
    const plain = s.encrypted ? decryptBytes(key!, s.encrypted, scriptAad(s.path)) : typeof s.content === 'string' ? Buffer.from(s.content, 'utf8') : Buffer.from(s.content);
    const entry: ScriptEntry = { format, path: s.path, sha256: sha256(plain), size: plain.length };
    if (s.sensitive || s.encrypted) {
      entry.sensitive = true;
      files.push({ path: s.path, bytes: s.encrypted ? Buffer.from(JSON.stringify(s.encrypted), 'utf8') : encryptScript(key!, s.path, plain) });
    } else {
      files.push({ path: s.path, bytes: plain });
    }
    entries.push(entry);
  }
  return { entries, files };
}

/** Scripts of the new version: the base version's (bytes copied after verification) with input's changes applied. */
export async function carryScripts(base: Playbook, input: UpdatePlaybookInput, key: Buffer | undefined): Promise<{ entries: ScriptEntry[]; files: VersionFile[] }> {
  const byPath = new Map<string, { entry: ScriptEntry; bytes: () => Promise<Uint8Array> }>();
  for (const entry of base.metadata.scripts) {
    byPath.set(entry.path, {
      entry,
      bytes: async () => {
        const full = resolveInside(base.dir, entry.path, 'Script path');
        await assertRealpathInside(base.dir, full, 'Script path');
        const bytes = await fs.readFile(full);
        if (!entry.sensitive && (bytes.length !== entry.size || sha256(bytes) !== entry.sha256)) {
          throw new IntegrityError(`Cannot build on v${base.metadata.version}: ${full} does not match its recorded sha256`, { hint: 'restore the file or run `escher-playbook doctor`' });
        }
        return bytes;
      },
    });
  }
  for (const p of input.removeScripts ?? []) {
    if (!byPath.delete(p)) throw new NotFoundError(`v${base.metadata.version} has no script "${p}" to remove`);
  }
  const added = encodeScripts(input.scripts ?? [], key);
  added.entries.forEach((entry, i) => {
    const bytes = added.files[i]!.bytes;
    byPath.set(entry.path, { entry, bytes: () => Promise.resolve(bytes) });
  });
  const entries: ScriptEntry[] = [];
  const files: VersionFile[] = [];
  for (const { entry, bytes } of byPath.values()) {
    entries.push(entry);
    files.push({ path: entry.path, bytes: await bytes() });
  }
  return { entries, files };
}
