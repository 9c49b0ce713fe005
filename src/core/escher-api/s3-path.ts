import * as semver from 'semver';
import { ValidationError } from '../shared/errors';
import { validatePlaybookId, validateRelativePath } from '../shared/safe-path';

/**
 * Storage locations as the server names them (the seed's S3 layout):
 *   s3://escher-tenant-data/tenants/{tenant}/playbooks/{id}/{version}/{format}/{file...}
 *   s3://escher-library/playbooks/{id}/{version}/{format}/{file...}
 * `version` is a bare semver ("1.0.0"). Both the server (before touching its disk) and the client
 * (before trusting a path a server sent) parse them here, strictly: no percent-encoding, no
 * backslashes, no "." / ".." / empty segments, every segment checked by safe-path.
 */
export const TENANT_BUCKET = 'escher-tenant-data';
export const LIBRARY_BUCKET = 'escher-library';

export type S3Location =
  | { kind: 'tenant'; tenant: string; playbookId: string; version: string; path: string }
  | { kind: 'library'; playbookId: string; version: string; path: string };

const SCRIPT_FORMAT_DIRS = new Set(['shell', 'cloudformation', 'arm', 'terraform', 'python']);

export function parseS3Path(s3Path: unknown): S3Location {
  if (typeof s3Path !== 'string' || s3Path.length === 0) throw new ValidationError('s3_path must be a non-empty string');
  if (s3Path.length > 1024) throw new ValidationError('s3_path is longer than 1024 characters');
  const shown = JSON.stringify(s3Path.length > 120 ? s3Path.slice(0, 117) + '...' : s3Path);
  if (/[%\\?#\s]/.test(s3Path)) throw new ValidationError(`s3_path ${shown} contains "%", "\\", "?", "#" or whitespace`);
  const m = /^s3:\/\/([a-z0-9-]+)\/(.+)$/.exec(s3Path);
  if (!m) throw new ValidationError(`s3_path ${shown} is not an s3://bucket/key path`);
  const [, bucket, key] = m as unknown as [string, string, string];
  const parts = key.split('/');
  try {
    if (bucket === TENANT_BUCKET) {
      if (parts[0] !== 'tenants' || parts[2] !== 'playbooks' || parts.length < 7) throw new ValidationError('expected tenants/{tenant}/playbooks/{id}/{version}/{format}/{file}');
      const tenant = validatePlaybookId(parts[1]);
      return { kind: 'tenant', tenant, ...tail(parts.slice(3)) };
    }
    if (bucket === LIBRARY_BUCKET) {
      if (parts[0] !== 'playbooks' || parts.length < 5) throw new ValidationError('expected playbooks/{id}/{version}/{format}/{file}');
      return { kind: 'library', ...tail(parts.slice(1)) };
    }
    throw new ValidationError(`unknown bucket "${bucket}"`, [], { hint: `expected ${TENANT_BUCKET} or ${LIBRARY_BUCKET}` });
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError(`Invalid s3_path ${shown}: ${e.message}`, [], { hint: e.hint, cause: e });
    throw e;
  }
}

function tail(parts: string[]): { playbookId: string; version: string; path: string } {
  const [id, version, ...rest] = parts;
  const playbookId = validatePlaybookId(id);
  if (!version || !semver.valid(version) || semver.clean(version) !== version) throw new ValidationError(`"${version ?? ''}" is not a semantic version`);
  const path = validateRelativePath('script path', rest.join('/'));
  if (!SCRIPT_FORMAT_DIRS.has(rest[0] ?? '') || rest.length < 2) throw new ValidationError(`script path "${path}" must start with a format folder (shell/, terraform/, ...)`);
  return { playbookId, version, path };
}

export function tenantS3Path(tenant: string, playbookId: string, version: string, path: string): string {
  return `s3://${TENANT_BUCKET}/tenants/${tenant}/playbooks/${playbookId}/${version}/${path}`;
}

export function libraryS3Path(playbookId: string, version: string, path: string): string {
  return `s3://${LIBRARY_BUCKET}/playbooks/${playbookId}/${version}/${path}`;
}

export function formatS3Location(loc: S3Location): string {
  return loc.kind === 'tenant' ? tenantS3Path(loc.tenant, loc.playbookId, loc.version, loc.path) : libraryS3Path(loc.playbookId, loc.version, loc.path);
}
