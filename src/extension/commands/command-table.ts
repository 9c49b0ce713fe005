import type { SecretStore } from '../../core/shared/secrets';
import type { SearchIndexUse } from '../search/search-index-use';
import type { RunHost } from '../run/run-host';
import { runAgainFlow, runPlaybookFlow } from '../run/run-flow';
import { showRunLogFlow } from '../runs/show-run-log';
import { searchCommand } from '../search/search-flow';
import type { GroupBy } from '../tree/grouping';
import type { SelectedRow } from '../tree/tree-node';
import { signOutCommand } from './auth';
import type { CommandContext } from './command-context';
import { type ConnectionHost, connectFlow, signInFlow } from './connect';
import { createPlaybookCommand } from './create-playbook';
import { importPlaybooksCommand } from './import-playbooks';
import { compareWithPreviousFlow, discardDraftFlow, editAsNewVersionFlow, saveDraftFlow } from './drafts';
import { restoreFromServerFlow } from './restore';
import { compareVersionsFlow, compareWithServerFlow } from './compare';
import { resolveConflictFlow } from './resolve-conflict';
import { cacheStatsFlow, checkStoreFlow, evictCacheFlow, rebuildIndexFlow } from './maintenance';
import { acceptAiFlow, deletePlaybookFlow, deleteVersionFlow, discardAiFlow, editMetadataFlow, newVersionCommand } from './manage-playbook';
import { openFileCommand, openMetadataFlow, openScriptCommand } from './open-playbook';
import { type PublishOutcome, publishCommand } from './publish';
import type { UploadStrategy } from '../../core/metadata-publisher/publisher';
import { resolveScriptCommand } from './resolve-script';
import type { CommandHandler } from './run-command';
import { showSyncStatusFlow, type SyncDisplay, syncNowCommand } from './sync';
import { deleteSelectedFlow, openSelectedFlow } from './tree-keys';
import { validateMetadataCommand } from './validate-metadata';
import { cloneToLocalFlow, showTeamDetailsFlow, type TeamCommandsHost, trackFlow } from '../team/team-commands';
import { approveFlow, compareWithLastApprovedFlow, rejectFlow, type ReviewCommandsHost, signInReviewerFlow, signOutReviewerFlow } from '../review/review-commands';

/** What the commands need from the extension beyond a flow's context (the container provides it). */
export interface CommandsHost {
  readonly ctx: CommandContext;
  /** The token's home: VS Code's SecretStorage. */
  readonly secrets: SecretStore;
  readonly syncDisplay: SyncDisplay;
  readonly searchIndex: SearchIndexUse;
  /** The run engine, the Problems panel's preflight findings, the Runs view. */
  readonly runs: RunHost;
  /** Connect and Sign In: the checked connection, saved where it applies. */
  readonly connection: ConnectionHost;
  searchDebounceMs(): number;
  /** The explorer's selected row (Enter and Delete act on it). */
  selected(): Promise<SelectedRow | undefined>;
  /** Saves the explorer's grouping (the escher.explorer.groupBy setting). */
  setGroupBy(groupBy: GroupBy): Promise<void>;
  /** Re-reads the settings (and config.json) and re-lists the explorer. */
  refresh(): void;
  showLog(): void;
  /** Reads the run journal again (the Runs view). */
  refreshRuns(): void;
  /** The Team section's data and the core's team functions. */
  readonly team: TeamCommandsHost;
  /** The reviewer token and the Review Queue view. */
  readonly review: ReviewCommandsHost;
}

export interface CommandSpec {
  /** The id in package.json `contributes.commands` (or an internal one the tree rows use). */
  id: string;
  /** How an error names it: "<title> failed: …". */
  title: string;
  handler: CommandHandler;
}

/**
 * Every command of the extension and the flow it runs, as data: register-commands.ts binds them
 * to VS Code with the one error policy, and a test holds this table and package.json to each other.
 */
