import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ScriptFormat } from '../playbook-store/metadata';
import { validateScriptPath, validateVersion } from '../playbook-store/names';
import { ValidationError } from '../shared/errors';
import { resolveInside, validatePlaybookId } from '../shared/safe-path';

export const INDEX_FILE = 'index-v1.log';

export interface ScriptRef {
  playbookId: string;
  version: string;
  /** "<format>/<file>", e.g. "shell/stop.sh" (the same path as in metadata.json). */
  path: string;
}

/**
 * On-disk layout of the script cache (`$ESCHER_HOME/cache`, the seed's `cache/`):
 *
 *   cache/
 *     scripts/<id>-v<version>/<format>/<file>   verified script bodies, as the seed shows
 *                                              ("escher-aws-rds-stop-v1.0.0/shell/stop.sh"), so an
 *                                              execution engine can run them by path and a
 *                                              terraform folder keeps its files side by side
 *     metadata/playbooks/<id>/<version>.json   metadata fetched from the server for playbooks the
 *                                              user does not have locally (see metadata-cache.ts)
 *     index-v1.log                             the persistent index (see cache-index.ts)
 *     index-v1.lock/                           proper-lockfile lock of the index (puts, deletes,
 *                                              eviction, compaction)
 *     locks/<sha>.lock/                        one lock per cache key while it is being downloaded
 *     tmp/                                     downloads in flight; same filesystem as scripts/ so
 *                                              the final rename is atomic; never read as cache
 *
 * A cache key is "<id>@<version>/<format>/<file>" — the playbook, its immutable version and the
 * script's path inside the version folder. Every component is validated with safe-path before it
 * becomes a path, so neither a hostile server nor a tampered index can name a file outside scripts/.
 */
export class CacheLayout {
  readonly root: string;
  readonly scriptsDir: string;
  readonly metadataDir: string;
  readonly tmpDir: string;
  readonly locksDir: string;
  readonly indexFile: string;

  constructor(cacheDir: string) {
    this.root = path.resolve(cacheDir);
    this.scriptsDir = path.join(this.root, 'scripts');
    this.metadataDir = path.join(this.root, 'metadata', 'playbooks');
    this.tmpDir = path.join(this.root, 'tmp');
    this.locksDir = path.join(this.root, 'locks');
    this.indexFile = path.join(this.root, INDEX_FILE);
  }

  /** Absolute path of a cached script; validates every component. */
  scriptFile(ref: ScriptRef): string {
    return resolveInside(this.scriptsDir, `${versionFolder(ref.playbookId, ref.version)}/${validateScriptPath(ref.path)}`, 'Cached script path');
  }

  /** The folder holding all files of one format of one version. */
  formatDir(playbookId: string, version: string, format: ScriptFormat): string {
    return resolveInside(this.scriptsDir, `${versionFolder(playbookId, version)}/${format}`, 'Cached script folder');
  }

  /** Path relative to the cache root, as stored in the index ("scripts/<id>-v<ver>/<path>"). */
  relativeScriptPath(ref: ScriptRef): string {
    return `scripts/${versionFolder(ref.playbookId, ref.version)}/${validateScriptPath(ref.path)}`;
  }

  metadataFile(playbookId: string, version: string): string {
    validatePlaybookId(playbookId);
    return resolveInside(this.metadataDir, `${playbookId}/${validateVersion(version)}.json`, 'Cached metadata path');
  }

  lockFileFor(key: string): string {
    return path.join(this.locksDir, createHash('sha256').update(key).digest('hex').slice(0, 32));
  }
}

export function cacheKey(ref: ScriptRef): string {
  validatePlaybookId(ref.playbookId);
  return `${ref.playbookId}@${validateVersion(ref.version)}/${validateScriptPath(ref.path)}`;
}

/** Inverse of cacheKey; throws ValidationError on anything cacheKey could not have produced. */
export function parseCacheKey(key: string): ScriptRef {
  const at = key.indexOf('@');
  const slash = key.indexOf('/', at + 1);
  if (at <= 0 || slash < 0) throw new ValidationError(`Malformed cache key "${key.slice(0, 80)}"`);
  const ref = { playbookId: key.slice(0, at), version: key.slice(at + 1, slash), path: key.slice(slash + 1) };
  cacheKey(ref);
  return ref;
}

/** "<id>-v<version>", the seed's folder name. Unambiguous: ids have no dots, versions start with N.N.N. */
export function versionFolder(playbookId: string, version: string): string {
  return `${validatePlaybookId(playbookId)}-v${validateVersion(version)}`;
}

/** Inverse of versionFolder, or undefined for a name it could not have produced. */
export function parseVersionFolder(name: string): { playbookId: string; version: string } | undefined {
  for (let i = name.indexOf('-v'); i > 0; i = name.indexOf('-v', i + 1)) {
    const playbookId = name.slice(0, i);
    const version = name.slice(i + 2);
    try {
      validatePlaybookId(playbookId);
      validateVersion(version);
      return { playbookId, version };
    } catch {
      // try the next "-v"
    }
  }
  return undefined;
}
