import type { PlaybookSyncState } from '../tree/tree-source';
import type { MetadataLocation } from './metadata-location';

/** One code lens above metadata.json, as data (the provider turns it into a vscode.CodeLens). */
export interface LensSpec {
  title: string;
  command: string;
  arguments: unknown[];
  tooltip?: string;
}

export interface LensContext {
  location: MetadataLocation;
  /** Latest version of this playbook in the store (undefined when the store does not know it yet). */
  latestVersion: string | undefined;
  storageStrategy: string | undefined;
  sync: PlaybookSyncState | undefined;
  signedIn: boolean;
  /** Workspace trust: in Restricted Mode nothing offers to run a playbook. */
  trusted?: boolean;
}

/**
 * The lenses for one metadata.json: publish actions where they make sense for its area, Run (in a
 * trusted workspace), its current sync/review state, and Validate. Pure, so every state is unit-tested.
 */
export function metadataLenses(ctx: LensContext): LensSpec[] {
  const { location: loc } = ctx;
  const ref = { playbookId: loc.playbookId, version: loc.version, area: loc.area };
  const lenses: LensSpec[] = [];
  if (ctx.latestVersion === undefined) {
    lenses.push({ title: '$(question) Not in the store index yet', command: 'escher.refresh', arguments: [], tooltip: 'Refresh the playbook explorer' });
  } else if (ctx.latestVersion !== loc.version) {
    lenses.push({ title: `$(history) Older version: latest is v${ctx.latestVersion}`, command: 'escher.openMetadata', arguments: [{ ...ref, version: ctx.latestVersion }], tooltip: 'Open the latest version' });
  }
  if (loc.area === 'local') {
    lenses.push({ title: '$(cloud-upload) Upload for Review', command: 'escher.uploadForReview', arguments: [ref], tooltip: 'Upload scripts and metadata to your tenant; a reviewer approves it' });
    lenses.push({ title: '$(verified) Upload Trusted', command: 'escher.uploadTrusted', arguments: [ref], tooltip: 'Upload and make it usable by your tenant at once' });
  } else if (loc.area === 'ai-generated') {
    lenses.push({ title: '$(check) Accept', command: 'escher.acceptAiPlaybook', arguments: [ref], tooltip: 'Keep this AI-generated playbook (moves it to Local)' });
    lenses.push({ title: '$(close) Discard', command: 'escher.discardAiPlaybook', arguments: [ref] });
  }
  if (ctx.trusted) lenses.push({ title: '$(play) Run…', command: 'escher.runPlaybook', arguments: [ref], tooltip: 'Fill in its parameters, check it, see the exact commands, then run it in a terminal' });
  lenses.push({ title: stateTitle(ctx), command: 'escher.showSyncStatus', arguments: [], tooltip: 'Show sync status' });
  lenses.push({ title: '$(checklist) Validate', command: 'escher.validateMetadata', arguments: [ref], tooltip: 'Check the schema, the folder name, every script\'s SHA-256 and that every {{placeholder}} is a declared parameter' });
  return lenses;
}

function stateTitle(ctx: LensContext): string {
  const { location: loc, sync } = ctx;
  if (loc.area === 'ai-generated') return '$(sparkle) AI-generated · pending your decision';
  if (sync?.phase === 'conflict') return `$(warning) Sync conflict${sync.detail ? `: ${sync.detail}` : ''}`;
  if (sync?.phase === 'failed') return `$(error) Sync failed${sync.detail ? `: ${sync.detail}` : ''}`;
  if (sync?.phase === 'not_syncing') return `$(debug-disconnect) Not syncing${sync.detail ? `: ${sync.detail}` : ''}`;
  if (sync?.phase === 'pending') return '$(cloud-upload) Pending sync';
  if (loc.area === 'local') return ctx.storageStrategy === 'local_only' ? '$(lock) Local · Keep Private' : '$(circle-large-outline) Local · not published';
  const review = sync?.review;
  const reviewText =
    review === 'pending' ? 'in review' : review === 'approved' ? 'approved' : review === 'rejected' ? `rejected${sync?.reviewComment ? `: ${sync.reviewComment}` : ''}` : review === 'not_required' ? 'trusted' : ctx.storageStrategy === 'uploaded_trusted' ? 'trusted' : 'review state unknown';
  return `$(cloud) Synced · ${reviewText}${ctx.signedIn ? '' : ' · signed out'}`;
}
