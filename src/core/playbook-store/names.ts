import * as semver from 'semver';
import { ValidationError } from '../shared/errors';
import { validateRelativePath } from '../shared/safe-path';
import { SCRIPT_FORMATS, type ScriptFormat } from './metadata';

/**
 * The two names the store gives meaning to, with one owner each: the store, the script cache and
 * the server paths all validate through here, so "a version" and "a script path" mean the same
 * thing everywhere. (Version folders, "v<version>", are layout.ts's.)
 */

/** A version: semver without build metadata ("1.2.0", "2.0.0-rc.1"), since "+" has no place in a folder name. */
export function isVersion(version: unknown): version is string {
  return typeof version === 'string' && semver.valid(version) === version && !version.includes('+');
}

export function validateVersion(version: unknown): string {
  if (!isVersion(version)) {
    throw new ValidationError(`Invalid playbook version "${String(version).slice(0, 40)}"`, [], { hint: 'versions are semantic versions such as 1.2.0' });
  }
  return version;
}

/** A script path as in metadata.json: "<format>/<file>[/…]", a known format as its first folder, every segment safe. */
export function validateScriptPath(rel: unknown): string {
  const p = validateRelativePath('Script path', rel);
  if (!(SCRIPT_FORMATS as readonly string[]).includes(p.split('/')[0]!) || !p.includes('/')) {
    throw new ValidationError(`Script path "${p}" must start with a format folder`, [], { hint: `one of ${SCRIPT_FORMATS.map((f) => f + '/').join(', ')}` });
  }
  return p;
}

/** The format of a script path (validating it). */
export function formatOf(scriptPath: unknown): ScriptFormat {
  return validateScriptPath(scriptPath).split('/')[0] as ScriptFormat;
}
