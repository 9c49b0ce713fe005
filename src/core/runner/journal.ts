import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsyncDir } from '../shared/atomic-fs';
import { NotFoundError, ValidationError } from '../shared/errors';
import { isProcessAlive } from '../shared/process-alive';
import { encodeEnd, encodeStart, type EndFields, JOURNAL_FILE, liveStatus, LOGS_DIR, newestRuns, type StoredRecord } from './journal-format';
import type { RunRecord, RunSummary } from './types';

/**
 * The run journal on disk (format in journal-format.ts). Appends are one write(2) of one line to
 * a file opened O_APPEND, so concurrent runs (two terminals, the CLI and VS Code) interleave
 * whole lines; the start line is fsynced before anything runs.
 */
export class RunJournal {
  readonly file: string;
  readonly logsDir: string;

  constructor(
    readonly runsDir: string,
    private readonly host: string,
    private readonly alive: (pid: number) => boolean = isProcessAlive,
  ) {
    this.file = path.join(runsDir, JOURNAL_FILE);
    this.logsDir = path.join(runsDir, LOGS_DIR);
  }

  private async append(text: string, options: { sync?: boolean } = {}): Promise<void> {
    await this.ensureDir();
    const line = Buffer.from(text, 'utf8');
    const h = await fs.open(this.file, 'a', 0o600);
    try {
      const { bytesWritten } = await h.write(line);
      if (bytesWritten !== line.length) throw new Error(`short write to ${this.file}`);
      if (options.sync) await h.sync();
    } finally {
      await h.close();
    }
  }

  async started(record: RunRecord, runDir: string): Promise<void> {
    await this.append(encodeStart({ ...record, run_dir: runDir }), { sync: true });
  }

  async ended(id: string, end: EndFields): Promise<void> {
    await this.append(encodeEnd(id, end), { sync: true });
  }

  /** The capped, masked log of a run (0600); returns its path relative to the runs folder. */
  async writeLog(id: string, bytes: Buffer): Promise<string> {
    await fs.mkdir(this.logsDir, { recursive: true, mode: 0o700 });
    const file = path.join(this.logsDir, `${id}.log`);
    const h = await fs.open(file, 'w', 0o600);
    try {
      await h.writeFile(bytes);
      await h.sync();
    } finally {
      await h.close();
    }
    return path.posix.join(LOGS_DIR, `${id}.log`);
  }

  /** Runs newest first (optionally of one playbook), with interrupted runs told apart from running ones. */
  async list(filter: { playbookId?: string; limit?: number } = {}): Promise<RunSummary[]> {
    const id = filter.playbookId;
    const runs = newestRuns<RunSummary>(await this.readText(), {
      full: false,
      ...(filter.limit !== undefined ? { limit: filter.limit } : {}),
      ...(id !== undefined ? { keep: (line: string) => line.includes(`"playbook_id":${JSON.stringify(id)}`), accept: (r: RunSummary) => r.playbook_id === id } : {}),
    });
    for (const r of runs) r.status = liveStatus(r, this.host, this.alive);
    return runs;
  }

  /** One whole record by its id or an unambiguous prefix of it. */
  async get(idOrPrefix: string): Promise<RunRecord> {
    if (!/^[0-9a-z-]{4,40}$/.test(idOrPrefix)) throw new ValidationError(`"${idOrPrefix.slice(0, 40)}" is not a run id`, [], { hint: 'run ids look like 20261129-101500-3f9a2c; see `escher-playbook runs`' });
    const hits = newestRuns<StoredRecord>(await this.readText(), { full: true, keep: (line) => line.includes(`"run_id":"${idOrPrefix}`), accept: (r) => r.run_id.startsWith(idOrPrefix) });
    const exact = hits.find((r) => r.run_id === idOrPrefix);
    if (hits.length > 1 && !exact) throw new ValidationError(`"${idOrPrefix}" matches ${hits.length} runs`, [], { hint: 'give more of the run id' });
    const r = exact ?? hits[0];
    if (!r) throw new NotFoundError(`No run "${idOrPrefix}"`, { hint: 'see `escher-playbook runs`' });
    const { run_dir: _dir, ...rest } = r;
    return { ...rest, status: liveStatus(rest, this.host, this.alive) };
  }

  async readLog(record: RunRecord): Promise<Buffer | undefined> {
    if (!record.log) return undefined;
    const file = path.join(this.runsDir, record.log.file);
    if (path.dirname(file) !== this.logsDir) return undefined;
    return fs.readFile(file).catch(() => undefined);
  }

  private async readText(): Promise<string> {
    try {
      return await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw e;
    }
  }

  private async ensureDir(): Promise<void> {
    try {
      await fs.mkdir(this.runsDir, { mode: 0o700 });
      await fsyncDir(path.dirname(this.runsDir));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') await fs.mkdir(this.runsDir, { recursive: true, mode: 0o700 });
      else throw e;
    }
  }
}
