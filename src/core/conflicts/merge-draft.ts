import type { ParameterSpec } from '../playbook-store/metadata';
import type { Playbook, PlaybookStoreApi } from '../playbook-store/types';
import { asText } from '../version-compare/file-diff';
import { mergeLines } from '../version-compare/line-merge';

/** The two sides of a diverged conflict and, when known, the version both last agreed on. */
export interface ConflictSides {
  base: Playbook | undefined;
  /** The conflict copy: what was changed here. */
  mine: Playbook;
  /** The playbook itself: the server's version, as written here. */
  theirs: Playbook;
}

export interface MergedContent {
  metadataText: string;
  scripts: Map<string, Uint8Array>;
  /** Files holding conflict markers (or a delete on one side and an edit on the other). */
  conflicted: string[];
  /** What the merge could not carry into a draft, said for the user. */
  notes: string[];
}

type ScriptReader = Pick<PlaybookStoreApi, 'readScript'>;

/**
 * The draft content that merges both sides of a conflict over their base: metadata.json merged
 * line by line (same key order and formatting on every side, so a field edited on one side only
 * merges cleanly), each plain script merged the same way; conflict markers where both changed the
 * same lines. Sensitive scripts are not merged (their plaintext never goes to disk): the
 * playbook's own are carried unchanged by the draft.
 */
export async function mergedContent(store: ScriptReader, sides: ConflictSides): Promise<MergedContent> {
  const conflicted: string[] = [];
  const notes: string[] = [];
  const meta = mergeLines(sides.base && metadataText(sides.base, sides.theirs), metadataText(sides.mine, sides.theirs), metadataText(sides.theirs, sides.theirs));
  if (meta.conflicts) conflicted.push('metadata.json');
  const scripts = new Map<string, Uint8Array>();
  const entries = (p: Playbook | undefined) => new Map((p?.metadata.scripts ?? []).map((s) => [s.path, s]));
  const [b, m, t] = [entries(sides.base), entries(sides.mine), entries(sides.theirs)];
  for (const p of [...new Set([...m.keys(), ...t.keys()])].sort()) {
    if (m.get(p)?.sensitive || t.get(p)?.sensitive || b.get(p)?.sensitive) {
      if (m.get(p)?.sha256 !== t.get(p)?.sha256) notes.push(`${p} is sensitive: the draft keeps the server's (a sensitive script is changed by replacing it in an update, never in a draft)`);
      continue;
    }
    const read = async (side: Playbook | undefined, e: Map<string, unknown>) => (side && e.has(p) ? store.readScript(side, p) : undefined);
    const [base, mine, theirs] = await Promise.all([read(sides.base, b), read(sides.mine, m), read(sides.theirs, t)]);
    const merged = mergeScript(base, mine, theirs);
    if (merged.conflicted) conflicted.push(p);
    if (merged.note) notes.push(`${p}: ${merged.note}`);
    if (merged.bytes) scripts.set(p, merged.bytes);
  }
  return { metadataText: meta.text, scripts, conflicted, notes };
}

function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined ? a === b : Buffer.compare(a, b) === 0;
}

function mergeScript(base: Uint8Array | undefined, mine: Uint8Array | undefined, theirs: Uint8Array | undefined): { bytes: Uint8Array | undefined; conflicted?: boolean; note?: string } {
  if (same(mine, theirs)) return { bytes: mine };
  if (same(base, mine)) return { bytes: theirs };
  if (same(base, theirs)) return { bytes: mine };
  if (!mine || !theirs) return { bytes: mine ?? theirs, conflicted: true, note: `deleted on one side and changed on the other: the draft holds the changed one (delete it from the draft to drop it)` };
  const [b, m, t] = [base && asText(base), asText(mine), asText(theirs)];
  if (m === undefined || t === undefined || (base && b === undefined)) return { bytes: theirs, conflicted: true, note: 'not text: the draft holds the server\'s' };
  const r = mergeLines(b, m, t);
  return { bytes: Buffer.from(r.text), conflicted: r.conflicts > 0 };
}

/**
 * A side's metadata.json as the draft holds it, in `theirs`' key order: what identifies the
 * version (id, version, times, source, scripts — recomputed when the draft is saved) from
 * `theirs` on every side, so only what a user edits can differ. Sensitive defaults are sealed for
 * their own playbook: the copy's cannot be carried, so `theirs`' (or none) stand in for them.
 */
function metadataText(side: Playbook, theirs: Playbook): string {
  const t = theirs.metadata as unknown as Record<string, unknown>;
  const s = side.metadata as unknown as Record<string, unknown>;
  const own = side.metadata.playbook_id === theirs.metadata.playbook_id;
  const fromTheirs = new Set(['$schema', 'schema_version', 'playbook_id', 'version', 'created_at', 'updated_at', 'source', 'scripts', 'cloned_from']);
  const out: Record<string, unknown> = {};
  for (const k of [...Object.keys(t), ...Object.keys(s)]) {
    if (k in out) continue;
    const v = fromTheirs.has(k) ? t[k] : s[k];
    if (v !== undefined) out[k] = k === 'parameters' && !own ? withTheirSecrets(side.metadata.parameters, theirs.metadata.parameters) : v;
  }
  return JSON.stringify(out, null, 2) + '\n';
}

function withTheirSecrets(params: readonly ParameterSpec[], theirs: readonly ParameterSpec[]): ParameterSpec[] {
  const byName = new Map(theirs.map((p) => [p.name, p]));
  return params.map((p) => {
    if (!p.sensitive || !('default' in p)) return p;
    const { default: _sealed, ...rest } = p;
    const their = byName.get(p.name);
    return their?.sensitive && 'default' in their ? { ...rest, default: their.default } : rest;
  });
}
