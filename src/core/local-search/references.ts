import { NotFoundError, isEscherError } from '../shared/errors';
import { mapLimit } from '../shared/map-limit';
import type { PlaybookStoreApi } from '../playbook-store/types';
import type { ResolvedReference } from './search-api';

const READ_CONCURRENCY = 8;

/**
 * The server's agent answers with references (id + version) into the tenant and library
 * collections; the ones the user has locally resolve to full playbooks from the store. A missing
 * playbook or version, or an id the store refuses, is "not found" with the reason; anything else
 * (a damaged disk) is thrown.
 */
export function resolveReferences(store: PlaybookStoreApi, refs: readonly { playbook_id: string; version: string }[]): Promise<ResolvedReference[]> {
  return mapLimit(refs, READ_CONCURRENCY, async (ref) => {
    try {
      const playbook = await store.getPlaybook(ref.playbook_id, ref.version);
      return { playbook_id: ref.playbook_id, version: ref.version, found: true as const, playbook };
    } catch (e) {
      if (e instanceof NotFoundError || (isEscherError(e) && e.code === 'VALIDATION')) {
        return { playbook_id: ref.playbook_id, version: ref.version, found: false as const, reason: e.message };
      }
      throw e;
    }
  });
}
