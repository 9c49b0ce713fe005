import * as vscode from 'vscode';

const SHOWN_KEY = 'escher.walkthroughShown';
export const WALKTHROUGH_ID = 'escher.gettingStarted';

/**
 * The walkthrough opens by itself once, on the first activation after install (a flag in the
 * global state, so a new window or an update does not open it again) — unless the user turned
 * walkthroughs-on-install off. VS Code opens it itself when the extension is installed from the
 * Marketplace or a .vsix; an extension copied into place, or synced to a new machine, is not
 * "installed" in that sense, and this covers it (on an install VS Code has already opened it, and
 * opening it again only focuses it).
 */
export async function openWalkthroughOnFirstRun(context: vscode.ExtensionContext): Promise<boolean> {
  if (context.globalState.get<boolean>(SHOWN_KEY)) return false;
  if (vscode.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall') === false) return false;
  await context.globalState.update(SHOWN_KEY, true);
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false);
  return true;
}
