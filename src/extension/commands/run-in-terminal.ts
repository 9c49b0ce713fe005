import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { IntegrityError } from '../../core/shared/errors';
import { sha256 } from '../../core/shared/hash';
import type { CommandContext } from './command-context';
import { resolveScriptFlow } from './resolve-script';
import { commandLineFor, placeholdersIn } from './run-command-line';

export const RESTRICTED_MODE_MESSAGE = 'Running playbook scripts is disabled in Restricted Mode: trust this workspace to run them.';

/**
 * Run in Terminal: refused in Restricted Mode (checked here, not only by the menu's `when`,
 * because a code lens, a keybinding or another extension can invoke the command directly);
 * otherwise resolves the script (which hashes every file and refuses one that does not match
 * metadata.json) and runs it only after a modal confirmation that shows the exact command line,
 * the file, the SHA-256 of its bytes computed again for that dialog, and where it came from.
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
  const bytes = single ? await fs.readFile(file) : undefined;
  const computed = bytes ? sha256(bytes) : undefined;
  if (single && computed !== single.sha256) {
    throw new IntegrityError(`${file} changed after it was verified: its SHA-256 is now ${computed}, metadata.json records ${single.sha256}`, { hint: 'nothing was run; restore the file or save the change as a new version' });
  }
  const placeholders = placeholdersIn(bytes?.toString('utf8') ?? '');
  const detail = [
    `Command: ${commandLine}`,
    `Working folder: ${path.dirname(file)}`,
    single ? `SHA-256: ${computed} (computed now, matches metadata.json; ${r.source})` : `${r.files.length} files, each hashed and matching metadata.json (${r.source})`,
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
