import type { ValidateFunction } from 'ajv/dist/2020';
import { scriptPathIssues } from '../playbook-store/names';
import { PLAYBOOK_ID } from '../shared/safe-path';
import { contentHash } from './content-hash';
import { libraryS3Path } from './s3-path';
import type { LibraryEntry, LibraryListing } from './types';
import { formatAjvErrors, wireAjv, wireIssues } from './wire-validate';
import { wireSchemas } from './wire-schemas';

/**
 * The library listing is checked entry by entry, as the changes feed is (changes-page.ts): one
 * entry a server should never have sent must not hide the rest of the library. The envelope is
 * checked as usual; each entry against the LibraryEntry schema and the rules a schema cannot
 * state. A library entry is approved by definition, so what binds it is its content: the
 * content_hash must be the hash of the metadata sent (recomputed here) and every script's s3_path
 * must be the library's own path of that script; scripts are later verified against the sha256s
 * of this metadata when they are downloaded.
 */
let envelope: ValidateFunction | undefined;

export function libraryEnvelopeIssues(value: unknown): string[] {
  const page = wireSchemas.LibraryPage as { properties: Record<string, unknown> };
  envelope ??= wireAjv().compile({ ...page, properties: { ...page.properties, items: { type: 'array', maxItems: 1000 } } });
  return envelope(value) ? [] : formatAjvErrors(envelope.errors, 5, value);
}

export function splitLibraryPage(value: { items: unknown[]; next: string | null }, etag: string | null): LibraryListing {
  const entries: LibraryEntry[] = [];
  const rejected: Array<{ playbook_id: string | null; issues: string[] }> = [];
  for (const item of value.items) {
    const issues = libraryEntryIssues(item);
    if (issues.length === 0) entries.push(item as LibraryEntry);
    else {
      const id = (item as { playbook_id?: unknown } | null)?.playbook_id;
      rejected.push({ playbook_id: typeof id === 'string' && PLAYBOOK_ID.test(id) ? id : null, issues });
    }
  }
  return { notModified: false, entries, rejected, next: value.next, etag };
}

/** What is wrong with one library entry (empty: keep it). */
export function libraryEntryIssues(item: unknown): string[] {
  const shape = wireIssues('LibraryEntry', item);
  if (shape.length > 0) return shape;
  const e = item as LibraryEntry;
  const m = e.metadata;
  const issues: string[] = [];
  if (!e.versions.includes(e.latest_version)) issues.push(`latest_version ${e.latest_version} is not one of its versions`);
  if (m.playbook_id !== e.playbook_id) issues.push('its metadata describes another playbook');
  if (m.version !== e.latest_version) issues.push(`its metadata is of version ${m.version}, not ${e.latest_version}`);
  if (contentHash(m) !== m.content_hash) issues.push('its content_hash is not the hash of its metadata');
  for (const s of m.scripts) {
    if (s.path.split('/')[0] !== s.format) issues.push(`script ${s.path} is not in its format's folder`);
    else if (s.s3_path !== undefined && s.s3_path !== libraryS3Path(m.playbook_id, m.version, s.path)) issues.push(`script ${s.path} is not stored in the library`);
  }
  for (const i of scriptPathIssues(m.scripts.map((s) => s.path))) issues.push(i);
  return issues;
}
