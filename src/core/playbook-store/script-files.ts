import { promises as fs } from 'node:fs';
import { decryptBytes } from '../shared/crypto';
import { IntegrityError, NotFoundError, ValidationError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import { assertRealpathInside, resolveInside } from '../shared/safe-path';
import type { ScriptEntry } from './metadata';
import { formatOf, validateScriptPath } from './names';
import { decryptScript, encryptScript, scriptAad } from './sensitive';
import type { Playbook, ScriptInput, UpdatePlaybookInput } from './types';
import type { VersionFile } from './version-writer';

/**
 * Script files of a version: turning script inputs into metadata entries plus the bytes that go
 * on disk (ciphertext for sensitive ones), carrying a base version's scripts into the next
 * version, and reading them back verified.
 */

/** Validates script inputs and turns them into metadata entries plus on-disk bytes. */
export function encodeScripts(scripts: readonly ScriptInput[], key: Buffer | undefined): { entries: ScriptEntry[]; files: VersionFile[] } {
  const entries: ScriptEntry[] = [];
  const files: VersionFile[] = [];
  const seen = new Set<string>();
  for (const s of scripts) {
    const format = formatOf(s.path);
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
          throw new IntegrityError(`Cannot build on v${base.metadata.version}: ${full} does not match its recorded sha256`, { hint: 'restore the file', hintCode: 'store-needs-check' });
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

/** Plaintext bytes of a script (decrypted when sensitive), verified against the sha256 and size in its metadata. */
export async function readVerifiedScript(playbook: Playbook, scriptPath: string, dataKey: () => Promise<Buffer>): Promise<Buffer> {
  validateScriptPath(scriptPath);
  const entry = playbook.metadata.scripts.find((s) => s.path === scriptPath);
  if (!entry) {
    throw new NotFoundError(`Playbook "${playbook.metadata.playbook_id}" v${playbook.metadata.version} has no script "${scriptPath}"`, {
      hint: `scripts: ${playbook.metadata.scripts.map((s) => s.path).join(', ') || 'none'}`,
    });
  }
  const full = resolveInside(playbook.dir, scriptPath, 'Script path');
  await assertRealpathInside(playbook.dir, full, 'Script path');
  const onDisk = await fs.readFile(full);
  const plain = entry.sensitive ? decryptScript(await dataKey(), entry.path, onDisk) : onDisk;
  if (plain.length !== entry.size || sha256(plain) !== entry.sha256) {
    throw new IntegrityError(`Script ${full} does not match the sha256/size recorded in metadata.json`, {
      hint: 'the file was changed or damaged; restore it',
      hintCode: 'store-needs-check',
    });
  }
  return plain;
}
