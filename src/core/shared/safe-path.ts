import * as path from 'node:path';
import { ValidationError } from './errors';

/**
 * Everything that becomes a path component (playbook ids, versions, script paths, s3 paths from a
 * server) goes through here. The rules are deliberately narrower than any filesystem's so that a
 * name valid here is valid, and means the same file, on Linux, macOS and Windows.
 */

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A playbook id: lower-case slug, 1-64 chars, starts and ends alphanumeric, no `--` runs. */
export const PLAYBOOK_ID = /^[a-z0-9](?:[a-z0-9]|-(?!-)){0,62}[a-z0-9]$|^[a-z0-9]$/;

export function validatePlaybookId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) throw new ValidationError('Playbook id must be a non-empty string');
  describeHostile('Playbook id', id);
  if (!PLAYBOOK_ID.test(id)) {
    throw new ValidationError(`Invalid playbook id "${printable(id)}"`, [], {
      hint: 'ids are lower-case letters, digits and single hyphens, 1-64 characters, e.g. "weekend-rds-shutdown"',
    });
  }
  if (WINDOWS_RESERVED.test(id)) throw new ValidationError(`Playbook id "${id}" is a reserved device name on Windows`);
  return id;
}

/** One path segment (a file or folder name) inside a playbook. */
export function validateSegment(kind: string, value: string): string {
  describeHostile(kind, value);
  if (value === '.' || value === '..') throw new ValidationError(`${kind} "${value}" is a relative directory reference`);
  if (!SEGMENT.test(value) || value.length > 128) {
    throw new ValidationError(`${kind} "${printable(value)}" has characters that are not allowed`, [], {
      hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit',
    });
  }
  if (WINDOWS_RESERVED.test(value)) throw new ValidationError(`${kind} "${value}" is a reserved device name on Windows`);
  if (/[. ]$/.test(value)) throw new ValidationError(`${kind} "${value}" ends with a dot or space (not portable to Windows)`);
  return value;
}

/**
 * A relative path inside a playbook version folder, "/"-separated (e.g. "shell/stop.sh").
 * Absolute paths, drive letters, backslashes, "..", empty segments are all rejected.
 */
export function validateRelativePath(kind: string, rel: unknown): string {
  if (typeof rel !== 'string' || rel.length === 0) throw new ValidationError(`${kind} must be a non-empty relative path`);
  describeHostile(kind, rel);
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel) || rel.includes('\\')) {
    throw new ValidationError(`${kind} "${printable(rel)}" must be a relative path using "/"`);
  }
  if (rel.length > 512) throw new ValidationError(`${kind} is longer than 512 characters`);
  const parts = rel.split('/');
  for (const part of parts) {
    if (part === '') throw new ValidationError(`${kind} "${printable(rel)}" has an empty segment`);
    validateSegment(kind, part);
  }
  return rel;
}

/** Joins `rel` under `root` after validation and proves the result stays inside `root`. */
export function resolveInside(root: string, rel: string, kind = 'Path'): string {
  validateRelativePath(kind, rel);
  const full = path.resolve(root, ...rel.split('/'));
  const base = path.resolve(root);
  if (full !== base && !full.startsWith(base + path.sep)) throw new ValidationError(`${kind} "${printable(rel)}" escapes ${base}`);
  return full;
}

function describeHostile(kind: string, value: string): void {
  if (value.includes('\0')) throw new ValidationError(`${kind} contains a NUL byte`);
  if (CONTROL.test(value)) throw new ValidationError(`${kind} "${printable(value)}" contains control characters`);
  if (value.normalize('NFC') !== value) throw new ValidationError(`${kind} "${value}" is not in Unicode NFC form`);
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(s.length > 80 ? s.slice(0, 77) + '...' : s).slice(1, -1).replace(/[\u0000-\u001f]/g, '?');
}
