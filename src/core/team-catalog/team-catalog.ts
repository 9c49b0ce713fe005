import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { effectiveReviewStatus } from '../escher-api/review';
import type { CallOptions, EscherApi, PlaybookRecord, ReviewDecision, ReviewStatus, VersionRecord } from '../escher-api/types';
import { wireIssues } from '../escher-api/wire-validate';
import { validateFetchedMetadata } from '../script-manager/metadata-cache';
import { fsyncDir, writeJsonAtomic } from '../shared/atomic-fs';
import { mapLimit } from '../shared/map-limit';
import { NetworkError, ServerError } from '../shared/errors';
import { silentLogger, type Logger } from '../shared/logger';
import { PLAYBOOK_ID } from '../shared/safe-path';

/**
 * What this home knows of its tenant's collection: the last-known record of every playbook the
 * team published, from the server's changes feed, with this catalog's own cursor (the publisher's
 * cursor only concerns this home's synced playbooks). Metadata only: scripts come when needed,
 * through the script manager's verified cache.
 *
 *   cache/metadata/team/state.json           {"format", "server_url", "tenant_id", "since"}
 *   cache/metadata/team/records/<id>.json    the PlaybookRecord as the server sent it (validated)
 *
 * Data from the server is hostile: each record is checked against the wire schema and for
 * consistency (ids, versions, script paths) before it is kept; a record that fails is skipped
 * with a warning. A damaged file on disk is dropped and the cursor reset, so the next refresh
 * fetches it again. Another server or tenant in the configuration starts the catalog over.
 */
const FORMAT = 'escher-team-catalog/1';
const PAGE = 500;
const WRITE_CONCURRENCY = 8;
const READ_CONCURRENCY = 16;

interface State {
  format: string;
  server_url: string;
  tenant_id: string;
  since: number;
}

export interface TeamCatalogOptions {
  /** cache/metadata/team */
  dir: string;
  server: () => Promise<EscherApi | undefined>;
  serverUrl: string;
  tenantId: string;
  logger?: Logger;
}

export interface RefreshResult {
  /** False when no server is configured or it could not be reached: the last-known catalog stands. */
  online: boolean;
  requests: number;
  changed: number;
  skipped: string[];
  error?: string;
}

/** One version as discovery shows it: the review a client may act on (bound to this content). */
export interface TeamVersion {
  version: string;
  record: VersionRecord;
  review: ReviewStatus;
  decision?: ReviewDecision;
}

export class TeamCatalog {
  private readonly logger: Logger;
  private readonly recordsDir: string;
  private readonly stateFile: string;

  constructor(private readonly o: TeamCatalogOptions) {
    this.logger = o.logger ?? silentLogger;
    this.recordsDir = path.join(o.dir, 'records');
    this.stateFile = path.join(o.dir, 'state.json');
  }

  /** Pages through the changes feed from the last cursor; one request when nothing changed. */
  async refresh(options: CallOptions = {}): Promise<RefreshResult> {
    const out: RefreshResult = { online: false, requests: 0, changed: 0, skipped: [] };
    const api = await this.o.server();
    if (!api) return out;
    const known = await this.state();
    let state: State = known ?? { format: FORMAT, server_url: this.o.serverUrl, tenant_id: this.o.tenantId, since: 0 };
    try {
      for (;;) {
        out.requests++;
        const page = await api.getChanges(state.since, PAGE, options);
        // Another server or tenant (or no state yet): what is on disk belonged to it. Dropped only
        // once this server answered, so an unreachable server never costs the last-known catalog.
        if (!known && out.requests === 1) await fs.rm(this.recordsDir, { recursive: true, force: true });
        const apply: PlaybookRecord[] = [];
        for (const rec of page.changes) {
          const problem = recordProblem(rec);
          if (!problem) {
            apply.push(rec);
            continue;
          }
          out.skipped.push(`${safeId(rec)}: ${problem}`);
          this.logger.warn(`team catalog: skipped a record the server sent (${safeId(rec)}): ${problem}`);
        }
        // The last record of an id wins; files are written side by side without an fsync each and
        // the folder is fsynced once before the cursor moves (a file torn by a power cut is
        // caught on read, dropped and fetched again: read()).
        const last = [...new Map(apply.map((r) => [r.playbook_id, r])).values()];
        await fs.mkdir(this.recordsDir, { recursive: true });
        await mapLimit(last, WRITE_CONCURRENCY, async (rec) => {
          if (rec.deleted || rec.latest_version === null) await fs.rm(this.file(rec.playbook_id), { force: true });
          else await writeJsonAtomic(this.file(rec.playbook_id), rec, { durable: false });
        });
        if (last.length) await fsyncDir(this.recordsDir);
        out.changed += last.length;
        state = { ...state, since: Math.max(state.since, page.next) };
        await writeJsonAtomic(this.stateFile, state);
        if (!page.more || page.changes.length === 0) break;
      }
      out.online = true;
    } catch (e) {
      if (!(e instanceof NetworkError || e instanceof ServerError)) throw e;
      out.error = e.message;
    }
    return out;
  }

