import * as path from 'node:path';
import { AREAS, type Area } from '../../core/playbook-store/metadata';

/** Where a metadata.json sits in the store: `<playbooksDir>/<area>/<id>/v<version>/metadata.json`. */
export interface MetadataLocation {
  area: Area;
  playbookId: string;
  version: string;
}

/** Undefined for any file that is not a version's metadata.json inside `playbooksDir`. */
export function locateMetadata(file: string, playbooksDir: string): MetadataLocation | undefined {
  const rel = path.relative(path.resolve(playbooksDir), path.resolve(file));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const parts = rel.split(path.sep);
  if (parts.length !== 4 || parts[3] !== 'metadata.json') return undefined;
  const [area, playbookId, versionDir] = parts as [string, string, string, string];
  if (!(AREAS as readonly string[]).includes(area) || !versionDir.startsWith('v') || versionDir.length < 2) return undefined;
  return { area: area as Area, playbookId, version: versionDir.slice(1) };
}
