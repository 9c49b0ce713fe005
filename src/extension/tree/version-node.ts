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
  ) {}

  get playbookId(): string {
    return this.summary.playbook_id;
  }

  getTreeItem(): TreeItemData {
    return {
      id: `ver:${this.summary.area}:${this.summary.playbook_id}@${this.version}`,
      label: `v${this.version}`,
      description: this.latest ? 'latest' : undefined,
      tooltip: `\`${this.summary.playbook_id}\` v${this.version}${this.latest ? ' (latest)' : ''}: versions are immutable; New Version writes the next one.`,
      icon: { kind: 'theme', id: 'versions' },
      contextValue: 'version',
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
