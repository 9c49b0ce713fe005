import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Container } from '../container';
import { DisposableOwner } from '../util/disposable';
import { signInFlow, signOutFlow } from './auth';
import type { CommandContext } from './command-context';
import { createPlaybookFlow } from './create-playbook';
import { errorActions, errorMessage, isCancellation } from './error-actions';
import { acceptAiFlow, deletePlaybookFlow, deleteVersionFlow, discardAiFlow, editMetadataFlow, newVersionFlow } from './manage-playbook';
import { cacheStatsFlow, evictCacheFlow, rebuildIndexFlow } from './maintenance';
import { openMetadataFlow, openScriptFlow } from './open-playbook';
import { publishFlow } from './publish';
import { resolveScriptFlow } from './resolve-script';
import { runInTerminalFlow } from './run-in-terminal';
import { showSearchQuickPick } from '../search/search-quick-pick';
import { type PlaybookRef, refFromArg } from './playbook-ref';
import { showSyncStatusFlow, syncNowFlow } from './sync';
import { locateMetadata } from '../codelens/metadata-location';
import { reportValidation, validateMetadataText } from './validate-metadata';

type Handler = (...args: unknown[]) => Promise<unknown>;

/**
 * Binds command ids (package.json `contributes.commands`) to the vscode-free handlers, with one
 * error policy: a typed core error becomes one line with its hint and the next action (Sign In,
 * Retry, Open Settings, Open Log); nothing is swallowed silently.
 */
export function registerCommands(c: Container, ctx: CommandContext): vscode.Disposable {
  const owner = new CommandRegistry(c);
  const r = owner.register.bind(owner);

  r('escher.createPlaybook', 'Create Playbook', async () => {
    const pb = await createPlaybookFlow(ctx);
    if (!pb) return;
    await ctx.ui.openFile(path.join(pb.dir, 'metadata.json'), { preview: false });
    const choice = await ctx.ui.info(
      `Created "${pb.metadata.name}" (${pb.metadata.playbook_id} v${pb.metadata.version}) in Local. It stays private until you publish it.`,
      'Keep Private',
      'Upload for Review',
      'Upload Trusted',
    );
    if (choice === 'Upload for Review') await vscode.commands.executeCommand('escher.uploadForReview', { playbookId: pb.metadata.playbook_id });
    if (choice === 'Upload Trusted') await vscode.commands.executeCommand('escher.uploadTrusted', { playbookId: pb.metadata.playbook_id });
  });
  r('escher.newVersion', 'New Version', (arg) => newVersionFlow(ctx, arg));
  r('escher.editMetadata', 'Edit Metadata', (arg) => editMetadataFlow(ctx, arg));
  r('escher.openMetadata', 'Open metadata.json', (arg) => openMetadataFlow(ctx, arg));
  r('escher.deletePlaybook', 'Delete Playbook', (arg) => deletePlaybookFlow(ctx, arg));
  r('escher.deleteVersion', 'Delete Version', (arg) => deleteVersionFlow(ctx, arg));
  r('escher.acceptAiPlaybook', 'Accept', (arg) => acceptAiFlow(ctx, arg));
  r('escher.discardAiPlaybook', 'Discard', (arg) => discardAiFlow(ctx, arg));
  const publish = async (arg: unknown, strategy?: 'uploaded_for_review' | 'uploaded_trusted') => {
    const ref = refFromArg(arg) ?? activeMetadataRef(c);
    const outcome = await publishFlow(ctx, ref ?? arg, strategy);
    // Publishing moves the playbook (local → synced, and a strategy change is a new version): an
    // editor showing its old metadata.json now shows a deleted file, so show the current one.
    const open = activeMetadataRef(c);
    if (outcome === 'published' && ref && open?.playbookId === ref.playbookId) {
      // Unsaved edits stay where they are (closing would prompt); a clean editor is replaced.
      if (!vscode.window.activeTextEditor?.document.isDirty) await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await openMetadataFlow(ctx, { playbookId: ref.playbookId });
    }
  };
  r('escher.publish', 'Publish', (arg) => publish(arg));
  r('escher.uploadForReview', 'Upload for Review', (arg) => publish(arg, 'uploaded_for_review'));
  r('escher.uploadTrusted', 'Upload Trusted', (arg) => publish(arg, 'uploaded_trusted'));
  r('escher.syncNow', 'Sync Now', async () => {
    c.statusBar.setSyncing(true);
    try {
      await syncNowFlow(ctx);
    } finally {
      c.statusBar.setSyncing(false);
      c.refresh();
      await c.statusBar.update();
    }
  });
  r('escher.showSyncStatus', 'Show Sync Status', () => showSyncStatusFlow(ctx));
  r('escher.resolveScript', 'Resolve Script', async (arg) => {
    const out = await resolveScriptFlow(ctx, arg);
    if (out) await ctx.ui.openFile(out.file, { preview: false });
  });
  r('escher.runInTerminal', 'Run in Terminal', (arg) => runInTerminalFlow(ctx, arg));
  r('escher.search', 'Search Playbooks', async () => {
    // Warm the index (model load + reconcile) while the user types the first words.
    c.searchStarted = true;
    void c.service().then((svc) => svc.search.start()).catch((e: unknown) => c.logger.warn(`search index: ${String(e)}`));
    await showSearchQuickPick(ctx, vscode.workspace.getConfiguration('escher').get<number>('search.debounceMs', 150));
  });
  r('escher.cacheStats', 'Cache Stats', () => cacheStatsFlow(ctx));
  r('escher.evictCache', 'Evict Cache', () => evictCacheFlow(ctx));
  r('escher.rebuildSearchIndex', 'Rebuild Search Index', () => rebuildIndexFlow(ctx));
  r('escher.refresh', 'Refresh', async () => c.refresh());
  r('escher.showLog', 'Show Log', async () => c.channel.show());
  r('escher.openFile', 'Open', async (file) => {
    if (typeof file === 'string') await ctx.ui.openFile(file);
  });
  r('escher.openScript', 'Open Script', async (id, version, scriptPath) => {
    if (typeof id === 'string' && typeof version === 'string' && typeof scriptPath === 'string') await openScriptFlow(ctx, id, version, scriptPath);
  });
  r('escher.validateMetadata', 'Validate', async (arg) => {
    const doc = await documentFor(c, arg);
    if (!doc) {
      await ctx.ui.warn('Open a playbook\'s metadata.json to validate it.');
      return;
    }
    await reportValidation(ctx, await validateMetadataText(ctx, doc.uri.fsPath, doc.getText()));
  });
  r('escher.signIn', 'Sign In', async () => {
    if (await signInFlow(ctx.ui, c.secrets, c.config.serverUrl)) await ctx.ui.info(`Signed in to ${c.config.serverUrl}.`);
  });
  r('escher.signOut', 'Sign Out', async () => {
    if (await signOutFlow(ctx.ui, c.secrets)) await ctx.ui.info('Signed out of Escher.');
  });
  return owner;
}

