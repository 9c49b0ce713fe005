import * as path from 'node:path';
import { CryptoError, IntegrityError, NotFoundError, ValidationError, isEscherError } from '../shared/errors';
import { mapLimit } from '../shared/map-limit';
import { readVerifiedScript } from './script-files';
import type { ModifiedFile, ModifiedVersion, Playbook, PlaybookStoreApi, PlaybookSummary } from './types';
import { MODIFIED_VERSION_HINT, modifiedHintCode, verifiedStoreFiles } from './verified-files';

/**
 * The files of `playbook` that no longer match the size and SHA-256 its metadata.json records
 * (edited by another editor or a script, replaced by a symlink, gone), checked by the same
 * verifiers `resolve`, `run` and `readScript` use: plain scripts opened inside the version folder
 * and hashed from the handle (verified-files.ts), sensitive ones decrypted and hashed
 * (script-files.ts). Sensitive scripts are checked only when the data key is at hand (`key`
 * undefined: they cannot be, and are not reported).
 */
export async function findModifiedFiles(playbook: Playbook, key: Buffer | undefined): Promise<ModifiedFile[]> {
  const out: ModifiedFile[] = [];
  for (const s of playbook.metadata.scripts) {
    if (s.sensitive && !key) continue;
    try {
      if (s.sensitive) await readVerifiedScript(playbook, s.path, () => Promise.resolve(key!));
      else await verifiedStoreFiles(playbook, [s], playbook.area);
    } catch (e) {
      if (!isModification(e)) throw e;
      out.push({ path: s.path, problem: (e as Error).message });
    }
  }
  return out;
}

/** Errors that mean "the file is not what was stored" (not "the disk failed"): changed, missing, a symlink or not a file, a broken seal. */
function isModification(e: unknown): boolean {
  if (!isEscherError(e)) return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return e instanceof IntegrityError || e instanceof NotFoundError || e instanceof ValidationError || e instanceof CryptoError;
}

/** Refuses a modified version: an IntegrityError naming every changed file and the way out. */
export function modifiedError(playbook: Playbook, files: readonly ModifiedFile[]): IntegrityError {
  const { playbook_id: id, version } = playbook.metadata;
  const names = files.map((f) => path.join(playbook.dir, f.path)).join(', ');
  // Each file's own problem (changed, missing, a symlink, a broken seal) follows the list.
  return new IntegrityError(`${id} v${version} was modified on disk (${names}): ${files.map((f) => f.problem).join('; ')}`, {
    hint: MODIFIED_VERSION_HINT,
    hintCode: modifiedHintCode(playbook),
  });
}

/** The latest versions among `summaries` that were modified on disk, checked a few at a time. */
export async function findModifiedVersions(store: Pick<PlaybookStoreApi, 'getPlaybook' | 'findModifiedFiles'>, summaries: readonly PlaybookSummary[]): Promise<ModifiedVersion[]> {
  const checked = await mapLimit(summaries, 8, async (s): Promise<ModifiedVersion> => {
    const playbook = await store.getPlaybook(s.playbook_id, s.version);
    return { playbook_id: s.playbook_id, version: s.version, area: playbook.area, dir: playbook.dir, files: await store.findModifiedFiles(playbook) };
  });
  return checked.filter((v) => v.files.length > 0);
}
