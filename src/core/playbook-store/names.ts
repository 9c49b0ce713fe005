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

/**
 * The rule for the set of script paths of one version, on top of each path being valid: the
 * version must be writable as one folder on Linux, macOS and Windows alike. So no two paths may
 * differ only in case (one file on a case-insensitive disk), and no path may be a folder of
 * another (`shell/a` beside `shell/a/b.sh`: a file and a folder cannot share a name). Every
 * component enforces it — the store before writing, the reference server before accepting a
 * publish, the client before applying a server record — because a version that breaks it cannot
 * be written on some machine, and fails there on every sync. Returns one message per problem.
 */
export function scriptPathIssues(paths: readonly unknown[]): string[] {
  const issues: string[] = [];
  const files = new Map<string, string>();
  const valid: string[] = [];
  for (const p of paths) {
    try {
      validateScriptPath(p);
    } catch (e) {
      issues.push((e as Error).message);
      continue;
    }
    const file = p as string;
    const key = file.toLowerCase();
    const same = files.get(key);
    if (same === file) issues.push(`script "${file}" is listed twice`);
    else if (same !== undefined) issues.push(`scripts "${same}" and "${file}" differ only in case (one file on Windows and macOS)`);
    else {
      files.set(key, file);
      valid.push(file);
    }
  }
  for (const file of valid) {
    const segments = file.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = files.get(segments.slice(0, i).join('/').toLowerCase());
      if (folder !== undefined) issues.push(`script "${folder}" is also a folder of "${file}" (a file and a folder cannot share a name)`);
    }
  }
  return issues;
}
