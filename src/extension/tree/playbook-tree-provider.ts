import * as vscode from 'vscode';
import { DisposableOwner } from '../util/disposable';
import type { PlaybookTreeModel } from './playbook-tree-model';
import { findPlaybookRow, sectionRoots, type TreeSection } from './sections';
import type { TreeItemData } from './tree-item-data';
import type { SelectedRow, TreeNode } from './tree-node';

export const PLAYBOOKS_VIEW_ID = 'escher.playbooks';

/**
 * Maps the sections' nodes (sections.ts) onto the `escher.playbooks` TreeView. Owns the view;
 * refreshes when a section says its rows changed, and keeps the context keys the welcome content
 * and the walkthrough read (`escher.loaded`, `escher.empty`, `escher.hasSynced`).
 */
export class PlaybookTreeProvider extends DisposableOwner implements vscode.TreeDataProvider<TreeNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  readonly view: vscode.TreeView<TreeNode>;

  constructor(
    private readonly model: PlaybookTreeModel,
    private readonly sections: readonly TreeSection[],
    private readonly onError: (e: unknown) => void,
  ) {
    super();
    this.view = this._register(vscode.window.createTreeView(PLAYBOOKS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    for (const s of sections) this._register(s.onDidChange(() => this._onDidChangeTreeData.fire(undefined)));
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
      const roots = await sectionRoots(this.sections);
      const total = await this.model.total();
      const synced = (await this.model.playbooksIn('synced')).length;
      this.view.message = undefined;
      // Error rows (invalid metadata) count: the user has playbooks, one is just broken.
      await vscode.commands.executeCommand('setContext', 'escher.empty', roots.length === 0);
      await vscode.commands.executeCommand('setContext', 'escher.hasSynced', synced > 0);
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

  /**
   * Shows and selects a playbook's row (after Create, New Version, Accept), wherever the
   * grouping puts it. False when it is not listed (the store has not reported it yet).
   */
  async reveal(playbookId: string): Promise<boolean> {
    const row = await findPlaybookRow(this.sections, playbookId);
    if (!row) return false;
    await this.view.reveal(row, { select: true, focus: true, expand: false });
    return true;
  }

  /** The row a keybinding acts on: the focused selection's first row. */
  async selected(): Promise<SelectedRow | undefined> {
    const node = this.view.selection[0];
    return node ? { node, item: await node.getTreeItem() } : undefined;
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
  else if (d.decorationUri) item.resourceUri = vscode.Uri.parse(d.decorationUri);
  if (d.icon?.kind === 'theme') item.iconPath = new vscode.ThemeIcon(d.icon.id, d.icon.color ? new vscode.ThemeColor(d.icon.color) : undefined);
  else if (d.icon?.kind === 'file') item.iconPath = vscode.ThemeIcon.File;
  if (d.command) item.command = { command: d.command.command, title: d.command.title, arguments: d.command.arguments };
  return item;
}
