import type { Area } from '../../core/playbook-store/metadata';
import { METADATA_FILE, parseStorePath } from '../../core/playbook-store/layout';

/** Where a metadata.json sits in the store: `<playbooksDir>/<area>/<id>/v<version>/metadata.json`. */
export interface MetadataLocation {
  area: Area;
  playbookId: string;
  version: string;
}

/** Undefined for any file that is not a version's metadata.json inside `playbooksDir` (the store's own path rule). */
export function locateMetadata(file: string, playbooksDir: string): MetadataLocation | undefined {
  const at = parseStorePath(playbooksDir, file);
  if (!at || at.file !== METADATA_FILE) return undefined;
  return { area: at.area, playbookId: at.playbookId, version: at.version };
}
