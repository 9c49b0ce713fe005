import type { TreeItemData } from './tree-item-data';

/** A node of the playbook explorer: owns its item and its children (GitHub PR extension style). */
export interface TreeNode {
  readonly parent: TreeNode | undefined;
  getTreeItem(): TreeItemData | Promise<TreeItemData>;
  getChildren(): Promise<TreeNode[]>;
  /**
   * Markdown tooltip built only when the user hovers (TreeDataProvider.resolveTreeItem): with 10k
   * rows, building every tooltip up front costs a third of a refresh.
   */
  resolveTooltip?(): string;
}

/** A node that stands for one playbook version (files below it open and run that version). */
export interface VersionScopedNode extends TreeNode {
  readonly playbookId: string;
  readonly version: string;
}

/** A selected row: the node (the argument its commands get) and what it shows. */
export interface SelectedRow {
  node: TreeNode;
  item: TreeItemData;
}
