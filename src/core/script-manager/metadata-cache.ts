import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LRUCache } from 'lru-cache';
import * as semver from 'semver';
import type { FetchedMetadata } from '../escher-api/types';
import { SCRIPT_FORMATS, type ScriptEntry } from '../playbook-store/metadata';
import { writeJsonAtomic } from '../shared/atomic-fs';
import type { Clock } from '../shared/clock';
import { readInside, removeInside } from '../shared/contained-fs';
import { EscherError, ValidationError } from '../shared/errors';
import { validatePlaybookId } from '../shared/safe-path';
import { scriptPathIssues, validateScriptPath, validateVersion } from '../playbook-store/names';
import type { CacheLayout } from './cache-layout';

export interface CachedMetadata extends FetchedMetadata {
  fetched_at: number;
}

const FORMAT = 'escher-cached-metadata/1';
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Metadata fetched from the server for playbooks the user does not have locally (a library or
 * tenant playbook the server returned), kept so a cached script can be resolved offline and the
 * index can be rebuilt from evidence.
 *
 * File: cache/metadata/playbooks/<id>/<version>.json, written atomically:
 *   {"format":"escher-cached-metadata/1","fetched_at":<epoch ms>,"source":"tenant"|"library",
 *    "review_status":…, "metadata":<PublishedMetadata as the server sent it>}
 *
 * Versions are immutable, so a cached version's script list never goes stale. Parsed files are
 * memoised in an lru-cache (bounded: a long-lived extension host resolves many playbooks).
 */
export class MetadataCache {
  private readonly memo = new LRUCache<string, CachedMetadata>({ max: 256 });

  constructor(
    private readonly layout: CacheLayout,
    private readonly clock: Clock,
  ) {}

  async get(playbookId: string, version: string): Promise<CachedMetadata | undefined> {
    const file = this.layout.metadataFile(playbookId, version);
    const memoised = this.memo.get(file);
    if (memoised) return memoised;
    let raw: string;
    try {
      raw = (await readInside(this.layout.root, file, 'Cached metadata')).toString('utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      // A symlink (or a folder leading out of the cache) is not evidence of anything: ignored.
      if (e instanceof EscherError) return undefined;
      throw e;
    }
    try {
      const parsed = JSON.parse(raw) as { format?: unknown; fetched_at?: unknown } & Partial<FetchedMetadata>;
      if (parsed.format !== FORMAT || typeof parsed.fetched_at !== 'number') throw new ValidationError('not a cached metadata file');
      const fetched = validateFetchedMetadata(parsed, { playbookId, version });
      const cached = { ...fetched, fetched_at: parsed.fetched_at };
      this.memo.set(file, cached);
      return cached;
    } catch {
      // A damaged cache file is not an error for the user: forget it, the server has the original.
      await removeInside(this.layout.root, file);
      return undefined;
    }
  }

  /** Validates what the server sent (see validateFetchedMetadata) and stores it. */
  async put(fetched: unknown, expect: { playbookId: string; version?: string }): Promise<CachedMetadata> {
    const valid = validateFetchedMetadata(fetched, expect);
    const cached: CachedMetadata = { ...valid, fetched_at: this.clock.now() };
    const file = this.layout.metadataFile(valid.metadata.playbook_id, valid.metadata.version);
    await writeJsonAtomic(file, { format: FORMAT, ...cached });
    this.memo.set(file, cached);
    return cached;
  }

  /** Highest cached version of a playbook, for resolving "latest" while the server is unreachable. */
  async latestVersion(playbookId: string): Promise<string | undefined> {
    validatePlaybookId(playbookId);
    let names: string[];
    try {
      names = await fs.readdir(path.join(this.layout.metadataDir, playbookId));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const versions = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((v) => semver.valid(v) === v);
    return versions.sort(semver.rcompare)[0];
  }

  forgetMemo(): void {
    this.memo.clear();
  }
}

/**
 * The server is not trusted to send well-formed paths: every script path, format, hash and size
 * the script manager will act on is checked here, and the playbook must be the one asked for.
 * (Fields the script manager does not use are passed through untouched.)
 */
export function validateFetchedMetadata(value: unknown, expect: { playbookId: string; version?: string }): FetchedMetadata {
  const fail = (what: string): never => {
    throw new ValidationError(`The server sent invalid metadata for "${expect.playbookId}": ${what}`, [], {
      hint: 'the server or a proxy in between is misbehaving; nothing was cached',
    });
  };
  if (typeof value !== 'object' || value === null) fail('not an object');
  const v = value as Partial<FetchedMetadata>;
  if (v.source !== 'tenant' && v.source !== 'library') fail('source must be "tenant" or "library"');
  const m = v.metadata;
  if (typeof m !== 'object' || m === null) return fail('metadata missing');
  if (m.playbook_id !== expect.playbookId) fail(`it describes "${String(m.playbook_id).slice(0, 64)}"`);
  try {
    validatePlaybookId(m.playbook_id);
    validateVersion(m.version);
  } catch (e) {
    fail((e as Error).message);
  }
  if (expect.version !== undefined && m.version !== expect.version) fail(`version ${m.version} instead of ${expect.version}`);
  if (!Array.isArray(m.scripts)) fail('scripts is not a list');
  for (const s of m.scripts as unknown[]) {
    const e = s as Partial<ScriptEntry>;
    if (typeof e !== 'object' || e === null) fail('a script entry is not an object');
    try {
      validateScriptPath(e.path);
    } catch (err) {
      fail((err as Error).message);
    }
    const p = e.path as string;
    if (!(SCRIPT_FORMATS as readonly string[]).includes(e.format as string) || !p.startsWith(`${e.format}/`)) fail(`script "${p}" is not in its format's folder`);
    if (typeof e.sha256 !== 'string' || !HEX64.test(e.sha256)) fail(`script "${p}" has no valid sha256`);
    if (!Number.isSafeInteger(e.size) || (e.size as number) < 0) fail(`script "${p}" has no valid size`);
    if (e.s3_path !== undefined && typeof e.s3_path !== 'string') fail(`script "${p}" has a non-string s3_path`);
  }
  // Paths that cannot be one folder on every OS (names.ts): the cache could not hold them either.
  const clash = scriptPathIssues((m.scripts as ScriptEntry[]).map((e) => e.path))[0];
  if (clash !== undefined) fail(clash);
  return value as FetchedMetadata;
}
