import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { contentHash } from '../core/escher-api/content-hash';
import { libraryS3Path } from '../core/escher-api/s3-path';
import type { LibraryEntry, PublishedMetadata } from '../core/escher-api/types';
import { wireIssues } from '../core/escher-api/wire-validate';
import { sha256, sha256File } from '../core/shared/hash';
import type { Logger } from '../core/shared/logger';
import { assertRealpathInside } from '../core/shared/contained-fs';
import { resolveInside, validatePlaybookId } from '../core/shared/safe-path';

export interface LibraryScript {
  sha256: string;
  size: number;
  file: string;
}

export interface LibraryVersion {
  metadata: PublishedMetadata;
  scripts: Map<string, LibraryScript>;
}

/**
 * The "Escher Library": read-only playbooks served to every tenant, loaded from a directory in the
 * store's on-disk layout, <dir>/<id>/v<version>/metadata.json plus the scripts beside it (a bare
 * <version> folder is accepted too). Every script's sha256 and size are computed at load and must
 * match its metadata; a version that does not match (or whose metadata is invalid, or local_only)
 * is left out with a warning rather than served wrong.
 */
export class Library {
  private readonly playbooks = new Map<string, Map<string, LibraryVersion>>();
  private readonly blobs = new Map<string, string>();
  private etagValue: string | undefined;
  readonly problems: string[] = [];

  static async load(dir: string | undefined, logger: Logger): Promise<Library> {
    const lib = new Library();
    if (!dir) return lib;
    const root = path.resolve(dir);
    const ids = await fs.readdir(root, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`--library ${root}: ${e.code === 'ENOENT' ? 'no such folder' : e.code === 'ENOTDIR' ? 'not a folder' : e.message}`, { cause: e });
    });
    for (const idEntry of ids) {
      if (!idEntry.isDirectory() || idEntry.name.startsWith('.')) continue;
      for (const vEntry of await fs.readdir(path.join(root, idEntry.name), { withFileTypes: true })) {
        if (!vEntry.isDirectory() || vEntry.name.startsWith('.')) continue;
        const where = `${idEntry.name}/${vEntry.name}`;
        try {
          await lib.loadVersion(root, idEntry.name, vEntry.name);
        } catch (e) {
          const msg = `library ${where} skipped: ${(e as Error).message}`;
          lib.problems.push(msg);
          logger.warn(msg);
        }
      }
    }
    return lib;
  }

  private async loadVersion(root: string, id: string, versionDir: string): Promise<void> {
    validatePlaybookId(id);
    const dir = path.join(root, id, versionDir);
    const raw = JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    const version = String(raw.version);
    if (raw.playbook_id !== id) throw new Error(`metadata.json says playbook_id "${String(raw.playbook_id)}"`);
    if (versionDir !== version && versionDir !== `v${version}`) throw new Error(`metadata.json says version ${version}`);
    if (raw.storage_strategy === 'local_only') throw new Error('it is local_only');
    const scripts = new Map<string, LibraryScript>();
    const entries = Array.isArray(raw.scripts) ? (raw.scripts as Array<Record<string, unknown>>) : [];
    const withPaths = entries.map((s) => ({ ...s, s3_path: libraryS3Path(id, version, String(s.path)) }));
    const metadata = { ...raw, scripts: withPaths } as unknown as PublishedMetadata;
    metadata.content_hash = contentHash(metadata);
    const issues = wireIssues('PublishedMetadata', metadata);
    if (issues.length) throw new Error(`invalid metadata: ${issues.join('; ')}`);
    for (const s of metadata.scripts) {
      const file = resolveInside(dir, s.path, 'script path');
      await assertRealpathInside(dir, file, 'script path');
      const actual = await sha256File(file);
      if (actual.sha256 !== s.sha256 || actual.size !== s.size) throw new Error(`${s.path} has sha256 ${actual.sha256} (${actual.size} bytes), metadata says ${s.sha256} (${s.size} bytes)`);
      scripts.set(s.path, { sha256: actual.sha256, size: actual.size, file });
    }
    let versions = this.playbooks.get(id);
    if (!versions) this.playbooks.set(id, (versions = new Map()));
    versions.set(version, { metadata, scripts });
    for (const s of scripts.values()) this.blobs.set(s.sha256, s.file);
  }

  get(id: string, version: string | 'latest'): LibraryVersion | undefined {
    const versions = this.playbooks.get(id);
    if (!versions) return undefined;
    if (version !== 'latest') return versions.get(version);
    const latest = [...versions.keys()].sort(semver.rcompare)[0];
    return latest === undefined ? undefined : versions.get(latest);
  }

  blobFile(sha: string): string | undefined {
    return this.blobs.get(sha);
  }

  /** The latest version of every library playbook (what search ranks). */
  *latest(): Iterable<PublishedMetadata> {
    for (const id of this.playbooks.keys()) {
      const v = this.get(id, 'latest');
      if (v) yield v.metadata;
    }
  }

  /** The listing's entries after `after` (ids in order), at most `limit`, and the id to continue from. */
  page(after: string | undefined, limit: number): { items: LibraryEntry[]; next: string | null } {
    const ids = [...this.playbooks.keys()].sort().filter((id) => after === undefined || id > after);
    const items: LibraryEntry[] = [];
    for (const id of ids.slice(0, limit)) {
      const versions = [...this.playbooks.get(id)!.keys()].sort(semver.compare);
      const latest = this.get(id, 'latest')!;
      items.push({ playbook_id: id, latest_version: latest.metadata.version, versions, metadata: latest.metadata, review_status: 'not_required' });
    }
    return { items, next: ids.length > limit ? items[items.length - 1]!.playbook_id : null };
  }

  /** Names the whole library's content (read-only for the server's life): the listing's ETag. */
  get etag(): string {
    this.etagValue ??= `"${sha256([...this.playbooks.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([id, vs]) => [...vs.values()].map((v) => `${id}@${v.metadata.version}:${v.metadata.content_hash}`)).sort().join('\n')).slice(0, 32)}"`;
    return this.etagValue;
  }

  get size(): number {
    return this.playbooks.size;
  }
}
