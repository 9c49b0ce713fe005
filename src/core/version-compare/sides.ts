import type { EscherApi } from '../escher-api/types';
import type { ScriptFetcher } from '../metadata-publisher/local-writer';
import type { Playbook, PlaybookStoreApi } from '../playbook-store/types';
import { IntegrityError, NotFoundError } from '../shared/errors';
import type { CompareSide } from './file-diff';

/** A stored version as a side: scripts read through the store's verified read (a file changed on disk is refused, not shown). */
export function storeSide(store: Pick<PlaybookStoreApi, 'readScript'>, playbook: Playbook): CompareSide {
  return {
    label: `v${playbook.metadata.version}`,
    version: playbook.metadata.version,
    metadata: playbook.metadata,
    readScript: (p) => store.readScript(playbook, p),
  };
}

/**
 * The server's copy of a version as a side: its metadata from the API (schema-checked by the
 * client, id and version checked against the request), each script through `fetchScript` — the
 * script manager's verified cache or a verified download, checked once more against this metadata.
 */
export async function serverSide(api: Pick<EscherApi, 'fetchMetadata'>, fetchScript: ScriptFetcher, id: string, version: string | 'latest'): Promise<CompareSide> {
  const { metadata } = await api.fetchMetadata(id, version, 'tenant');
  return {
    label: `server/v${metadata.version}`,
    version: metadata.version,
    metadata,
    readScript: async (p) => {
      const entry = metadata.scripts.find((s) => s.path === p);
      if (!entry) throw new NotFoundError(`The server's ${id} v${metadata.version} has no script ${p}`);
      if (!entry.s3_path) throw new IntegrityError(`The server's metadata of ${id} v${metadata.version} names no storage path for ${p}`, { hint: 'the server sent incomplete metadata; try again later' });
      return fetchScript({ s3_path: entry.s3_path, sha256: entry.sha256, size: entry.size });
    },
  };
}
