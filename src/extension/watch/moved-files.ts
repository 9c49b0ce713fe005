import * as path from 'node:path';
import type { StoreChange } from '../../core/playbook-store/types';

/**
 * Where a file of a playbook the store moved between areas (a publish moves local/ → synced/) is
 * now: `<playbooksDir>/<from>/<id>/<rest>` becomes `<playbooksDir>/<to>/<id>/<rest>`. Undefined
 * for a file that is not inside the moved playbook's old folder (nothing to follow).
 */
export function movedPath(file: string, playbooksDir: string, change: Extract<StoreChange, { kind: 'moved' }>): string | undefined {
  const oldDir = path.join(playbooksDir, change.from, change.playbookId);
  const rel = path.relative(oldDir, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return path.join(playbooksDir, change.to, change.playbookId, rel);
}
