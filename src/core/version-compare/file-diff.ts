import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import type { ScriptEntry } from '../playbook-store/metadata';
import { METADATA_FILE } from '../playbook-store/layout';
import { type ComparableMetadata, comparableMetadataText } from './comparable';

/** One side of a comparison: a stored version, or the server's copy of one. */
export interface CompareSide {
  /** How the side is named in the diff headers and messages: "v1.0.0", "server v1.0.1". */
  label: string;
  version: string;
  metadata: ComparableMetadata;
  /** The plaintext of a non-sensitive script of this side, verified against its metadata (never unverified bytes). */
  readScript(path: string): Promise<Uint8Array>;
}

export type FileChangeKind = 'added' | 'removed' | 'modified';

/** One file that differs between the two sides. */
export interface FileChange {
  /** `metadata.json`, or a script's path in the version ("shell/stop.sh"). */
  path: string;
  change: FileChangeKind;
  /** Script hashes on each side (absent on the side that lacks the script). */
  old_sha256?: string;
  new_sha256?: string;
  /** A sensitive script: its content is never shown, only that it changed. */
  sensitive?: boolean;
  /** Not text (a NUL byte, or not UTF-8): only that it changed. */
  binary?: boolean;
  /** Unified diff (---/+++ headers, hunks); absent for sensitive and binary files. */
  patch?: string;
  added_lines?: number;
  removed_lines?: number;
  /** The compared texts of each side ('' on the side that lacks the file), when asked for (a diff editor shows them). */
  old_text?: string;
  new_text?: string;
}

export interface CompareOptions {
  /** Also return each side's text of a shown file (old_text / new_text). */
  texts?: boolean;
}

/**
 * The files that differ between `from` and `to`: metadata.json (comparableMetadataText) first,
 * then each script by path. A script is read only when its sha256 differs between the sides, so
 * comparing a version with the server downloads only what changed.
 */
export async function compareSides(from: CompareSide, to: CompareSide, options: CompareOptions = {}): Promise<FileChange[]> {
  const out: FileChange[] = [];
  const [oldMeta, newMeta] = [comparableMetadataText(from.metadata), comparableMetadataText(to.metadata)];
  const meta = textChange(METADATA_FILE, from, to, oldMeta, newMeta);
  if (meta) out.push({ path: METADATA_FILE, change: 'modified', ...meta, ...(options.texts ? { old_text: oldMeta, new_text: newMeta } : {}) });
  const before = new Map(from.metadata.scripts.map((s) => [s.path, s]));
  const after = new Map(to.metadata.scripts.map((s) => [s.path, s]));
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const p of paths) {
    const a = before.get(p);
    const b = after.get(p);
    if (a && b && a.sha256 === b.sha256 && a.sensitive === b.sensitive) continue;
    out.push(await scriptChange(p, from, to, a, b, options));
  }
  return out;
}

async function scriptChange(p: string, from: CompareSide, to: CompareSide, a: ScriptEntry | undefined, b: ScriptEntry | undefined, options: CompareOptions): Promise<FileChange> {
  const change: FileChangeKind = !a ? 'added' : !b ? 'removed' : 'modified';
  const hashes = { ...(a ? { old_sha256: a.sha256 } : {}), ...(b ? { new_sha256: b.sha256 } : {}) };
  if (a?.sensitive || b?.sensitive) return { path: p, change, ...hashes, sensitive: true };
  const [oldBytes, newBytes] = await Promise.all([a ? from.readScript(p) : new Uint8Array(), b ? to.readScript(p) : new Uint8Array()]);
  const oldText = asText(oldBytes);
  const newText = asText(newBytes);
  if (oldText === undefined || newText === undefined) return { path: p, change, ...hashes, binary: true };
  return { path: p, change, ...hashes, ...textChange(p, from, to, oldText, newText, change), ...(options.texts ? { old_text: oldText, new_text: newText } : {}) };
}

function textChange(p: string, from: CompareSide, to: CompareSide, oldText: string, newText: string, change: FileChangeKind = 'modified'): Pick<FileChange, 'patch' | 'added_lines' | 'removed_lines'> | undefined {
  if (oldText === newText) return undefined;
  const oldName = change === 'added' ? '/dev/null' : `${from.label}/${p}`;
  const newName = change === 'removed' ? '/dev/null' : `${to.label}/${p}`;
  const patch = createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
  let added_lines = 0;
  let removed_lines = 0;
  for (const line of patch.split('\n').slice(2)) {
    if (line.startsWith('+')) added_lines++;
    else if (line.startsWith('-')) removed_lines++;
  }
  return { patch, added_lines, removed_lines };
}

/** UTF-8 text, or undefined for bytes a diff of lines cannot show (a NUL, invalid UTF-8). */
export function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
