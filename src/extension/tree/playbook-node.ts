import * as semver from 'semver';
import type { PlaybookSummary } from '../../core/playbook-store/types';
import type { PlaybookTreeModel } from './playbook-tree-model';
import type { TreeIcon, TreeItemData } from './tree-item-data';
import type { TreeNode } from './tree-node';
import type { PlaybookSyncState } from './tree-source';
import { InvalidPlaybookNode } from './invalid-playbook-node';
import { decorationOf, decorationUri } from './decorations';
import { playbookTooltip } from './playbook-tooltip';
import { VersionNode } from './version-node';

/** Context values (package.json menus key on them). */
export const PLAYBOOK_CONTEXT = { local: 'playbook.local', synced: 'playbook.synced', 'ai-generated': 'playbook.ai' } as const;

/**
 * A playbook row: name, latest version and where it stands (private, in review, conflict…), with
 * its versions below, newest first, invalid version folders among them as error rows.
 */
export class PlaybookNode implements TreeNode {
  constructor(
    readonly summary: PlaybookSummary,
    readonly sync: PlaybookSyncState | undefined,
    readonly parent: TreeNode | undefined,
    private readonly model: PlaybookTreeModel,
  ) {}

  get playbookId(): string {
    return this.summary.playbook_id;
  }

  getTreeItem(): TreeItemData {
    const s = this.summary;
    const state = stateLine(s, this.sync);
    const decoration = decorationOf(s, this.sync);
    return {
      // Unique per place: the same playbook sits under another group when the grouping changes.
      id: `pb:${this.parent && 'nodeId' in this.parent ? String(this.parent.nodeId) : s.area}/${s.playbook_id}`,
      label: s.name,
      // The full name has the row: the version only once it moved on from the first, the state
      // only when it asks for something (the icon and the badge say the rest).
      description: [s.version !== '1.0.0' ? `v${s.version}` : '', decoration ? state.short : ''].filter(Boolean).join(' · ') || undefined,
      icon: state.icon,
      // A diverged conflict's row: Resolve Conflict… in its menu (and the publish entries, which would meet the conflict again, not).
      contextValue: this.sync?.conflictCopy !== undefined ? `${PLAYBOOK_CONTEXT[s.area]}.conflict` : PLAYBOOK_CONTEXT[s.area],
      collapsible: 'collapsed',
      ...(decoration ? { decorationUri: decorationUri(decoration, s) } : {}),
    };
  }

  resolveTooltip(): string {
    return playbookTooltip(this.summary, stateLine(this.summary, this.sync).long, Date.now());
  }

  async getChildren(): Promise<TreeNode[]> {
    // Newest first: the version you want is usually the latest. Version folders the store skips
    // (invalid metadata.json) show among them as error rows, never silently missing.
    const modified = await Promise.all(this.summary.versions.map((v) => this.model.modified(this.summary.playbook_id, v)));
    const rows: Array<{ version: string; node: TreeNode }> = this.summary.versions.map((v, i) => ({ version: v, node: new VersionNode(this.summary, v, v === this.summary.version, this, this.model, modified[i]!) }));
    for (const bad of await this.model.skippedVersions(this.summary).catch(() => [])) rows.push({ version: bad.version, node: new InvalidPlaybookNode(bad, this, 'version') });
    return rows.sort((a, b) => semver.rcompare(a.version, b.version)).map((r) => r.node);
  }
}

interface StateLine {
  short: string;
  long: string;
  icon: TreeIcon;
}

/** What the row says about where the playbook stands: private, pending review, approved, conflict… */
export function stateLine(s: PlaybookSummary, sync: PlaybookSyncState | undefined): StateLine {
  if (s.area === 'ai-generated') return { short: 'AI proposal', long: 'Proposed by the Escher agent; accept or discard it.', icon: { kind: 'theme', id: 'sparkle', color: 'charts.purple' } };
  if (sync?.phase === 'conflict') return { short: 'conflict', long: `Sync conflict: ${sync.detail ?? 'changed here and on the server'}. ${sync.conflictCopy !== undefined ? 'Resolve Conflict… (in its menu) resolves it.' : 'Run Show Sync Status.'}`, icon: { kind: 'theme', id: 'warning', color: 'list.warningForeground' } };
  if (sync?.phase === 'failed') return { short: 'sync failed', long: `Last sync failed: ${sync.detail ?? 'see the log'}.`, icon: { kind: 'theme', id: 'error', color: 'list.errorForeground' } };
  if (sync?.phase === 'not_syncing') return { short: 'not syncing', long: `Not syncing: ${sync.detail ?? 'server changes are not applied here'}.`, icon: { kind: 'theme', id: 'debug-disconnect', color: 'list.warningForeground' } };
  if (sync?.phase === 'pending') return { short: 'pending sync', long: 'Changed here; the next sync uploads it.', icon: { kind: 'theme', id: 'cloud-upload', color: 'charts.yellow' } };
  if (s.area === 'local') {
    return s.storage_strategy === 'local_only'
      ? { short: 'private', long: 'Keep Private: never leaves this machine.', icon: { kind: 'theme', id: 'lock' } }
      : { short: 'not published', long: 'Not uploaded yet: use Publish.', icon: { kind: 'theme', id: 'book' } };
  }
  const review = sync?.review;
  if (review === 'pending') return { short: 'in review', long: 'Uploaded for review; waiting for a reviewer.', icon: { kind: 'theme', id: 'clock', color: 'charts.yellow' } };
  if (review === 'rejected') return { short: 'rejected', long: `Rejected by a reviewer${sync?.reviewComment ? `: ${sync.reviewComment}` : ''}.`, icon: { kind: 'theme', id: 'circle-slash', color: 'list.errorForeground' } };
  if (review === 'approved' || s.storage_strategy === 'uploaded_trusted') return { short: s.storage_strategy === 'uploaded_trusted' ? 'trusted' : 'approved', long: 'Synced and usable by your tenant.', icon: { kind: 'theme', id: 'pass-filled', color: 'charts.green' } };
  return { short: 'synced', long: 'Uploaded to your tenant.', icon: { kind: 'theme', id: 'cloud', color: 'charts.blue' } };
}