/** The playbook version whose metadata.json is in the active editor (palette use of the upload commands). */
function activeMetadataRef(c: Container): PlaybookRef | undefined {
  const file = vscode.window.activeTextEditor?.document.uri.fsPath;
  const loc = file ? locateMetadata(file, c.config.playbooksDir) : undefined;
  return loc ? { playbookId: loc.playbookId, version: loc.version, area: loc.area } : undefined;
}

/** The metadata.json a command is about: the code lens's ref, or the active editor. */
async function documentFor(c: Container, arg: unknown): Promise<vscode.TextDocument | undefined> {
  const ref = refFromArg(arg);
  if (ref?.version) {
    const svc = await c.service();
    const pb = await svc.store.getPlaybook(ref.playbookId, ref.version);
    return vscode.workspace.openTextDocument(vscode.Uri.file(path.join(pb.dir, 'metadata.json')));
  }
  const doc = vscode.window.activeTextEditor?.document;
  return doc && path.basename(doc.uri.fsPath) === 'metadata.json' ? doc : undefined;
}

class CommandRegistry extends DisposableOwner {
  constructor(private readonly c: Container) {
    super();
  }

  register(id: string, title: string, handler: Handler): void {
    const run = async (...args: unknown[]): Promise<void> => {
      try {
        await handler(...args);
      } catch (e) {
        if (isCancellation(e)) return;
        this.c.logger.error(`${id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        const choice = await vscode.window.showErrorMessage(errorMessage(title, e), ...errorActions(e));
        if (choice === 'Retry') await run(...args);
        else if (choice === 'Sign In') await vscode.commands.executeCommand('escher.signIn');
        else if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'escher.');
        else if (choice === 'Open Log') this.c.channel.show();
      }
    };
    this._register(vscode.commands.registerCommand(id, run));
  }
}

