import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readInside } from '../shared/contained-fs';
import { OutsideRootError, ValidationError } from '../shared/errors';
import { METADATA_FILE } from '../playbook-store/layout';
import { SCRIPT_FORMATS } from '../playbook-store/metadata';
import { validateScriptPath } from '../playbook-store/names';

/**
 * A draft's folder on disk ($ESCHER_HOME/drafts/<id>/): an editable working copy of one version.
 *
 *   metadata.json              the base version's, as the user edits it (its `version`, `scripts`,
 *                              `updated_at` are recomputed when the draft is saved)
 *   <format>/<file>            the plain scripts; what is here is what the new version holds
 *   .draft.json                { playbook_id, base_version, created_at, origin? ("merge") }
 *
 * Sensitive scripts are never written here (their plaintext stays encrypted in the store); they
 * are carried unchanged into the new version. Names starting with "." other than .draft.json
 * (editor swap files) are ignored. Every file is read through contained-fs: a symlink anywhere
 * in the draft is refused, never followed.
 */
export const DRAFT_INFO = '.draft.json';

export interface DraftInfo {
  playbook_id: string;
  base_version: string;
  created_at: string;
  /** 'merge': made by a conflict's Merge… (prefilled with the three-way merge), so resolving that conflict another way drops it. */
  origin?: 'merge';
}

export interface DraftTree {
  info: DraftInfo;
  /** metadata.json as parsed (checked to be an object; its fields are validated when saved). */
  metadata: Record<string, unknown>;
  /** "<format>/<file>" -> bytes, in path order. */
  scripts: Map<string, Buffer>;
}

/** Refuses a draft folder that is a symlink or not a folder. */
export async function assertDraftDir(dir: string): Promise<void> {
  const st = await fs.lstat(dir);
  if (st.isSymbolicLink()) throw new OutsideRootError(`Draft folder ${dir} is a symlink`, { hint: 'remove it and make the draft again; symlinks are never followed here' });
  if (!st.isDirectory()) throw new ValidationError(`Draft ${dir} is not a folder`, [], { hint: 'remove it and make the draft again' });
}

export async function readDraftInfo(dir: string): Promise<DraftInfo> {
  const info = parseJson(await readInside(dir, path.join(dir, DRAFT_INFO), 'Draft file'), path.join(dir, DRAFT_INFO));
  if (typeof info.playbook_id !== 'string' || typeof info.base_version !== 'string' || typeof info.created_at !== 'string') {
    throw new ValidationError(`${path.join(dir, DRAFT_INFO)} is damaged`, [], { hint: 'discard the draft and start again' });
  }
  return { playbook_id: info.playbook_id, base_version: info.base_version, created_at: info.created_at, ...(info.origin === 'merge' ? { origin: 'merge' as const } : {}) };
}

export async function readDraftTree(dir: string): Promise<DraftTree> {
  await assertDraftDir(dir);
  const info = await readDraftInfo(dir);
  const metadata = parseJson(await readInside(dir, path.join(dir, METADATA_FILE), 'Draft file'), path.join(dir, METADATA_FILE));
  const scripts = new Map<string, Buffer>();
  for (const top of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (top.name.startsWith('.') || top.name === METADATA_FILE) continue;
    const full = path.join(dir, top.name);
    if (top.isSymbolicLink()) throw new OutsideRootError(`${full} is a symlink`, { hint: 'replace it with a real folder or file; symlinks in a draft are refused' });
    if (!top.isDirectory() || !(SCRIPT_FORMATS as readonly string[]).includes(top.name)) {
      throw new ValidationError(`${full} does not belong in a draft`, [], { hint: `scripts go in a format folder (${SCRIPT_FORMATS.join(', ')}); remove it or move it there` });
    }
    for (const f of (await fs.readdir(full, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (f.name.startsWith('.')) continue;
      const file = path.join(full, f.name);
      if (f.isSymbolicLink()) throw new OutsideRootError(`${file} is a symlink`, { hint: 'replace it with the real file; symlinks in a draft are refused' });
      if (!f.isFile()) throw new ValidationError(`${file} is not a file`, [], { hint: 'a format folder holds script files only, no subfolders' });
      const rel = validateScriptPath(`${top.name}/${f.name}`);
      scripts.set(rel, await readInside(dir, file, 'Draft script'));
    }
  }
  return { info, metadata, scripts };
}

function parseJson(bytes: Buffer, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ValidationError(`${file} is not valid JSON: ${(e as Error).message}`, [], { hint: 'fix it, then save the draft again' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError(`${file} must hold a JSON object`, [], { hint: 'fix it, then save the draft again' });
  return value as Record<string, unknown>;
}
