import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { utf8 } from '../playbook-store/contract-hook';
import type { Playbook } from '../playbook-store/types';
import { MODIFIED_VERSION_HINT, modifiedHintCode } from '../playbook-store/verified-files';
import { ContentMismatchError, IntegrityError, isEscherError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import type { SourceScript } from './render/render-types';

/** What the runner needs of the store: verified script bytes and plaintext parameter declarations. */
export interface RunnerStore {
  readonly playbooksDir: string;
  getPlaybook(id: string, version?: string): Promise<Playbook>;
  readScript(playbook: Playbook, scriptPath: string): Promise<Buffer>;
  revealParameters(playbook: Playbook): Promise<Playbook['metadata']['parameters']>;
}

/**
 * Every file of the version, checked against metadata.json (size and SHA-256; sensitive ones
 * decrypted first) before anything is rendered or run. A file that does not match refuses the
 * run — exit 5 — naming it and the way out. Returns the plaintexts and metadata.json's own hash.
 */
export async function verifyVersion(store: RunnerStore, playbook: Playbook): Promise<{ scripts: SourceScript[]; contentHash: string }> {
  const { playbook_id: id, version } = playbook.metadata;
  const scripts: SourceScript[] = [];
  for (const entry of playbook.metadata.scripts) {
    let bytes: Buffer;
    try {
      bytes = await store.readScript(playbook, entry.path);
    } catch (e) {
      if (isEscherError(e) && e.code === 'INTEGRITY') {
        const now = e instanceof ContentMismatchError ? `: metadata.json records SHA-256 ${e.recorded.sha256}, the file now hashes to ${e.actual.sha256}` : ' (its size or SHA-256 no longer matches metadata.json)';
        throw new IntegrityError(`${id} v${version}: ${entry.path} was changed after it was stored${now}, so it will not run`, {
          hint: MODIFIED_VERSION_HINT,
          hintCode: modifiedHintCode(playbook),
        });
      }
      throw e;
    }
    scripts.push({ path: entry.path, bytes, text: utf8(bytes) });
  }
  const contentHash = sha256(await fs.readFile(path.join(playbook.dir, 'metadata.json')));
  return { scripts, contentHash };
}
