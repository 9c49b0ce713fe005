import * as path from 'node:path';
import { writeFileAtomic } from '../shared/atomic-fs';
import { isEscherError } from '../shared/errors';
import { METADATA_FILE } from './layout';
import type { PlaybookMetadata } from './metadata';
import { encryptScript, hasEncryptedDefaults, resealParameters } from './sensitive';
import type { DoctorIssue } from './types';
import { storedFileMode } from './version-writer';

type Report = (kind: DoctorIssue['kind'], p: string, message: string, repaired?: boolean) => void;

/** A sensitive script of a version that opened only in the older format (no playbook id in its AAD). */
export interface LegacyScript {
  file: string;
  path: string;
  plain: Buffer;
}

const LEGACY = 'sealed the older way, without its playbook id (an envelope copied in from another playbook would open too)';

/**
 * `doctor`'s part of the envelope migration (sensitive.ts): sealed values of one version that
 * are still in the older format are reported as `seal`; with `repair` they are re-sealed in place
 * (same plaintext, new AAD: an atomic rewrite of the script file, or of metadata.json for
 * parameter defaults). A default that does not open at all is reported as `checksum`. The caller
 * holds the playbook's lock when repairing.
 */
export async function checkSeals(dir: string, metadata: PlaybookMetadata, legacy: readonly LegacyScript[], key: Buffer | undefined, repair: boolean, report: Report): Promise<void> {
  const id = metadata.playbook_id;
  for (const s of legacy) {
    if (repair && key) {
      await writeFileAtomic(s.file, encryptScript(key, id, s.path, s.plain), { mode: storedFileMode(s.path, true) });
      report('seal', s.file, `${LEGACY}: re-sealed`, true);
    } else report('seal', s.file, `${LEGACY}; run \`escher-playbook doctor --repair\``);
  }
  if (!key || !hasEncryptedDefaults(metadata.parameters)) return;
  const file = path.join(dir, METADATA_FILE);
  let resealed;
  try {
    resealed = resealParameters(metadata.parameters, key, id);
  } catch (e) {
    report('checksum', file, isEscherError(e) ? e.message : String(e));
    return;
  }
  if (resealed.legacy === 0) return;
  const what = `${resealed.legacy} sensitive default(s) ${LEGACY}`;
  if (!repair) {
    report('seal', file, `${what}; run \`escher-playbook doctor --repair\``);
    return;
  }
  // Same document with only the envelopes replaced, written the way version-writer.ts writes it.
  await writeFileAtomic(file, JSON.stringify({ ...metadata, parameters: resealed.parameters }, null, 2) + '\n', { mode: storedFileMode(METADATA_FILE, false) });
  report('seal', file, `${what}: re-sealed`, true);
}
