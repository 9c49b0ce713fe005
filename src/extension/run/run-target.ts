import { METADATA_FILE, parseStorePath } from '../../core/playbook-store/layout';
import type { PlaybookRef } from '../commands/playbook-ref';
import { refFromArg } from '../commands/playbook-ref';

/** Which playbook version a run is for, and which script when the caller named one. */
export interface RunTarget extends PlaybookRef {
  /** "shell/stop.sh": the entry script (a script row or the script in the editor). */
  script?: string;
}

/**
 * Run Playbook is invoked from a playbook or version row ({playbookId, version}), a script row
 * (also its relPath), a code lens ({playbookId, version, area}), a search result (the same), or
 * the editor title of a script (its URI). Undefined for anything else: the flow asks instead.
 */
export function runTargetFromArg(arg: unknown, playbooksDir: string): RunTarget | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const fsPath = (arg as { fsPath?: unknown; scheme?: unknown }).fsPath;
  if (typeof fsPath === 'string' && (arg as { scheme?: unknown }).scheme === 'file') return targetOfFile(fsPath, playbooksDir);
  const ref = refFromArg(arg);
  if (!ref) return undefined;
  const o = arg as { relPath?: unknown; format?: unknown };
  const script = typeof o.relPath === 'string' && typeof o.format === 'string' && o.relPath.startsWith(`${o.format}/`) ? o.relPath : undefined;
  return { ...ref, ...(script ? { script } : {}) };
}

/** A file inside the store: its playbook version, and the file as the entry script unless it is metadata.json. */
export function targetOfFile(file: string, playbooksDir: string): RunTarget | undefined {
  const at = parseStorePath(playbooksDir, file);
  if (!at) return undefined;
  return { playbookId: at.playbookId, version: at.version, area: at.area, ...(at.file && at.file !== METADATA_FILE ? { script: at.file } : {}) };
}

/** A run id from a Runs view row (a RunSummary), a `{ runId }` or the id itself. */
export function runIdFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as { run_id?: unknown; runId?: unknown };
  const id = typeof o.run_id === 'string' ? o.run_id : typeof o.runId === 'string' ? o.runId : undefined;
  return id && /^[0-9a-z-]{4,40}$/.test(id) ? id : undefined;
}
