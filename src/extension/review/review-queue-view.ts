import * as vscode from 'vscode';
import type { ReviewQueueItem } from '../../core/escher-api/types';
import { describe } from '../commands/error-actions';
import { toTreeItem } from '../tree/playbook-tree-provider';
import { DisposableOwner } from '../util/disposable';
import { reviewItem } from './review-rows';
import type { ReviewerAccess } from './reviewer-access';

export const REVIEW_VIEW_ID = 'escher.reviewQueue';

/** A row of the queue: what the review commands get as their argument. */
export interface ReviewRow {
  item: ReviewQueueItem;
}

/**
 * The Review Queue view: the tenant's versions waiting for review, read from the server with the
 * reviewer token each time it is drawn (after a decision, a sync, Refresh). Shown only while a
 * reviewer token is stored (context key `escher.reviewer`). A refusal (not a reviewer, token
 * rejected, server down) is the view's message, in words, never an empty list.
 */
export class ReviewQueueView extends DisposableOwner implements vscode.TreeDataProvider<ReviewRow> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  readonly view: vscode.TreeView<ReviewRow>;

  constructor(
    private readonly access: ReviewerAccess,
    private readonly onError: (message: string) => void,
  ) {
    super();
    this.view = this._register(vscode.window.createTreeView(REVIEW_VIEW_ID, { treeDataProvider: this }));
  }

  refresh(): void {
    this._onDidChangeTreeData.fire();
  }

  /** Shows or hides the view (a reviewer token is stored or not). */
  async setSignedIn(signedIn: boolean): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'escher.reviewer', signedIn);
  }

  async syncContext(): Promise<void> {
    await this.setSignedIn(await this.access.signedIn());
  }

  async getChildren(row?: ReviewRow): Promise<ReviewRow[]> {
    if (row) return [];
    try {
      const api = await this.access.api();
      if (!api) {
        this.view.message = 'No reviewer token, or no Escher server configured: run "Escher: Sign In as Reviewer…".';
        return [];
      }
      try {
        const items = await api.reviewQueue();
        this.view.message = items.length === 0 ? 'Nothing waits for review in your tenant.' : undefined;
        this.view.description = items.length ? String(items.length) : undefined;
        return items.map((item) => ({ item }));
      } finally {
        api.close();
      }
    } catch (e) {
      this.view.message = `Could not read the review queue: ${describe(e)}`;
      this.view.description = undefined;
      this.onError(`review queue: ${describe(e)}`);
      return [];
    }
  }

  getTreeItem(row: ReviewRow): vscode.TreeItem {
    return toTreeItem(reviewItem(row.item, Date.now()));
  }
}
