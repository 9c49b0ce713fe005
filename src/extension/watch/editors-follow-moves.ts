import * as vscode from 'vscode';
import type { StoreChange } from '../../core/playbook-store/types';
import { movedPath } from './moved-files';

/**
 * When the store moves a playbook to another area (publishing moves it local/ → synced/), the
 * editor tabs open on its files follow it: each opens at its new path in the same group, with the
 * same selection and scroll position, and the tab on the old (now deleted) path closes. A tab
 * with unsaved edits is left where it is: closing it would ask, or lose them.
 */
export async function followMovedPlaybook(change: Extract<StoreChange, { kind: 'moved' }>, playbooksDir: string, log: (m: string) => void): Promise<number> {
  let followed = 0;
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (!(tab.input instanceof vscode.TabInputText) || tab.input.uri.scheme !== 'file' || tab.isDirty) continue;
      const to = movedPath(tab.input.uri.fsPath, playbooksDir, change);
      if (!to) continue;
      const old = tab.input.uri;
      const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === old.toString());
      try {
        const shown = await vscode.window.showTextDocument(vscode.Uri.file(to), {
          viewColumn: group.viewColumn,
          preview: false,
          preserveFocus: !tab.isActive,
          ...(editor ? { selection: editor.selection } : {}),
        });
        if (editor?.visibleRanges[0]) shown.revealRange(editor.visibleRanges[0], vscode.TextEditorRevealType.AtTop);
        await vscode.window.tabGroups.close(tab, true);
        followed++;
      } catch (e) {
        log(`could not follow ${old.fsPath} to ${to}: ${String(e)}`);
      }
    }
  }
  return followed;
}
