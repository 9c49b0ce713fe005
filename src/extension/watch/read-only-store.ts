import * as vscode from 'vscode';
import type { Logger } from '../../core/shared/logger';
import { storeReadOnlyGlob, withStoreReadOnly } from './read-only-glob';

/**
 * Marks the store's version folders read-only in the editor (read-only-glob.ts) by adding one
 * entry to the user's `files.readonlyInclude`, once per store folder. Best effort: a failure to
 * write settings is logged, the files' own read-only modes still refuse a save.
 */
export async function markStoreReadOnly(playbooksDir: string, logger: Logger): Promise<void> {
  const glob = storeReadOnlyGlob(playbooksDir);
  if (glob === undefined) {
    logger.warn(`the playbooks folder ${playbooksDir} has glob characters in its path: its files are read-only on disk but not marked read-only in the editor`);
    return;
  }
  const files = vscode.workspace.getConfiguration('files');
  const next = withStoreReadOnly(files.inspect<Record<string, unknown>>('readonlyInclude')?.globalValue, glob);
  if (!next) return;
  try {
    await files.update('readonlyInclude', next, vscode.ConfigurationTarget.Global);
    logger.info(`stored versions open read-only: added ${glob} to files.readonlyInclude`);
  } catch (e) {
    logger.warn(`could not mark the store read-only in the editor: ${e instanceof Error ? e.message : String(e)}`);
  }
}
