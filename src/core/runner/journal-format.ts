import { crc32 } from 'node:zlib';
import type { RunRecord, RunStatus, RunSummary } from './types';

/**
 * The run journal, `$ESCHER_HOME/runs/journal.jsonl` (0600), append-only. One line per event:
 *
 *   <crc32(json), 8 hex> TAB <json> LF
 *
 * A start — `{"v":1,"t":"start","s":RunSummary,"d":{the rest of the RunRecord, run_dir}}` — is
 * appended (and fsynced) before the first process starts, status "running"; an end —
 * `{"v":1,"t":"end","id":…,…end fields}` — after the last one ends. A dry run writes both at once.
 * A start with no end is a run still going or, when its process is gone, an *interrupted* run
 * (the CLI was killed): never nothing. A line whose checksum does not match (torn by a crash,
 * damaged) is skipped, not fatal; the checksum finds accidents (the journal is the user's own 0600
 * file, not a defence against them).
 *
 * Readers scan from the end, so the newest runs are found without reading all history, and a
 * listing parses only the summary ("s" comes first and a JSON string can never contain the
 * unescaped `,"d":{` that starts the details). The capped, masked log of a run is
 * `runs/logs/<run id>.log`, named by the end line.
 */
export const JOURNAL_FILE = 'journal.jsonl';
export const LOGS_DIR = 'logs';

export type EndFields = Pick<RunRecord, 'ended_at' | 'duration_ms' | 'exit_code' | 'signal' | 'status' | 'log'>;

export type StoredRecord = RunRecord & { run_dir: string };

type Details = Omit<StoredRecord, keyof RunSummary>;
type StartEntry = { v: 1; t: 'start'; s: RunSummary; d: Details };
type EndEntry = { v: 1; t: 'end'; id: string } & EndFields;
type SummaryOnly = { v: 1; t: 'start'; s: RunSummary };

const SUMMARY_KEYS = ['run_id', 'playbook_id', 'version', 'formats', 'mode', 'dry_run', 'status', 'exit_code', 'signal', 'started_at', 'ended_at', 'duration_ms', 'user', 'host', 'pid', 'cwd'] as const;

export function encodeStart(record: StoredRecord): string {
  const s: Record<string, unknown> = {};
  const d: Record<string, unknown> = { ...record };
  for (const k of SUMMARY_KEYS) {
    s[k] = record[k];
    delete d[k];
  }
  if (record.rerun_of !== undefined) s.rerun_of = record.rerun_of;
  return line(JSON.stringify({ v: 1, t: 'start', s, d }));
}

export function encodeEnd(id: string, end: EndFields): string {
  return line(JSON.stringify({ v: 1, t: 'end', id, ...end }));
}

function line(json: string): string {
  return `${checksum(json)}\t${json}\n`;
}

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

/** Parses one line (only the summary of a start when `summaryOnly`); undefined when torn, damaged or not ours. */
function decodeLine(text: string, summaryOnly: boolean): StartEntry | SummaryOnly | EndEntry | undefined {
  if (text.length < 10 || text[8] !== '\t') return undefined;
  const json = text.slice(9);
  if (checksum(json) !== text.slice(0, 8)) return undefined;
  try {
    const cut = summaryOnly && json.startsWith('{"v":1,"t":"start"') ? json.indexOf(',"d":{') : -1;
    const e = JSON.parse(cut === -1 ? json : `${json.slice(0, cut)}}`) as StartEntry | EndEntry;
    return e && e.v === 1 && (e.t === 'start' || e.t === 'end') ? e : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs newest first, scanning lines from the end of the journal text: an end line comes after its
 * start, so it is known by the time its start is reached. `keep` may reject a start line cheaply
 * before it is verified and parsed (a substring test); scanning stops at `limit` runs.
 */
export function newestRuns<T extends RunSummary>(
  text: string,
  options: { full: boolean; limit?: number; keep?: (line: string) => boolean; accept?: (r: RunSummary) => boolean },
): T[] {
  const ends = new Map<string, EndFields>();
  const out: T[] = [];
  let stop = text.length;
  while (stop > 0 && (options.limit === undefined || out.length < options.limit)) {
    const nl = text.lastIndexOf('\n', stop - 1);
    const raw = text.slice(nl + 1, stop);
    stop = nl === -1 ? 0 : nl;
    if (raw === '' || (options.keep && raw.includes('"t":"start"') && !options.keep(raw))) continue;
    const e = decodeLine(raw, !options.full);
    if (!e) continue;
    if (e.t === 'end') {
      if (!ends.has(e.id)) ends.set(e.id, { ended_at: e.ended_at, duration_ms: e.duration_ms, exit_code: e.exit_code, signal: e.signal, status: e.status, log: e.log });
      continue;
    }
    const end = ends.get(e.s.run_id);
    const r = { ...e.s, ...('d' in e ? e.d : {}), ...(end ? (options.full ? end : summaryEnd(end)) : {}) } as unknown as T;
    if (!options.accept || options.accept(r)) out.push(r);
  }
  return out;
}

function summaryEnd(end: EndFields): Partial<RunSummary> {
  return { ended_at: end.ended_at, duration_ms: end.duration_ms, exit_code: end.exit_code, signal: end.signal, status: end.status };
}

/** A started record with no end: still running, or interrupted when its process is gone. */
export function liveStatus(r: RunSummary, host: string, alive: (pid: number) => boolean): RunStatus {
  if (r.status !== 'running') return r.status;
  return r.host === host && !alive(r.pid) ? 'interrupted' : 'running';
}
