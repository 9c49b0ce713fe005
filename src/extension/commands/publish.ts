import type { UploadStrategy } from '../../core/metadata-publisher/publisher';
import type { StorageStrategy } from '../../core/playbook-store/metadata';
import { locateMetadata } from '../codelens/metadata-location';
import type { CommandContext } from './command-context';
import { openMetadataFlow } from './open-playbook';
import { type PlaybookRef, playbookFromArgOrPick, refFromArg } from './playbook-ref';

/** The seed's three choices (Flow 1, step 5), in its words. */
export const PUBLISH_CHOICES: ReadonlyArray<{ label: string; detail: string; value: StorageStrategy }> = [
  { label: 'Keep Private', detail: 'Stays on this machine only (local_only); never uploaded by any path.', value: 'local_only' },
  { label: 'Upload for Review', detail: 'Scripts and metadata go to your tenant; a reviewer approves it before others run it.', value: 'uploaded_for_review' },
  { label: 'Upload Trusted', detail: 'Uploaded and usable by your tenant at once.', value: 'uploaded_trusted' },
];

export type PublishOutcome = 'published' | 'queued' | 'conflict' | 'kept-private' | 'cancelled';

/**
 * Publish: Keep Private / Upload for Review / Upload Trusted. An upload goes through the core's
 * Flow 2 (scripts to tenant storage, metadata to the tenant collection, local → synced); the
 * publisher records a strategy change as a new version, since versions are immutable. Offline,
 * the publish stays queued and background sync sends it later.
 */
export async function publishFlow(ctx: CommandContext, arg: unknown, preset?: UploadStrategy): Promise<PublishOutcome> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Publish', areas: ['local', 'synced'] });
  if (!ref) return 'cancelled';
  const svc = await ctx.service();
  const pb = await svc.store.getPlaybook(ref.playbookId, ref.version);
  const where = destination(svc.config);
  let strategy: StorageStrategy | undefined = preset;
  if (!strategy) {
    // A synced playbook is already on the server: only the upload kind can change.
    const choices = pb.area === 'synced' ? PUBLISH_CHOICES.filter((c) => c.value !== 'local_only') : PUBLISH_CHOICES;
    strategy = await ctx.ui.pick(
      choices.map((c) => ({ label: c.label, detail: c.detail, description: c.value === pb.metadata.storage_strategy ? 'current' : undefined, value: c.value })),
      { title: `Publish "${pb.metadata.name}" v${pb.metadata.version}`, placeholder: `Upload to ${where}?` },
    );
    if (!strategy) return 'cancelled';
  } else {
    // One click on a code lens (or the palette's Upload command) says what goes where before it goes,
    // as every other command that leaves the machine or deletes something does.
    const n = pb.metadata.scripts.length;
    const label = preset === 'uploaded_trusted' ? 'Upload Trusted' : 'Upload for Review';
    const ok = await ctx.ui.confirm(`${label}: "${pb.metadata.name}" v${pb.metadata.version} to ${where}?`, {
      detail: `${n} script${n === 1 ? '' : 's'} and the metadata go to your tenant. ${preset === 'uploaded_trusted' ? 'Everyone in the tenant can use it at once.' : 'A reviewer approves it before others run it.'} The playbook moves from Local to Synced.`,
      confirm: label,
    });
    if (!ok) return 'cancelled';
  }
  if (strategy === 'local_only') {
    if (pb.metadata.storage_strategy !== 'local_only') {
      const next = await svc.store.updatePlaybook(ref.playbookId, { storage_strategy: 'local_only', fromVersion: pb.metadata.version });
      await ctx.ui.info(`"${pb.metadata.name}" is private from v${next.metadata.version} on: it never leaves this machine.`);
    } else {
      await ctx.ui.info(`"${pb.metadata.name}" stays private: it never leaves this machine.`);
    }
    return 'kept-private';
  }
  const kind = strategy === 'uploaded_trusted' ? 'trusted' : 'for review';
  const result = await ctx.ui.withProgress(`Uploading ${pb.metadata.name} ${kind}…`, () =>
    svc.publisher.publishMetadata(ref.playbookId, { strategy: strategy as UploadStrategy, ...(ref.version ? { version: ref.version } : {}) }),
  );
  ctx.log.info(`publish ${ref.playbookId}: ${result.status} v${result.version} (${result.report.requests} requests)`);
  if (result.status === 'published') {
    const review = result.review_status === 'pending' ? ' It is waiting for review.' : result.review_status === 'approved' ? ' It is approved for your tenant.' : '';
    void ctx.ui.info(`Published "${pb.metadata.name}" v${result.version} ${kind}: it is now in Synced.${review}`);
  } else if (result.status === 'queued') {
    const err = result.report.failed[0]?.error;
    void ctx.ui.warn(`"${pb.metadata.name}" is queued: the server did not take it${err ? ` (${err})` : ''}. Background sync retries it.`, 'Show Sync Status').then(async (c) => {
      if (c) await ctx.ui.executeCommand('escher.showSyncStatus');
    });
  } else {
    void ctx.ui.warn(`"${pb.metadata.name}" changed on the server too: both versions were kept. See the sync status.`, 'Show Sync Status').then(async (c) => {
      if (c) await ctx.ui.executeCommand('escher.showSyncStatus');
    });
  }
  return result.status;
}

/**
 * The Publish / Upload for Review / Upload Trusted commands: the playbook comes from the argument
 * (tree row, code lens, search), else from the metadata.json in the active editor, else a pick.
 * Publishing moves the playbook (local → synced, and a strategy change is a new version), so an
 * editor showing its old metadata.json would show a deleted file: a clean one is replaced by the
 * current version's; one with unsaved edits is left alone (closing it would prompt).
 */
export async function publishCommand(ctx: CommandContext, arg: unknown, preset?: UploadStrategy): Promise<PublishOutcome> {
  const ref = refFromArg(arg) ?? (await activeMetadataRef(ctx));
  const outcome = await publishFlow(ctx, ref ?? arg, preset);
  const open = await activeMetadataRef(ctx);
  if (outcome === 'published' && ref && open?.playbookId === ref.playbookId) {
    if (!ctx.ui.activeEditor()?.dirty) await ctx.ui.executeCommand('workbench.action.closeActiveEditor');
    await openMetadataFlow(ctx, { playbookId: ref.playbookId });
  }
  return outcome;
}

/** The playbook version whose metadata.json is in the active editor. */
async function activeMetadataRef(ctx: CommandContext): Promise<PlaybookRef | undefined> {
  const file = ctx.ui.activeEditor()?.path;
  if (!file) return undefined;
  const loc = locateMetadata(file, (await ctx.service()).config.playbooksDir);
  return loc ? { playbookId: loc.playbookId, version: loc.version, area: loc.area } : undefined;
}

/** "tenant acme at https://escher.example.com", or what is missing. */
function destination(c: { serverUrl: string; tenantId: string }): string {
  return c.serverUrl ? `tenant ${c.tenantId ? `"${c.tenantId}"` : '(no tenant set)'} at ${c.serverUrl}` : 'your Escher tenant (no server is configured yet)';
}
