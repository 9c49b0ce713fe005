import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CommandContext } from './command-context';
import { resolveScriptFlow } from './resolve-script';
import { commandLineFor, placeholdersIn } from './run-command-line';

export const RESTRICTED_MODE_MESSAGE = 'Running playbook scripts is disabled in Restricted Mode: trust this workspace to run them.';

/**
 * Run in Terminal: refused in Restricted Mode (checked here, not only by the menu's `when`,
 * because a code lens, a keybinding or another extension can invoke the command directly);
 * otherwise resolves the script and runs it only after a modal confirmation that shows the
 * exact command line, the file, its SHA-256 and where it came from.
 */
export async function runInTerminalFlow(ctx: CommandContext, arg: unknown): Promise<'ran' | 'refused' | 'cancelled'> {
  if (!ctx.ui.isTrusted()) {
    const choice = await ctx.ui.error(RESTRICTED_MODE_MESSAGE, 'Manage Workspace Trust');
    if (choice === 'Manage Workspace Trust') await ctx.ui.executeCommand('workbench.trust.manage');
    return 'refused';
  }
  const out = await resolveScriptFlow(ctx, arg, { forRun: true });
  if (!out) return 'cancelled';
  const { resolved: r, file } = out;
  const commandLine = commandLineFor(r.format, file, r.playbookId);
  const single = r.files.find((f) => f.file === file);
  const text = single ? await fs.readFile(file, 'utf8').catch(() => '') : '';
  const placeholders = placeholdersIn(text);
  const detail = [
    `Command: ${commandLine}`,
    `Working folder: ${path.dirname(file)}`,
    single ? `SHA-256: ${single.sha256} (verified, ${r.source})` : `${r.files.length} files (verified, ${r.source})`,
    placeholders.length ? `Placeholders not filled in: ${placeholders.map((p) => `{{${p}}}`).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const ok = await ctx.ui.confirm(`Run ${r.playbookId} v${r.version} (${r.format}) in a terminal?`, { detail, confirm: 'Run' });
  if (!ok) return 'cancelled';
  ctx.ui.runInTerminal({ name: `Escher: ${r.playbookId}`, cwd: path.dirname(file), commandLine });
  ctx.log.info(`ran ${r.playbookId} v${r.version} ${r.format}: ${commandLine}`);
  return 'ran';
}
