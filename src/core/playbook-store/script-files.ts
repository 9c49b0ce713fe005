import { decryptBytes } from '../shared/crypto';
import { ContentMismatchError, IntegrityError, NotFoundError, ValidationError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import { readInside } from '../shared/contained-fs';
import { resolveInside } from '../shared/safe-path';
import type { ScriptEntry } from './metadata';
import { formatOf, validateScriptPath } from './names';
import { bundleScriptAad, decryptScript, encryptScript } from './sensitive';
import type { Playbook, ScriptInput, UpdatePlaybookInput } from './types';
import type { VersionFile } from './version-writer';

/**
 * Script files of a version: turning script inputs into metadata entries plus plaintext files,
 * sealing those for their playbook (ciphertext for sensitive ones: the AAD names the playbook id,
 * known only once it is allocated), carrying a base version's scripts into the next version
 * (sensitive ones opened, verified and re-sealed, so older envelopes are upgraded on every
 * write), and reading them back verified.
 */

/** A script of a version being written, in plaintext until sealFiles. */
export interface PlainFile {
  path: string;
  plain: Buffer;
  sensitive: boolean;
}

/** Validates script inputs and turns them into metadata entries plus plaintext files. */
export function encodeScripts(scripts: readonly ScriptInput[], key: Buffer | undefined): { entries: ScriptEntry[]; files: PlainFile[] } {
  const entries: ScriptEntry[] = [];
  const files: PlainFile[] = [];
  const seen = new Set<string>();
  for (const s of scripts) {
    const format = formatOf(s.path);
    if (seen.has(s.path)) throw new ValidationError(`Script "${s.path}" is given twice`);
    seen.add(s.path);
    const sensitive = s.sensitive === true || s.encrypted !== undefined;
    if (sensitive && !key) throw new ValidationError(`Script "${s.path}" is sensitive but no data key is available`);
    // An envelope given as input comes from an export bundle: sealed for a path, not a playbook.
    const plain = s.encrypted ? decryptBytes(key!, s.encrypted, bundleScriptAad(s.path)) : typeof s.content === 'string' ? Buffer.from(s.content, 'utf8') : Buffer.from(s.content);
    const entry: ScriptEntry = { format, path: s.path, sha256: sha256(plain), size: plain.length };
    if (sensitive) entry.sensitive = true;
    files.push({ path: s.path, plain, sensitive });
    entries.push(entry);
  }
  return { entries, files };
}

/** The bytes that go on disk for `playbookId`: sensitive files sealed, the others as they are. */
export function sealFiles(files: readonly PlainFile[], key: Buffer | undefined, playbookId: string): VersionFile[] {
  return files.map((f) => {
    if (!f.sensitive) return { path: f.path, bytes: f.plain };
    if (!key) throw new ValidationError(`Script "${f.path}" is sensitive but no data key is available`);
    return { path: f.path, bytes: encryptScript(key, playbookId, f.path, f.plain) };
  });
}

/**
 * Scripts of the new version: the base version's (verified) with input's changes applied. A
 * sensitive base script is opened, verified and re-sealed when the key is at hand; without it
 * its ciphertext is copied as it is (it cannot be checked, and stays sealed as it was).
 */
export async function carryScripts(base: Playbook, input: UpdatePlaybookInput, key: Buffer | undefined): Promise<{ entries: ScriptEntry[]; files: VersionFile[] }> {
  const id = base.metadata.playbook_id;
  const byPath = new Map<string, { entry: ScriptEntry; file: () => Promise<VersionFile> }>();
  for (const entry of base.metadata.scripts) {
    byPath.set(entry.path, {
      entry,
      file: async () => {
        const full = resolveInside(base.dir, entry.path, 'Script path');
        const bytes = await readInside(base.dir, full, 'Script path');
        if (entry.sensitive && !key) return { path: entry.path, bytes };
        const plain = entry.sensitive ? decryptScript(key!, id, entry.path, bytes).plain : bytes;
        if (plain.length !== entry.size || sha256(plain) !== entry.sha256) {
          throw new IntegrityError(`Cannot build on v${base.metadata.version}: ${full} does not match its recorded sha256`, { hint: 'restore the file', hintCode: 'store-needs-check' });
        }
        return sealFiles([{ path: entry.path, plain, sensitive: entry.sensitive === true }], key, id)[0]!;
      },
    });
  }
  for (const p of input.removeScripts ?? []) {
    if (!byPath.delete(p)) throw new NotFoundError(`v${base.metadata.version} has no script "${p}" to remove`);
  }
  const added = encodeScripts(input.scripts ?? [], key);
  const sealed = sealFiles(added.files, key, id);
  added.entries.forEach((entry, i) => {
    const file = sealed[i]!;
    byPath.set(entry.path, { entry, file: () => Promise.resolve(file) });
  });
  const entries: ScriptEntry[] = [];
  const files: VersionFile[] = [];
  for (const { entry, file } of byPath.values()) {
    entries.push(entry);
    files.push(await file());
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
  const onDisk = await readInside(playbook.dir, full, 'Script path');
  const plain = entry.sensitive ? decryptScript(await dataKey(), playbook.metadata.playbook_id, entry.path, onDisk).plain : onDisk;
  const actual = { sha256: sha256(plain), size: plain.length };
  if (actual.size !== entry.size || actual.sha256 !== entry.sha256) {
    throw new ContentMismatchError(
      `Script ${full} does not match metadata.json: it records SHA-256 ${entry.sha256} (${entry.size} bytes), the file hashes to ${actual.sha256} (${actual.size} bytes)`,
      { sha256: entry.sha256, size: entry.size },
      actual,
      { hint: 'the file was changed or damaged; restore it', hintCode: 'store-needs-check' },
    );
  }
  return plain;
}
