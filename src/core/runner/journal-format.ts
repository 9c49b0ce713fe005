import { sha256 } from '../shared/hash';
import type { RunRecord, RunStatus } from './types';

/**
 * The run journal, `$ESCHER_HOME/runs/journal.jsonl` (0600), append-only. One line per event:
 *
 *   <first 16 hex of sha256(json)> TAB <json> LF
 *
 * `{"v":1,"t":"start","run":RunRecord}` is appended (and fsynced) before the first process
 * starts, with status "running" and no end fields; `{"v":1,"t":"end","id":…,…end fields}` after
 * the last one ends. A dry run writes both at once. A start with no end is a run still going —
 * or, when its process is gone, an *interrupted* run (the CLI was killed): never nothing.
 * A line whose hash does not match (torn by a crash, damaged) is skipped, not fatal.
 * The capped, masked log of a run is `runs/logs/<run id>.log`, named by the end line.
 */
export const JOURNAL_FILE = 'journal.jsonl';
export const LOGS_DIR = 'logs';

export type EndFields = Pick<RunRecord, 'ended_at' | 'duration_ms' | 'exit_code' | 'signal' | 'status' | 'log'>;

export type JournalEntry = { v: 1; t: 'start'; run: RunRecord & { run_dir: string } } | ({ v: 1; t: 'end'; id: string } & EndFields);

export function encodeEntry(entry: JournalEntry): string {
  const json = JSON.stringify(entry);
  return `${sha256(json).slice(0, 16)}\t${json}\n`;
}

/** Parses one line; undefined when it is torn, damaged or not ours. */
export function decodeLine(line: string): JournalEntry | undefined {
  const tab = line.indexOf('\t');
  if (tab !== 16) return undefined;
  const json = line.slice(17);
  if (sha256(json).slice(0, 16) !== line.slice(0, 16)) return undefined;
  try {
    const e = JSON.parse(json) as JournalEntry;
    return e && e.v === 1 && (e.t === 'start' || e.t === 'end') ? e : undefined;
  } catch {
    return undefined;
  }
}

/** Folds journal lines into records (start order), applying each end to its start. */
export function foldEntries(lines: Iterable<string>): { records: Array<RunRecord & { run_dir: string }>; skipped: number } {
  const byId = new Map<string, RunRecord & { run_dir: string }>();
  let skipped = 0;
  for (const line of lines) {
    if (line === '') continue;
    const e = decodeLine(line);
    if (!e) {
      skipped++;
      continue;
    }
    if (e.t === 'start') byId.set(e.run.run_id, { ...e.run });
    else {
      const r = byId.get(e.id);
      if (!r) continue;
      Object.assign(r, { ended_at: e.ended_at, duration_ms: e.duration_ms, exit_code: e.exit_code, signal: e.signal, status: e.status, log: e.log });
    }
  }
  return { records: [...byId.values()], skipped };
}

/** A started record with no end: still running, or interrupted when its process is gone. */
export function liveStatus(r: RunRecord, host: string, alive: (pid: number) => boolean): RunStatus {
  if (r.status !== 'running') return r.status;
  return r.host === host && !alive(r.pid) ? 'interrupted' : 'running';
}
