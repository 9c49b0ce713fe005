import * as path from 'node:path';
import type { ScriptFormat } from '../../core/playbook-store/metadata';
import type { Playbook } from '../../core/playbook-store/types';
import { entryScript } from '../../core/runner/entry';
import type { CommandContext } from '../commands/command-context';
import { FORMAT_LABELS } from '../commands/script-templates';
import { pickText } from '../util/notice-text';

/** The format to run: the only one, else the user's pick. Undefined when cancelled. */
export async function chooseFormat(ctx: CommandContext, pb: Playbook): Promise<ScriptFormat | undefined> {
  const formats = [...new Set(pb.metadata.scripts.map((s) => s.format))];
  if (formats.length === 0) {
    await ctx.ui.warn(`${pb.metadata.playbook_id} v${pb.metadata.version} has no scripts to run.`);
    return undefined;
  }
  if (formats.length === 1) return formats[0];
  return ctx.ui.pick(
    formats.map((f) => ({ label: FORMAT_LABELS[f], description: `${pb.metadata.scripts.filter((s) => s.format === f).length} file(s) in ${f}/`, value: f })),
    { title: `Run ${pb.metadata.name}`, placeholder: 'Which scripts run?' },
  );
}

/**
 * The entry script when the engine cannot tell (several files, none named main.* or run.*): the
 * user's pick. Undefined: the engine's own choice (the only file, main.*, run.*, or a whole
 * Terraform folder); null: cancelled.
 */
export async function chooseEntry(ctx: CommandContext, pb: Playbook, format: ScriptFormat): Promise<string | undefined | null> {
  const paths = pb.metadata.scripts.map((s) => s.path);
  try {
    entryScript(format, paths);
    return undefined;
  } catch {
    const own = paths.filter((p) => p.startsWith(`${format}/`) && !(format === 'arm' && /\.parameters\.json$/i.test(p)));
    const chosen = await ctx.ui.pick(own.map((p) => ({ label: pickText(p), value: p })), { title: `Run ${pb.metadata.name}`, placeholder: `Which ${FORMAT_LABELS[format]} script runs?` });
    return chosen ?? null;
  }
}

/**
 * The working folder: the workspace folder (a choice when there are several) — never the store,
 * which the engine refuses anyway. Without a folder open there is none to run in: the user is
 * told and offered to open one.
 */
export async function chooseWorkingFolder(ctx: CommandContext): Promise<string | undefined> {
  const folders = ctx.ui.workspaceFolders();
  if (folders.length === 1) return folders[0];
  if (folders.length === 0) {
    const choice = await ctx.ui.warn('A playbook runs in the workspace folder: open a folder first.', 'Open Folder');
    if (choice === 'Open Folder') await ctx.ui.executeCommand('workbench.action.files.openFolder');
    return undefined;
  }
  return ctx.ui.pick(
    folders.map((f) => ({ label: pickText(path.basename(f)), description: pickText(f), value: f })),
    { title: 'Run Playbook', placeholder: 'Which workspace folder does it run in?' },
  );
}
