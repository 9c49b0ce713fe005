import type { EscherApi, PublishedMetadata } from '../escher-api/types';
import type { ScriptFetcher } from '../metadata-publisher/local-writer';
import type { ScriptEntry } from '../playbook-store/metadata';
import type { RestoredFile } from '../playbook-store/version-repair';
import type { ModifiedFile, Playbook, PlaybookStoreApi } from '../playbook-store/types';
import { EscherError, IntegrityError, NotFoundError, isEscherError } from '../shared/errors';

/** What a restore did: the files put back (none when the version already matched its metadata.json). */
export interface RestoreResult {
  playbook_id: string;
  version: string;
  area: Playbook['area'];
  dir: string;
  restored: string[];
}

/**
 * What became of the version a draft was made from once the draft is saved: it was not modified
 * (`clean`), its server copy was put back (`restored`), it was never published and stays as it
 * is, modified (`kept`), or the restore failed (`restore-failed`: the server, the network; it
 * stays modified and can be restored later).
 */
export interface BaseSettlement {
  state: 'clean' | 'restored' | 'kept' | 'restore-failed';
  version: string;
  files: string[];
  error?: unknown;
}

/** The server and a verified script fetcher, built on first use (the token is read then). */
export type RestoreServer = () => Promise<{ api: Pick<EscherApi, 'fetchMetadata'>; fetchScript: ScriptFetcher }>;

export type RestoreStore = Pick<PlaybookStoreApi, 'getPlaybook' | 'listVersions' | 'findModifiedFiles'> & {
  restoreFiles(id: string, version: string, files: readonly RestoredFile[]): Promise<Playbook>;
};

/**
 * Restore from the server: a published version whose files were changed on disk gets them back
 * from the server's copy of that same version. The server's metadata must record exactly the
 * scripts (paths, sizes, SHA-256, sensitivity) this version's metadata.json records — otherwise
 * they are different versions under one number and nothing is restored. Every damaged script is
 * fetched (the verified cache or a verified download) and checked against the local metadata
 * before the store writes any of them (version-repair.ts); a failure anywhere leaves the disk as it was.
 */
export class VersionRestore {
  constructor(private readonly o: { store: RestoreStore; server: RestoreServer }) {}

  /** `version` (default: the newest version of `id` modified on disk, else the latest) restored from the server. */
  async restore(id: string, version?: string): Promise<RestoreResult> {
    const { store } = this.o;
    const { playbook, damaged } = version !== undefined ? await this.checked(await store.getPlaybook(id, version)) : await this.newestModified(id);
    const { playbook_id, version: v } = playbook.metadata;
    const result = { playbook_id, version: v, area: playbook.area, dir: playbook.dir };
    if (damaged.length === 0) return { ...result, restored: [] };
    if (playbook.area !== 'synced') throw notPublished(playbook);
    const { api, fetchScript } = await this.o.server();
    const theirs = await serverMetadata(api, playbook);
    assertSameScripts(playbook, theirs);
    const files: RestoredFile[] = [];
    for (const f of damaged) {
      const mine = playbook.metadata.scripts.find((s) => s.path === f.path)!;
      const s3 = theirs.scripts.find((s) => s.path === f.path)?.s3_path;
      if (!s3) throw new IntegrityError(`The server's metadata of ${playbook_id} v${v} names no storage path for ${f.path}`, { hint: 'the server sent incomplete metadata; nothing was changed here; try again later' });
      // Checked against this version's own metadata.json: the server's word is not taken for it.
      files.push({ path: f.path, plain: await fetchScript({ s3_path: s3, sha256: mine.sha256, size: mine.size }) });
    }
    await store.restoreFiles(playbook_id, v, files);
    return { ...result, restored: files.map((f) => f.path) };
  }

  /**
   * After a draft of a modified version was saved as the next version ("Save Changes as New
   * Version"): the changed files now live on in the new version, so the damaged one is put back
   * from the server when it was published; a version never published is kept as it is — still
   * reported modified on disk — until the user deletes it. Never throws for the restore itself:
   * the new version is saved either way, and what became of the old one is the answer.
   */
  async settleBase(id: string, baseVersion: string): Promise<BaseSettlement> {
    let damaged: ModifiedFile[];
    try {
      damaged = (await this.checked(await this.o.store.getPlaybook(id, baseVersion))).damaged;
    } catch (e) {
      return { state: 'restore-failed', version: baseVersion, files: [], error: e };
    }
    const files = damaged.map((f) => f.path);
    if (files.length === 0) return { state: 'clean', version: baseVersion, files };
    try {
      return { state: 'restored', version: baseVersion, files: (await this.restore(id, baseVersion)).restored };
    } catch (e) {
      if (isEscherError(e) && e.hintCode === 'version-not-on-server') return { state: 'kept', version: baseVersion, files };
      return { state: 'restore-failed', version: baseVersion, files, error: e };
    }
  }

  private async checked(playbook: Playbook): Promise<{ playbook: Playbook; damaged: ModifiedFile[] }> {
    return { playbook, damaged: await this.o.store.findModifiedFiles(playbook) };
  }

  private async newestModified(id: string): Promise<{ playbook: Playbook; damaged: ModifiedFile[] }> {
    const versions = await this.o.store.listVersions(id);
    for (const v of [...versions].reverse()) {
      const found = await this.checked(await this.o.store.getPlaybook(id, v)).catch(() => undefined);
      if (found?.damaged.length) return found;
    }
    return this.checked(await this.o.store.getPlaybook(id));
  }
}

async function serverMetadata(api: Pick<EscherApi, 'fetchMetadata'>, playbook: Playbook): Promise<PublishedMetadata> {
  try {
    return (await api.fetchMetadata(playbook.metadata.playbook_id, playbook.metadata.version, 'tenant')).metadata;
  } catch (e) {
    if (isEscherError(e) && e.code === 'NOT_FOUND') throw notPublished(playbook, e);
    throw e;
  }
}

function notPublished(playbook: Playbook, cause?: unknown): NotFoundError {
  const { playbook_id: id, version } = playbook.metadata;
  return new NotFoundError(`${id} v${version} is not on the server, so it cannot be restored from there`, {
    hint: 'save the changed files as a new version through a draft (Edit as New Version), or delete the version',
    hintCode: 'version-not-on-server',
    cause,
  });
}

/** The same scripts on both sides, by path, size, SHA-256 and sensitivity: else they are different versions under one number. */
function assertSameScripts(playbook: Playbook, theirs: PublishedMetadata): void {
  const key = (s: Pick<ScriptEntry, 'path' | 'size' | 'sha256' | 'sensitive'>) => `${s.path}\u0000${s.size}\u0000${s.sha256}\u0000${s.sensitive === true}`;
  const mine = playbook.metadata.scripts.map(key).sort();
  const server = theirs.scripts.map(key).sort();
  if (mine.length === server.length && mine.every((k, i) => k === server[i])) return;
  const { playbook_id: id, version } = playbook.metadata;
  throw new EscherError('CONFLICT', `The server's copy of ${id} v${version} records other scripts than this one's metadata.json, so it cannot restore it; nothing was changed`, {
    hint: 'compare the two with the server, then save your changes as a new version through a draft',
    hintCode: 'server-copy-differs',
  });
}
