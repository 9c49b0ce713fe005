import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { EscherApi, PublishedMetadata } from '../escher-api/types';
import type { Playbook, PlaybookStoreApi } from '../playbook-store/types';
import { resolveInside } from '../shared/safe-path';

/**
 * Flow 2 step 2: send only the scripts tenant storage lacks (storage is content-addressed).
 * Scripts unchanged since the version both sides agreed on (`base`) are there already (that
 * version references them), so a metadata-only edit costs no upload check at all.
 * Sensitive scripts are encrypted at rest: the verified plaintext is uploaded from a private
 * scratch file (0600 in a 0700 folder) that is removed right after.
 */
export async function uploadMissingScripts(
  d: { api: EscherApi; store: PlaybookStoreApi; scratchDir: string },
  local: Playbook,
  published: PublishedMetadata,
  base: PublishedMetadata | undefined,
): Promise<void> {
  if (published.scripts.length === 0) return;
  if (base) {
    const known = new Set(base.scripts.map((s) => s.sha256));
    if (published.scripts.every((s) => known.has(s.sha256))) return;
  }
  const missing = new Set(await d.api.missingBlobs([...new Set(published.scripts.map((s) => s.sha256))]));
  for (const s of local.metadata.scripts) {
    if (!missing.has(s.sha256)) continue;
    missing.delete(s.sha256);
    const args = { playbookId: local.metadata.playbook_id, version: local.metadata.version, path: s.path, sha256: s.sha256, size: s.size };
    if (!s.sensitive) {
      await d.api.uploadScript({ ...args, file: resolveInside(local.dir, s.path, 'Script path') });
      continue;
    }
    await fs.mkdir(d.scratchDir, { recursive: true, mode: 0o700 });
    const tmp = path.join(d.scratchDir, `${s.sha256}-${process.pid}`);
    try {
      await fs.writeFile(tmp, await d.store.readScript(local, s.path), { mode: 0o600 });
      await d.api.uploadScript({ ...args, file: tmp });
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
}
