import type { ScriptEntry } from '../../core/playbook-store/metadata';
import type { PlaybookRunner } from '../../core/runner/runner';
import type { Finding, RunRecord } from '../../core/runner/types';

/** Preflight findings of one version, for the Problems panel. */
export interface FindingsReport {
  /** The version folder in the store. */
  versionDir: string;
  scripts: readonly Pick<ScriptEntry, 'path' | 'sensitive'>[];
  findings: readonly Finding[];
}

/**
 * What the run flows need from the extension beyond the editor (the container provides it; the
 * tests give a real runner on a temp home and record the rest).
 */
export interface RunHost {
  /** The run engine over the current service (rebuilt with it when the settings change). */
  runner(): Promise<PlaybookRunner>;
  /** Shows a version's preflight findings on its files in the Problems panel, replacing the last ones. */
  showFindings(report: FindingsReport): void;
  /** A run of this window ended: the Runs view reads the journal again. */
  runEnded(record: RunRecord): void;
}
