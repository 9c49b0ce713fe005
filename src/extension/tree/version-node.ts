import * as path from 'node:path';
import type { PlaybookSummary } from '../../core/playbook-store/types';
import { FileNode } from './file-node';
import type { PlaybookTreeModel } from './playbook-tree-model';
import type { TreeItemData } from './tree-item-data';
import type { TreeNode } from './tree-node';

/** One immutable version of a playbook: its metadata.json and scripts below it, the latest marked. */
export class VersionNode implements TreeNode {
  constructor(
    readonly summary: PlaybookSummary,
    readonly version: string,
    private readonly latest: boolean,
    readonly parent: TreeNode,
    private readonly model: PlaybookTreeModel,
    /** Its scripts modified on disk (no longer matching metadata.json); empty when it is intact. */
    readonly modified: readonly string[] = [],
  ) {}

  get playbookId(): string {
    return this.summary.playbook_id;
  }

  getTreeItem(): TreeItemData {
    const name = `\`${this.summary.playbook_id}\` v${this.version}${this.latest ? ' (latest)' : ''}`;
    const published = this.summary.area === 'synced';
    return {
      id: `ver:${this.summary.area}:${this.summary.playbook_id}@${this.version}`,
      label: `v${this.version}`,
      description: [this.latest ? 'latest' : '', this.modified.length ? 'modified on disk' : ''].filter(Boolean).join(' · ') || undefined,
      tooltip: this.modified.length
        ? `${name}: modified on disk (${this.modified.join(', ')} no longer match metadata.json), so it will not run or publish. ${published ? 'Restore from Server puts the published files back; ' : ''}Edit as New Version keeps the changes as the next version.`
        : `${name}: versions are immutable; New Version writes the next one.`,
      icon: this.modified.length ? { kind: 'theme', id: 'warning', color: 'list.warningForeground' } : { kind: 'theme', id: 'versions' },
      // Menus key on it: Restore from Server only where the server has the version.
      contextValue: this.modified.length ? (published ? 'version.modified.published' : 'version.modified') : 'version',
      collapsible: 'collapsed',
    };
  }

  async getChildren(): Promise<TreeNode[]> {
    const pb = await this.model.version(this.summary.playbook_id, this.version);
    const files: TreeNode[] = [new FileNode(this, path.join(pb.dir, 'metadata.json'), 'metadata.json', undefined, false)];
    for (const s of pb.metadata.scripts) files.push(new FileNode(this, path.join(pb.dir, ...s.path.split('/')), s.path, s.format, s.sensitive === true));
    return files;
  }
}