  /** Every live team playbook, by id (none when the catalog belongs to another server or tenant). */
  async list(): Promise<PlaybookRecord[]> {
    if (!(await this.state())) return [];
    const names = (await fs.readdir(this.recordsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
    const recs = await mapLimit(names, READ_CONCURRENCY, (n) => this.read(n.slice(0, -5)));
    return recs.filter((r): r is PlaybookRecord => r !== undefined);
  }

  /** Names what the catalog holds (server, tenant, feed cursor): equal stamps, equal catalogs. Undefined when it holds nothing of this server. */
  async stamp(): Promise<string | undefined> {
    const s = await this.state();
    return s ? `team|${s.server_url}|${s.tenant_id}|${s.since}` : undefined;
  }

  async get(id: string): Promise<PlaybookRecord | undefined> {
    return (await this.state()) ? this.read(id) : undefined;
  }

  private async read(id: string): Promise<PlaybookRecord | undefined> {
    if (!PLAYBOOK_ID.test(id)) return undefined;
    let raw: string;
    try {
      raw = await fs.readFile(this.file(id), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let rec: PlaybookRecord | undefined;
    try {
      rec = JSON.parse(raw) as PlaybookRecord;
    } catch {
      rec = undefined;
    }
    if (!rec || rec.playbook_id !== id || recordProblem(rec)) {
      this.logger.warn(`team catalog: ${this.file(id)} is damaged; it is fetched again on the next refresh`);
      await fs.rm(this.file(id), { force: true });
      await this.resetCursor();
      return undefined;
    }
    return rec;
  }

  private file(id: string): string {
    return path.join(this.recordsDir, `${id}.json`);
  }

  /** The cursor, when the catalog on disk is this server's and tenant's; undefined otherwise. */
  private async state(): Promise<State | undefined> {
    let s: Partial<State> | undefined;
    try {
      s = JSON.parse(await fs.readFile(this.stateFile, 'utf8')) as Partial<State>;
    } catch {
      return undefined;
    }
    const mine = s?.format === FORMAT && s.server_url === this.o.serverUrl && s.tenant_id === this.o.tenantId && Number.isSafeInteger(s.since) && (s.since as number) >= 0;
    return mine ? (s as State) : undefined;
  }

  private async resetCursor(): Promise<void> {
    const s = await this.state();
    if (s) await writeJsonAtomic(this.stateFile, { ...s, since: 0 });
  }
}

/** Versions newest first, each with the review a client may act on. */
export function teamVersions(rec: PlaybookRecord): TeamVersion[] {
  return Object.values(rec.versions)
    .sort((a, b) => semver.rcompare(a.version, b.version))
    .map((v) => ({ version: v.version, record: v, review: effectiveReviewStatus(v.review_status, v.review, v.metadata) ?? 'pending', ...(v.review ? { decision: v.review } : {}) }));
}

/** Why a record from the server (or the disk) cannot be kept, or undefined when it can. */
function recordProblem(rec: PlaybookRecord): string | undefined {
  const issues = wireIssues('PlaybookRecord', rec);
  if (issues.length) return issues.join('; ');
  if (rec.latest_version !== null && !rec.versions[rec.latest_version]) return `latest_version ${rec.latest_version} is not among its versions`;
  for (const [key, v] of Object.entries(rec.versions)) {
    if (v.version !== key || v.metadata.version !== key) return `version ${key} holds metadata of another version`;
    try {
      validateFetchedMetadata({ source: 'tenant', metadata: v.metadata, review_status: v.review_status, ...(v.review ? { review: v.review } : {}) }, { playbookId: rec.playbook_id, version: key });
    } catch (e) {
      return (e as Error).message;
    }
  }
  return undefined;
}

function safeId(rec: unknown): string {
  const id = (rec as { playbook_id?: unknown } | null)?.playbook_id;
  return typeof id === 'string' && PLAYBOOK_ID.test(id) ? id : 'a record without a valid id';
}
