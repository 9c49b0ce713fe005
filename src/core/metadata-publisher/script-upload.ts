import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { EscherApi, PublishedMetadata } from '../escher-api/types';
import type { ScriptEntry } from '../playbook-store/metadata';
import type { Playbook, PlaybookStoreApi } from '../playbook-store/types';
import { openInside } from '../shared/contained-fs';
import { IntegrityError } from '../shared/errors';
import { streamFromHandle } from '../shared/handle-stream';
import { sha256Handle } from '../shared/hash';
import { resolveInside } from '../shared/safe-path';

/**
 * Flow 2 step 2: send only the scripts tenant storage lacks (storage is content-addressed).
 * Scripts unchanged since the version both sides agreed on (`base`) are there already (that
 * version references them), so a metadata-only edit costs no upload check at all.
 *
 * What is sent is exactly what metadata.json records, checked before the first byte leaves:
 * - a plain script is opened inside its version folder (no symlink, a regular file whose real
 *   path is inside: shared/contained-fs.ts), hashed from that handle, and streamed from the same
 *   handle, so the bytes checked are the bytes sent;
 * - a sensitive script (encrypted at rest) is decrypted and verified in memory and sent from
 *   memory: no plaintext file is ever written, so no crash can leave one behind.
 */
export async function uploadMissingScripts(d: { api: EscherApi; store: PlaybookStoreApi }, local: Playbook, published: PublishedMetadata, base: PublishedMetadata | undefined): Promise<void> {
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
    if (s.sensitive) {
      const plain = await d.store.readScript(local, s.path);
      try {
        await d.api.uploadScript({ ...args, body: () => Readable.from([plain], { objectMode: false }) });
      } finally {
        plain.fill(0);
      }
      continue;
    }
    await uploadPlainScript(d.api, local, s, args);
  }
}

async function uploadPlainScript(api: EscherApi, local: Playbook, s: ScriptEntry, args: { playbookId: string; version: string; path: string; sha256: string; size: number }): Promise<void> {
  const file = resolveInside(local.dir, s.path, 'Script path');
  const { handle, stats } = await openInside(local.dir, file, 'Script');
  try {
    const actual = await sha256Handle(handle, stats.size);
    if (actual.size !== s.size || actual.sha256 !== s.sha256) {
      throw new IntegrityError(`Script ${file} does not match metadata.json (${actual.size} bytes, SHA-256 ${actual.sha256}; recorded: ${s.size} bytes, ${s.sha256}); nothing was uploaded`, {
        hint: 'versions are immutable: restore the file, or save your edit as a new version',
        hintCode: 'store-needs-check',
      });
    }
    await api.uploadScript({ ...args, body: () => streamFromHandle(handle) });
  } finally {
    await handle.close();
  }
}

/**
 * Earlier versions decrypted sensitive scripts into <cache>/metadata/.upload-scratch for the
 * upload; a process killed mid-upload left the plaintext there (and the move of the sync state to
 * $ESCHER_HOME/sync carries that folder along). Nothing writes one any more: whatever is left in
 * any of `stateDirs` is removed when a publisher first needs the server.
 */
export async function removeLegacyUploadScratch(stateDirs: readonly string[]): Promise<void> {
  for (const dir of stateDirs) await fs.rm(path.join(dir, '.upload-scratch'), { recursive: true, force: true });
}
