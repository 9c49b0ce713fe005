import type { PublishedMetadata } from '../escher-api/types';
import { contentHash } from '../escher-api/content-hash';
import { tenantS3Path } from '../escher-api/s3-path';
import { ValidationError } from '../shared/errors';
import type { PlaybookMetadata } from '../playbook-store/metadata';
import { stripSensitiveDefault } from './three-way-merge';

/**
 * Flow 2 step 1, "extract metadata (no scripts)": what the server receives for one version.
 * Script bodies never appear, only path + sha256 + size + the tenant storage path; sensitive
 * parameter defaults are dropped (they are encrypted with a key that never leaves this machine).
 * A local_only playbook has no published form at all: this is the last gate before the wire.
 */
export function toPublishedMetadata(m: PlaybookMetadata, tenant: string): PublishedMetadata {
  if (m.storage_strategy === 'local_only') {
    throw new ValidationError(`Playbook "${m.playbook_id}" v${m.version} is local_only and is never uploaded`, [], {
      hint: 'publish it for review or as trusted to make it shareable (this writes a new version)',
      hintCode: 'publish-private',
    });
  }
  const { $schema: _schema, ...rest } = m;
  const withoutHash: Omit<PublishedMetadata, 'content_hash'> = {
    ...rest,
    storage_strategy: m.storage_strategy,
    keywords: [...m.keywords],
    resource_types: [...m.resource_types],
    parameters: m.parameters.map(stripSensitiveDefault),
    scripts: m.scripts.map((s) => ({
      format: s.format,
      path: s.path,
      sha256: s.sha256,
      size: s.size,
      ...(s.sensitive ? { sensitive: true } : {}),
      s3_path: tenantS3Path(tenant, m.playbook_id, m.version, s.path),
    })),
  };
  return { ...withoutHash, content_hash: contentHash(withoutHash) };
}
