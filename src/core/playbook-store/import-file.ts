import { promises as fs } from 'node:fs';
import { ValidationError } from '../shared/errors';
import { type ImportDefaults, specsOf, specToInput } from './bundle';
import type { ImportItemResult, ImportSummary } from './import-summary';
import type { OnExisting } from './on-existing';
import type { PlaybookStore } from './store';
import type { CreatePlaybookInput } from './types';

export interface ImportOptions {
  defaults?: ImportDefaults;
  onExisting: OnExisting;
  /** Words an error for the surface showing it (the CLI's and VS Code's hints differ). */
  describe(e: unknown): string;
  onProgress?(done: number, total: number): void;
}

/**
 * Imports a parsed file (a list of specs or an export bundle) into the store, the CLI's `import`
 * and VS Code's *Import Playbooks…* alike. Each spec is one atomic create: it appears whole or
 * not at all, and a bad spec never stops the others.
 */
export async function importSpecs(store: PlaybookStore, doc: unknown, o: ImportOptions): Promise<ImportSummary> {
  const specs = specsOf(doc);
  const items: ImportItemResult[] = new Array<ImportItemResult>(specs.length);
  const inputs: CreatePlaybookInput[] = [];
  const indexOf: number[] = [];
  specs.forEach((raw, index) => {
    const name = typeof (raw as { name?: unknown } | null)?.name === 'string' ? (raw as { name: string }).name : `#${index}`;
    items[index] = { index, name, status: 'failed' };
    try {
      inputs.push({ ...specToInput(raw, o.defaults ?? {}), enforceContract: true });
      indexOf.push(index);
    } catch (e) {
      items[index]!.error = o.describe(e);
    }
  });
  const created = await store.createPlaybooks(inputs, (done) => o.onProgress?.(done, inputs.length), { onExisting: o.onExisting });
  const results: ImportSummary['results'] = [];
  created.forEach((r, k) => {
    const item = items[indexOf[k]!]!;
    results.push({ item, result: r });
    if (!r.ok) {
      item.error = o.describe(r.error);
      return;
    }
    const m = r.playbook.metadata;
    Object.assign(item, { status: r.outcome, playbook_id: m.playbook_id, version: m.version, area: r.playbook.area });
    if (r.outcome === 'copied') item.existing = r.existing;
    if (r.outcome === 'skipped') item.identical = r.identical;
  });
  const count = (...s: ImportItemResult['status'][]): number => items.filter((i) => s.includes(i.status)).length;
  return {
    items,
    imported: count('created', 'copied', 'new-version'),
    skipped: count('skipped'),
    differs: items.filter((i) => i.status === 'skipped' && !i.identical).length,
    failed: count('failed'),
    results,
  };
}

/** Reads an import file: JSON or YAML, a list of specs or an export bundle. */
export async function readImportFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ValidationError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseImportText(text, file);
}

/** JSON (a list or a bundle) or YAML; `name` names the source in errors. */
export async function parseImportText(text: string, name: string): Promise<unknown> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      if (/\.json$/i.test(name)) throw new ValidationError(`${name} is not valid JSON: ${(e as Error).message}`);
    }
  }
  // Loaded only for YAML input. Under the ESM CLI build a CommonJS package arrives as `default`.
  const mod: typeof import('yaml') & { default?: typeof import('yaml') } = await import('yaml');
  try {
    return (mod.default ?? mod).parse(text, { maxAliasCount: 100 }) as unknown;
  } catch (e) {
    throw new ValidationError(`${name} is neither valid JSON nor valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
}
