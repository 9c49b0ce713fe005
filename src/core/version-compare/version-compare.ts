import type { EscherApi } from '../escher-api/types';
import type { ScriptFetcher } from '../metadata-publisher/local-writer';
import type { Playbook, PlaybookStoreApi } from '../playbook-store/types';
import { NotFoundError } from '../shared/errors';
import { type CompareOptions, type CompareSide, type FileChange, compareSides } from './file-diff';
import { serverSide, storeSide } from './sides';

export interface ComparedSide {
  label: string;
  version: string;
  source: 'local' | 'server';
}

export interface VersionComparison {
  playbook_id: string;
  from: ComparedSide;
  to: ComparedSide;
  /** Only the files that differ; empty when the two sides hold the same content. */
  files: FileChange[];
}

/** The server and a verified script fetcher, built on first use (the token is read then). */
export type CompareServer = () => Promise<{ api: Pick<EscherApi, 'fetchMetadata'>; fetchScript: ScriptFetcher }>;

type CompareStore = Pick<PlaybookStoreApi, 'getPlaybook' | 'listVersions' | 'readScript'>;

/**
 * Compare: two stored versions of a playbook, or a stored version with the server's copy
 * (`escher-playbook diff`, the extension's Compare commands). Reads only; every script on either
 * side is verified against the metadata it comes with.
 */
export class VersionCompare {
  constructor(private readonly o: { store: CompareStore; server: CompareServer }) {}

  /**
   * No version: the latest against the one before it. `from` only: that version against the
   * latest. Both: `from` against `to`.
   */
  async versions(id: string, from?: string, to?: string, options: CompareOptions = {}): Promise<VersionComparison> {
    const { store } = this.o;
    const latest = await store.getPlaybook(id);
    const newer = to ?? latest.metadata.version;
    let older = from;
    if (older === undefined) {
      const all = await store.listVersions(id);
      const i = all.indexOf(newer);
      if (i <= 0) throw new NotFoundError(`${id} has no version before v${newer} to compare with`, { hint: `name two versions to compare (available: ${all.join(', ')})` });
      older = all[i - 1]!;
    }
    const [a, b] = await Promise.all([store.getPlaybook(id, older), newer === latest.metadata.version ? latest : store.getPlaybook(id, newer)]);
    return this.compare(id, storeSide(store, a), 'local', storeSide(store, b), 'local', options);
  }

  /**
   * A stored version (default the latest) against the server's copy: of the same version when
   * one is named, else of the server's latest.
   */
  async withServer(id: string, version?: string, options: CompareOptions = {}): Promise<VersionComparison> {
    const mine = await this.o.store.getPlaybook(id, version);
    const { api, fetchScript } = await this.o.server();
    const theirs = await serverSide(api, fetchScript, id, version ?? 'latest');
    return this.compare(id, storeSide(this.o.store, mine), 'local', theirs, 'server', options);
  }

  /** Two stored playbooks (a conflict's two sides: the playbook and its copy), labelled by id. */
  async between(from: Playbook, to: Playbook, options: CompareOptions = {}): Promise<VersionComparison> {
    const side = (p: Playbook): CompareSide => ({ ...storeSide(this.o.store, p), label: `${p.metadata.playbook_id}@v${p.metadata.version}` });
    return this.compare(from.metadata.playbook_id, side(from), 'local', side(to), 'local', options);
  }

  private async compare(id: string, from: CompareSide, fromSource: ComparedSide['source'], to: CompareSide, toSource: ComparedSide['source'], options: CompareOptions = {}): Promise<VersionComparison> {
    return {
      playbook_id: id,
      from: { label: from.label, version: from.version, source: fromSource },
      to: { label: to.label, version: to.version, source: toSource },
      files: await compareSides(from, to, options),
    };
  }
}
