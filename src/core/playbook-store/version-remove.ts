import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsyncDir } from '../shared/atomic-fs';
import { NotFoundError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { versionDirName } from './layout';
import { listVersions } from './store-folders';
import { renameNoReplace, trashName } from './version-writer';

/** Removing and moving playbook folders under the store's locks (the store's delete and move). */

/**
 * Deletes one version of the playbook in `dir` or, with no version (or its last one), the whole
 * playbook: renamed away to a trash name first (gone at once, whole), then removed. The caller
 * holds the playbook's lock (`assertHeld` checks it right before the rename).
 */
export async function removeVersion(dir: string, id: string, version: string | undefined, assertHeld: () => void, logger: Logger): Promise<void> {
  const versions = await listVersions(dir);
  if (version !== undefined && !versions.includes(version)) {
    throw new NotFoundError(`Playbook "${id}" has no version ${version}`, { hint: `available: ${versions.join(', ') || 'none'}` });
  }
  // Deleting the last version deletes the playbook: an id folder with no versions is an orphan.
  const whole = version === undefined || versions.length === 1;
  const victim = whole ? dir : path.join(dir, versionDirName(version!));
  const parent = path.dirname(victim);
  const trash = path.join(parent, trashName(path.basename(victim)));
  assertHeld();
  await fs.rename(victim, trash);
  await fsyncDir(parent);
  // The delete has happened (the rename); failing to free the space is not the caller's error.
  await fs.rm(trash, { recursive: true, force: true }).catch((e: unknown) => logger.warn(`could not remove ${trash} (doctor --repair will): ${String(e)}`));
}

/**
 * Moves the playbook `id` from area folder `fromDir` to `toDir`: one rename(2) between sibling
 * folders of the same tree, atomic, so a crash leaves it wholly in one or the other, never in
 * both or neither. The caller holds the store and playbook locks (`assertHeld`).
 */
export async function movePlaybookDir(fromDir: string, toDir: string, id: string, assertHeld: () => void): Promise<void> {
  assertHeld();
  await renameNoReplace(path.join(fromDir, id), path.join(toDir, id));
  await fsyncDir(toDir);
  await fsyncDir(fromDir);
}