export function commandTable(host: CommandsHost): CommandSpec[] {
  const { ctx } = host;
  const c = (id: string, title: string, handler: CommandHandler): CommandSpec => ({ id, title, handler });
  return [
    c('escher.createPlaybook', 'Create Playbook', () => createPlaybookCommand(ctx)),
    c('escher.importPlaybooks', 'Import Playbooks', () => importPlaybooksCommand(ctx)),
    c('escher.newVersion', 'New Version', (arg) => newVersionCommand(ctx, arg)),
    c('escher.editMetadata', 'Edit Metadata', (arg) => editMetadataFlow(ctx, arg)),
    c('escher.editAsNewVersion', 'Edit as New Version', (arg) => editAsNewVersionFlow(ctx, arg)),
    c('escher.saveDraft', 'Save Draft as New Version', (arg) => saveDraftFlow(ctx, arg)),
    c('escher.discardDraft', 'Discard Draft', (arg) => discardDraftFlow(ctx, arg)),
    c('escher.compareWithPrevious', 'Compare with Previous Version', (arg) => compareWithPreviousFlow(ctx, arg)),
    c('escher.compareVersions', 'Compare Versions', (arg) => compareVersionsFlow(ctx, arg)),
    c('escher.compareWithServer', 'Compare with Server', (arg) => compareWithServerFlow(ctx, arg)),
    c('escher.restoreFromServer', 'Restore from Server', (arg) => restoreFromServerFlow(ctx, arg)),
    c('escher.resolveConflict', 'Resolve Conflict', (arg) => resolveConflictFlow(ctx, host.syncDisplay, arg)),
    c('escher.openMetadata', 'Open metadata.json', (arg) => openMetadataFlow(ctx, arg)),
    c('escher.deletePlaybook', 'Delete Playbook', (arg) => deletePlaybookFlow(ctx, arg)),
    c('escher.deleteVersion', 'Delete Version', (arg) => deleteVersionFlow(ctx, arg)),
    c('escher.acceptAiPlaybook', 'Accept', (arg) => acceptAiFlow(ctx, arg)),
    c('escher.discardAiPlaybook', 'Discard', (arg) => discardAiFlow(ctx, arg)),
    c('escher.publish', 'Publish', (arg) => publishAndShow(host, arg)),
    c('escher.uploadForReview', 'Upload for Review', (arg) => publishAndShow(host, arg, 'uploaded_for_review')),
    c('escher.uploadTrusted', 'Upload Trusted', (arg) => publishAndShow(host, arg, 'uploaded_trusted')),
    c('escher.syncNow', 'Sync Now', () => syncNowCommand(ctx, host.syncDisplay)),
    c('escher.showSyncStatus', 'Show Sync Status', () => showSyncStatusFlow(ctx)),
    c('escher.resolveScript', 'Resolve Script', (arg) => resolveScriptCommand(ctx, arg)),
    c('escher.runPlaybook', 'Run Playbook', (arg) => runPlaybookFlow(ctx, host.runs, arg)),
    c('escher.runAgain', 'Run Again', (arg) => runAgainFlow(ctx, host.runs, arg)),
    c('escher.showRunLog', 'Show Run Log', (arg) => showRunLogFlow(ctx, host.runs, arg)),
    c('escher.refreshRuns', 'Refresh Runs', async () => host.refreshRuns()),
    c('escher.search', 'Search Playbooks', () => searchCommand(ctx, host.searchIndex, host.searchDebounceMs())),
    c('escher.cacheStats', 'Cache Stats', () => cacheStatsFlow(ctx)),
    c('escher.evictCache', 'Evict Cache', () => evictCacheFlow(ctx)),
    c('escher.rebuildSearchIndex', 'Rebuild Search Index', () => rebuildIndexFlow(ctx)),
    c('escher.refresh', 'Refresh', async () => host.refresh()),
    c('escher.showLog', 'Show Log', async () => host.showLog()),
    c('escher.openFile', 'Open', (file) => openFileCommand(ctx, file)),
    c('escher.openScript', 'Open Script', (id, version, scriptPath) => openScriptCommand(ctx, id, version, scriptPath)),
    c('escher.validateMetadata', 'Validate', (arg) => validateMetadataCommand(ctx, arg)),
    c('escher.connect', 'Connect to Escher', () => connectFlow(host.connection)),
    c('escher.signIn', 'Sign In', () => signInFlow(host.connection)),
    c('escher.signOut', 'Sign Out', () => signOutCommand(ctx.ui, host.secrets)),
    c('escher.checkStore', 'Check Playbook Store', () => checkStoreFlow(ctx)),
    c('escher.groupByCloud', 'Group by Cloud', () => host.setGroupBy('cloud')),
    c('escher.groupByResourceType', 'Group by Resource Type', () => host.setGroupBy('resourceType')),
    c('escher.groupFlat', 'Show as List', () => host.setGroupBy('flat')),
    c('escher.openSelected', 'Open', async () => openSelectedFlow(ctx, await host.selected())),
    c('escher.deleteSelected', 'Delete', async () => deleteSelectedFlow(ctx, await host.selected())),
    c('escher.cloneToLocal', 'Clone to Local', (arg) => cloneToLocalFlow(ctx, host.team, arg)),
    c('escher.showTeamPlaybook', 'Show Details', (arg) => showTeamDetailsFlow(ctx, host.team, arg)),
    c('escher.trackPlaybook', 'Track', (arg) => trackFlow(ctx, host.team, arg)),
    c('escher.signInReviewer', 'Sign In as Reviewer', () => signInReviewerFlow(ctx, host.review)),
    c('escher.signOutReviewer', 'Sign Out as Reviewer', () => signOutReviewerFlow(ctx, host.review)),
    c('escher.refreshReviewQueue', 'Refresh Review Queue', async () => host.review.refreshQueue()),
    c('escher.approveVersion', 'Approve', (arg) => approveFlow(ctx, host.review, arg)),
    c('escher.rejectVersion', 'Reject', (arg) => rejectFlow(ctx, host.review, arg)),
    c('escher.compareWithLastApproved', 'Compare with Last Approved', (arg) => compareWithLastApprovedFlow(ctx, host.review, arg)),
  ];
}

/**
 * A publish, then the explorer and status bar re-read, as Sync Now does: the store's move to
 * synced/ refreshes the tree before the publisher has saved the new review state, which left the
 * row saying "pending sync" while the status bar said synced.
 */
async function publishAndShow(host: CommandsHost, arg: unknown, preset?: UploadStrategy): Promise<PublishOutcome> {
  const outcome = await publishCommand(host.ctx, arg, preset);
  host.syncDisplay.refresh();
  await host.syncDisplay.update();
  return outcome;
}
