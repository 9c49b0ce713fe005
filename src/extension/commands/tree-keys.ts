import type { SelectedRow } from '../tree/tree-node';
import type { CommandContext } from './command-context';
import { deletePlaybookFlow, deleteVersionFlow, discardAiFlow } from './manage-playbook';
import { openMetadataFlow } from './open-playbook';

/**
 * Enter on a row of the explorer (package.json keybindings): a row with its own command (a file,
 * an invalid-metadata row) runs it; a playbook or a version opens its metadata.json; a group or an
 * area opens or closes, as Enter does in any tree.
 */
export async function openSelectedFlow(ctx: CommandContext, row: SelectedRow | undefined): Promise<void> {
  if (!row) return;
  const { item, node } = row;
  if (item.command) await ctx.ui.executeCommand(item.command.command, ...(item.command.arguments ?? []));
  else if (item.contextValue.startsWith('playbook.') || item.contextValue === 'version') await openMetadataFlow(ctx, node);
  else if (item.collapsible !== 'none') await ctx.ui.executeCommand('list.toggleExpand');
}

/**
 * Delete on a row: a playbook or a version is deleted after the same modal confirmation as the
 * context menu (an AI proposal is discarded); other rows have nothing to delete.
 */
export async function deleteSelectedFlow(ctx: CommandContext, row: SelectedRow | undefined): Promise<boolean> {
  const cv = row?.item.contextValue ?? '';
  if (cv === 'playbook.ai') return discardAiFlow(ctx, row?.node);
  if (cv.startsWith('playbook.')) return deletePlaybookFlow(ctx, row?.node);
  if (cv === 'version') return deleteVersionFlow(ctx, row?.node);
  ctx.ui.statusMessage('Escher: select a playbook or a version to delete it.');
  return false;
}
