import type { CommandContext } from '../../../src/extension/commands/command-context';
import type { CommandsHost } from '../../../src/extension/commands/command-table';
import { SearchIndexUse } from '../../../src/extension/search/search-index-use';
import type { PlaybookService } from '../../../src/core/service';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { recordingRunHost } from './run-host';

/** What a CommandsHost was asked to do, for assertions. */
export interface HostRecord {
  refreshes: number;
  logShown: number;
  syncing: boolean[];
  statusUpdates: number;
  explorerRefreshes: number;
}

/**
 * The container's side of the commands in a test: a real service and search index, VS Code's
 * SecretStorage as memory, and the status bar / explorer / log as recorders.
 */
export function commandsHost(ctx: CommandContext, svc: PlaybookService, options: { serverUrl?: string; secrets?: MemorySecrets } = {}): { host: CommandsHost; record: HostRecord; secrets: MemorySecrets } {
  const record: HostRecord = { refreshes: 0, logShown: 0, syncing: [], statusUpdates: 0, explorerRefreshes: 0 };
  const secrets = options.secrets ?? new MemorySecrets();
  const host: CommandsHost = {
    ctx,
    secrets,
    syncDisplay: {
      setSyncing: (s) => void record.syncing.push(s),
      update: async () => void record.statusUpdates++,
      refresh: () => void record.explorerRefreshes++,
    },
    searchIndex: new SearchIndexUse(async () => svc, () => svc, ctx.log),
    serverUrl: () => options.serverUrl ?? '',
    searchDebounceMs: () => 0,
    refresh: () => void record.refreshes++,
    showLog: () => void record.logShown++,
    runs: recordingRunHost(svc).host,
    refreshRuns: () => undefined,
  };
  return { host, record, secrets };
}
