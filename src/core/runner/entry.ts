import * as path from 'node:path';
import type { ScriptFormat } from '../playbook-store/metadata';
import { NotFoundError, ValidationError } from '../shared/errors';

/**
 * Which file of a format is run. Terraform runs its whole folder (undefined). Otherwise the
 * requested script, else the only one, else one named main.* or run.* at the top of the folder.
 * ARM parameter files (*.parameters.json) are never the entry.
 */
export function entryScript(format: ScriptFormat, paths: readonly string[], requested?: string): string | undefined {
  if (format === 'terraform') return undefined;
  const own = paths.filter((p) => p.startsWith(`${format}/`));
  if (requested !== undefined) {
    if (!own.includes(requested)) {
      throw new NotFoundError(`The ${format} scripts of this version have no "${requested}"`, { hint: `${format} scripts: ${own.join(', ') || 'none'}` });
    }
    return requested;
  }
  const candidates = own.filter((p) => !(format === 'arm' && /\.parameters\.json$/i.test(p)));
  if (candidates.length === 1) return candidates[0];
  const top = candidates.filter((p) => p.split('/').length === 2 && /^(main|run)$/.test(path.posix.basename(p).replace(/\.[^.]*$/, '')));
  if (top.length === 1) return top[0];
  throw new ValidationError(`This version has ${candidates.length} ${format} scripts and none is the obvious one to run (${candidates.join(', ')})`, [], { hintCode: 'entry-ambiguous' });
}
