import { promises as fs } from 'node:fs';
import * as semver from 'semver';
import { validateVersion } from '../playbook-store/names';
import { writeJsonAtomic } from '../shared/atomic-fs';
import { NotFoundError, ReviewRequiredError, ValidationError } from '../shared/errors';
import { PLAYBOOK_ID, validatePlaybookId } from '../shared/safe-path';
import { teamVersions, type TeamCatalog } from './team-catalog';

/**
 * escher.lock.json: what a repository depends on from the team, pinned to exact, approved content.
 *
 *   {"format": "escher-lock/1",
 *    "playbooks": {"<id>": {"version": "1.2.0", "content_hash": "<sha256>", "scripts": {"shell/stop.sh": "<sha256>"}}}}
 *
 * `lock add` pins a team playbook's version only while an approval covers it; `lock verify` fails
 * (for CI) when a pinned version is gone, its content differs from the pin, or it is no longer
 * approved. The file is the repository's, read strictly: a malformed entry is an error, not skipped.
 */
export const LOCK_FILE = 'escher.lock.json';
const FORMAT = 'escher-lock/1';
const HEX64 = /^[0-9a-f]{64}$/;

export interface LockEntry {
  version: string;
  content_hash: string;
  scripts: Record<string, string>;
}

export interface LockFile {
  format: typeof FORMAT;
  playbooks: Record<string, LockEntry>;
}

export interface VerifyResult {
  ok: boolean;
  entries: Array<{ playbook_id: string; version: string; ok: boolean; problem?: string }>;
}

export async function readLock(file: string, options: { missingOk?: boolean } = {}): Promise<LockFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      if (options.missingOk) return { format: FORMAT, playbooks: {} };
      throw new NotFoundError(`${file} does not exist`, { hint: 'pin a playbook first' });
    }
    throw e;
  }
  const bad = (what: string): never => {
    throw new ValidationError(`${file}: ${what}`, [], { hint: 'fix or remove the entry, then pin it again' });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return bad(`not JSON (${(e as Error).message})`);
  }
  const lock = parsed as Partial<LockFile>;
  if (lock?.format !== FORMAT || typeof lock.playbooks !== 'object' || lock.playbooks === null || Array.isArray(lock.playbooks)) return bad(`not an ${FORMAT} file`);
  for (const [id, e] of Object.entries(lock.playbooks)) {
    if (!PLAYBOOK_ID.test(id)) bad(`"${id.slice(0, 64)}" is not a playbook id`);
    if (typeof e?.version !== 'string' || !semver.valid(e.version)) bad(`${id}: version is not a semantic version`);
    if (typeof e.content_hash !== 'string' || !HEX64.test(e.content_hash)) bad(`${id}: content_hash is not a sha256`);
    if (typeof e.scripts !== 'object' || e.scripts === null || Object.values(e.scripts).some((h) => typeof h !== 'string' || !HEX64.test(h))) bad(`${id}: scripts must map paths to sha256s`);
  }
  return lock as LockFile;
}

/** Pins `id` (default: its latest version) as the team catalog knows it; approved content only. */
export async function lockAdd(catalog: TeamCatalog, file: string, id: string, version?: string): Promise<{ playbook_id: string; entry: LockEntry }> {
  validatePlaybookId(id);
  if (version !== undefined) validateVersion(version);
  const lock = await readLock(file, { missingOk: true });
  const rec = await catalog.get(id);
  if (!rec) throw new NotFoundError(`"${id}" is not among your team's published playbooks`, { hint: 'list the team playbooks to see their ids' });
  const v = teamVersions(rec).find((x) => x.version === (version ?? rec.latest_version));
  if (!v) throw new NotFoundError(`Team playbook "${id}" has no version ${version ?? '(latest)'}`);
  if (v.review !== 'approved') {
    throw new ReviewRequiredError(`"${id}" v${v.version} is ${v.review}: only approved content is pinned`, { hint: 'ask a reviewer to approve it, or pin an approved version' });
  }
  const m = v.record.metadata;
  const entry: LockEntry = { version: v.version, content_hash: m.content_hash, scripts: Object.fromEntries(m.scripts.map((s) => [s.path, s.sha256]).sort()) };
  const playbooks = Object.fromEntries(Object.entries({ ...lock.playbooks, [id]: entry }).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeJsonAtomic(file, { format: FORMAT, playbooks });
  return { playbook_id: id, entry };
}

/** Checks every pin against the team catalog: present, same content, still approved. */
export async function lockVerify(catalog: TeamCatalog, file: string): Promise<VerifyResult> {
  const lock = await readLock(file);
  const entries: VerifyResult['entries'] = [];
  for (const [id, pin] of Object.entries(lock.playbooks)) {
    const rec = await catalog.get(id);
    const v = rec ? teamVersions(rec).find((x) => x.version === pin.version) : undefined;
    const m = v?.record.metadata;
    let problem: string | undefined;
    if (!rec) problem = 'no longer published by your team';
    else if (!v || !m) problem = `version ${pin.version} is no longer published`;
    else if (m.content_hash !== pin.content_hash) problem = `its content changed (content hash ${m.content_hash.slice(0, 12)}…, pinned ${pin.content_hash.slice(0, 12)}…)`;
    else if (m.scripts.length !== Object.keys(pin.scripts).length || m.scripts.some((s) => pin.scripts[s.path] !== s.sha256)) problem = 'its scripts differ from the pinned ones';
    else if (v.review !== 'approved') problem = `it is no longer approved (${v.review})`;
    entries.push({ playbook_id: id, version: pin.version, ok: problem === undefined, ...(problem ? { problem } : {}) });
  }
  return { ok: entries.every((e) => e.ok), entries };
}
