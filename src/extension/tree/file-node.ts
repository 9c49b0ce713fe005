import type { ScriptFormat } from '../../core/playbook-store/metadata';
import { escapeMd } from './markdown';
import type { TreeItemData } from './tree-item-data';
import type { TreeNode, VersionScopedNode } from './tree-node';

/** metadata.json or one script of a version; clicking opens it. */
export class FileNode implements TreeNode {
  constructor(
    readonly parent: VersionScopedNode,
    readonly file: string,
    /** "shell/stop.sh", or "metadata.json". */
    readonly relPath: string,
    readonly format: ScriptFormat | undefined,
    readonly sensitive: boolean,
  ) {}

  get playbookId(): string {
    return this.parent.playbookId;
  }

  get version(): string {
    return this.parent.version;
  }

  getTreeItem(): TreeItemData {
    const isScript = this.format !== undefined;
    return {
      id: `file:${this.file}`,
      label: this.relPath,
      description: this.sensitive ? 'encrypted at rest' : undefined,
      tooltip: this.sensitive ? `${escapeMd(this.file)}\n\nStored encrypted (AES-256-GCM): opens as a read-only decrypted view.` : escapeMd(this.file),
      icon: this.sensitive ? { kind: 'theme', id: 'lock' } : { kind: 'file' },
      contextValue: isScript ? 'file.script' : 'file.metadata',
      collapsible: 'none',
      resourcePath: this.file,
      command: this.sensitive
        ? { command: 'escher.openScript', title: 'Open', arguments: [this.playbookId, this.version, this.relPath] }
        : { command: 'escher.openFile', title: 'Open', arguments: [this.file] },
    };
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
