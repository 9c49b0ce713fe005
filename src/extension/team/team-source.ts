import * as path from 'node:path';
import type { PlaybookService } from '../../core/service';
import type { Logger } from '../../core/shared/logger';
import type { CoreModule } from '../core-loader';
import type { TeamSource } from './team-listing';
import { libraryRowsFrom, teamRowsFrom } from './team-rows';

export interface TeamSourceDeps {
  service(): Promise<PlaybookService>;
  serverConfigured(): boolean;
  core(): CoreModule;
  /** The workspace folders: the first one holding escher.lock.json pins versions. */
  workspaceFolders(): string[];
  log: Logger;
}

/** The Team section's source over the service: its team catalog, its store (ids it holds are not the team's), the workspace lockfile. */
export function serviceTeamSource(d: TeamSourceDeps): TeamSource {
  return {
    configured: d.serverConfigured,
    rows: async () => {
      const svc = await d.service();
      const [records, mine, pins] = await Promise.all([svc.teamCatalog.list(), svc.store.listPlaybooks(), workspacePins(d)]);
      return teamRowsFrom(records, new Set(mine.map((p) => p.playbook_id)), d.core().teamVersions, pins);
    },
    refresh: async () => {
      const r = await (await d.service()).teamCatalog.refresh();
      for (const s of r.skipped) d.log.warn(`team catalog: skipped ${s}`);
      if (!r.online && r.error) d.log.warn(`team catalog: the server could not be reached (${r.error}); showing the last-known team playbooks`);
      return r;
    },
  };
}

/** The Library section's source: the last Escher Library listing, refreshed with its ETag (one request, 304, when unchanged). */
export function serviceLibrarySource(d: TeamSourceDeps): TeamSource {
  return {
    configured: d.serverConfigured,
    rows: async () => {
      const svc = await d.service();
      const [entries, mine] = await Promise.all([svc.libraryCatalog.list(), svc.store.listPlaybooks()]);
      return libraryRowsFrom(entries, new Set(mine.map((p) => p.playbook_id)));
    },
    refresh: async () => {
      const r = await (await d.service()).libraryCatalog.refresh();
      for (const s of r.skipped) d.log.warn(`library listing: skipped ${s}`);
      if (!r.online && r.error) d.log.warn(`library listing: the server could not be reached (${r.error}); showing the last-known library`);
      return r;
    },
  };
}

/**
 * The versions the workspace's escher.lock.json pins (id → version), from the first folder that
 * has one. A broken lockfile pins nothing and is said in the log (`escher-playbook lock verify`
 * names the problem).
 */
export async function workspacePins(d: Pick<TeamSourceDeps, 'core' | 'workspaceFolders' | 'log'>): Promise<Map<string, string>> {
  const { readLock, LOCK_FILE } = d.core();
  for (const folder of d.workspaceFolders()) {
    const file = path.join(folder, LOCK_FILE);
    try {
      const lock = await readLock(file, { missingOk: true });
      const pins = new Map(Object.entries(lock.playbooks).map(([id, e]) => [id, e.version] as const));
      if (pins.size > 0) return pins;
    } catch (e) {
      d.log.warn(`${file}: ${e instanceof Error ? e.message : String(e)}; no version is pinned from it`);
    }
  }
  return new Map();
}
