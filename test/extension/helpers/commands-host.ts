import { verifyConnection } from '../../../src/core/escher-api/verify-connection';
import { silentLogger } from '../../../src/core/shared/logger';
import type { CommandContext } from '../../../src/extension/commands/command-context';
import type { CommandsHost } from '../../../src/extension/commands/command-table';
import type { ConnectionHost } from '../../../src/extension/commands/connect';
import { SearchIndexUse } from '../../../src/extension/search/search-index-use';
import type { GroupBy } from '../../../src/extension/tree/grouping';
import type { SelectedRow } from '../../../src/extension/tree/tree-node';
import type { PlaybookService } from '../../../src/core/service';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { recordingRunHost } from './run-host';
import { loadCore } from '../../../src/extension/core-loader';
import { ReviewerAccess } from '../../../src/extension/review/reviewer-access';
import { TeamListing } from '../../../src/extension/team/team-listing';
import { serviceTeamSource } from '../../../src/extension/team/team-source';

/** What a CommandsHost was asked to do, for assertions. */
export interface HostRecord {
  refreshes: number;
  logShown: number;
  syncing: boolean[];
  statusUpdates: number;
  explorerRefreshes: number;
  tokenRejected: number;
  connected: number;
  groupBy: GroupBy[];
  queueRefreshes: number;
  reviewer: boolean[];
}

/**
 * The container's side of the commands in a test: a real service and search index, the core's
 * real connection check, VS Code's SecretStorage as memory, and the status bar / explorer / log
 * as recorders. `selection` is the explorer's selected row.
 */
export function commandsHost(
  ctx: CommandContext,
  svc: PlaybookService,
  options: { serverUrl?: string; tenantId?: string; secrets?: MemorySecrets; selection?: () => SelectedRow | undefined; workspaceFolders?: string[] } = {},
): { host: CommandsHost; record: HostRecord; secrets: MemorySecrets; connection: ConnectionHost; team: TeamListing } {
  const record: HostRecord = { refreshes: 0, logShown: 0, syncing: [], statusUpdates: 0, explorerRefreshes: 0, tokenRejected: 0, connected: 0, groupBy: [], queueRefreshes: 0, reviewer: [] };
  const secrets = options.secrets ?? new MemorySecrets();
  const current = { serverUrl: options.serverUrl ?? '', tenantId: options.tenantId ?? '' };
  const connection: ConnectionHost = {
    ui: ctx.ui,
    secrets,
    log: silentLogger,
    current: () => ({ ...current }),
    verify: (input) => verifyConnection(input),
    connected: async () => void record.connected++,
  };
  const team = new TeamListing(serviceTeamSource({ service: async () => svc, serverConfigured: () => svc.config.serverUrl !== '', core: loadCore, workspaceFolders: () => options.workspaceFolders ?? [], log: silentLogger }));
  const host: CommandsHost = {
    ctx,
    secrets,
    syncDisplay: {
      setSyncing: (s) => void record.syncing.push(s),
      update: async () => void record.statusUpdates++,
      refresh: () => void record.explorerRefreshes++,
      tokenRejected: () => void record.tokenRejected++,
    },
    searchIndex: new SearchIndexUse(async () => svc, () => svc, ctx.log),
    connection,
    searchDebounceMs: () => 0,
    selected: async () => options.selection?.(),
    setGroupBy: async (g) => void record.groupBy.push(g),
    refresh: () => void record.refreshes++,
    showLog: () => void record.logShown++,
    runs: recordingRunHost(svc).host,
    refreshRuns: () => undefined,
    team: { listing: team, core: loadCore },
    review: {
      access: new ReviewerAccess(secrets, () => svc.config, loadCore),
      core: loadCore,
      refreshQueue: () => void record.queueRefreshes++,
      setSignedIn: async (s) => void record.reviewer.push(s),
    },
  };
  return { host, record, secrets, connection, team };
}
