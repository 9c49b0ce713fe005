import * as vscode from 'vscode';
import { DisposableOwner } from '../util/disposable';
import type { PlaybookTreeModel } from './playbook-tree-model';
import { rootNodes } from './root-nodes';
import type { TreeItemData } from './tree-item-data';
import type { TreeNode } from './tree-node';

export const PLAYBOOKS_VIEW_ID = 'escher.playbooks';

/**
 * Maps the model's nodes onto the `escher.playbooks` TreeView. Owns the view; refreshes when the
 * model says its data changed, and keeps the `escher.empty`/`escher.loaded` context keys that
 * switch the welcome content ("Create Playbook") on and off.
 */
export class PlaybookTreeProvider extends DisposableOwner implements vscode.TreeDataProvider<TreeNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  readonly view: vscode.TreeView<TreeNode>;

  constructor(
    private readonly model: PlaybookTreeModel,
    private readonly onError: (e: unknown) => void,
  ) {
    super();
    this.view = this._register(vscode.window.createTreeView(PLAYBOOKS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    this._register(model.onDidChangeData(() => this._onDidChangeTreeData.fire(undefined)));
  }

  refresh(): void {
    this.model.invalidate();
  }

  async getTreeItem(node: TreeNode): Promise<vscode.TreeItem> {
    return toTreeItem(await node.getTreeItem());
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (node) return await node.getChildren();
      const roots = await rootNodes(this.model);
      const total = await this.model.total();
      this.view.message = undefined;
      // Error rows (invalid metadata) count: the user has playbooks, one is just broken.
      await vscode.commands.executeCommand('setContext', 'escher.empty', roots.length === 0);
      await vscode.commands.executeCommand('setContext', 'escher.loaded', true);
      this.view.description = total > 0 ? `${total}` : undefined;
      return roots;
    } catch (e) {
      // Never leave the view spinning or blank without a reason.
      this.view.message = `Could not read playbooks: ${e instanceof Error ? e.message : String(e)}`;
      this.onError(e);
      return [];
    }
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (!item.tooltip && node.resolveTooltip) item.tooltip = new vscode.MarkdownString(node.resolveTooltip());
    return item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }
}

export function toTreeItem(d: TreeItemData): vscode.TreeItem {
  const state =
    d.collapsible === 'none' ? vscode.TreeItemCollapsibleState.None : d.collapsible === 'expanded' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(d.label, state);
  item.id = d.id;
  item.description = d.description;
  if (d.tooltip) item.tooltip = new vscode.MarkdownString(d.tooltip);
  item.contextValue = d.contextValue;
  if (d.resourcePath) item.resourceUri = vscode.Uri.file(d.resourcePath);
  if (d.icon?.kind === 'theme') item.iconPath = new vscode.ThemeIcon(d.icon.id, d.icon.color ? new vscode.ThemeColor(d.icon.color) : undefined);
  else if (d.icon?.kind === 'file') item.iconPath = vscode.ThemeIcon.File;
  if (d.command) item.command = { command: d.command.command, title: d.command.title, arguments: d.command.arguments };
  return item;
}
