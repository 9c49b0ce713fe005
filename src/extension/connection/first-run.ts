import * as vscode from 'vscode';

const SHOWN_KEY = 'escher.walkthroughShown';
export const WALKTHROUGH_ID = 'escher.gettingStarted';

/**
 * The walkthrough opens by itself once, on the first activation after install (a flag in the
 * global state, so a new window or an update does not open it again).
 */
export async function openWalkthroughOnFirstRun(context: vscode.ExtensionContext): Promise<boolean> {
  if (context.globalState.get<boolean>(SHOWN_KEY)) return false;
  await context.globalState.update(SHOWN_KEY, true);
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false);
  return true;
}
