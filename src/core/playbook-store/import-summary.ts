import type { CreateResult } from './bulk-create';
import type { Area } from './metadata';

/** One spec of an import file and what became of it. */
export interface ImportItemResult {
  index: number;
  name: string;
  status: 'created' | 'copied' | 'new-version' | 'skipped' | 'failed';
  playbook_id?: string;
  version?: string;
  area?: Area;
  /** copied: the playbook it was copied beside. */
  existing?: string;
  /** skipped: whether the existing latest version already holds this content. */
  identical?: boolean;
  error?: string;
}

export interface ImportSummary {
  items: ImportItemResult[];
  /** Created, copied or written as a new version. */
  imported: number;
  skipped: number;
  /** Skipped although the file's content differs from what is there (not all of it arrived). */
  differs: number;
  failed: number;
  /** The store's result per spec that reached it (the CLI words each outcome). */
  results: Array<{ item: ImportItemResult; result: CreateResult }>;
}

/** "imported 3 of 5 playbooks, 1 skipped (already there, 1 with other content), 1 failed". */
export function importSummaryLine(s: ImportSummary): string {
  const n = s.items.length;
  return `imported ${s.imported} of ${n} playbook${n === 1 ? '' : 's'}${s.skipped ? `, ${s.skipped} skipped (already there${s.differs ? `, ${s.differs} with other content` : ''})` : ''}${s.failed ? `, ${s.failed} failed` : ''}`;
}
