import * as path from 'node:path';
import type { CommandContext } from './command-context';
import { playbookFromArgOrPick } from './playbook-ref';

/** Opens a version's metadata.json (latest when no version is given). */
export async function openMetadataFlow(ctx: CommandContext, arg: unknown): Promise<string | undefined> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Open metadata.json' });
  if (!ref) return undefined;
  const svc = await ctx.service();
  const pb = await svc.store.getPlaybook(ref.playbookId, ref.version);
  const file = path.join(pb.dir, 'metadata.json');
  await ctx.ui.openFile(file, { preview: false });
  return file;
}

/**
 * A sensitive script is AES-256-GCM ciphertext on disk: show the decrypted text (verified against
 * its sha256 by the store) in a read-only untitled document instead of opening the file.
 */
export async function openScriptFlow(ctx: CommandContext, playbookId: string, version: string, scriptPath: string): Promise<void> {
  const svc = await ctx.service();
  const pb = await svc.store.getPlaybook(playbookId, version);
  const bytes = await svc.store.readScript(pb, scriptPath);
  const format = pb.metadata.scripts.find((s) => s.path === scriptPath)?.format;
  const language = format === 'shell' ? 'shellscript' : format === 'python' ? 'python' : format === 'terraform' ? 'terraform' : format === 'arm' ? 'json' : 'yaml';
  await ctx.ui.showReadOnly({ name: `${playbookId} v${version} ${scriptPath} (decrypted)`, content: bytes.toString('utf8'), language });
}

/** Escher: Open (tree rows of plain files): opens the file when the argument is a path. */
export async function openFileCommand(ctx: CommandContext, file: unknown): Promise<void> {
  if (typeof file === 'string') await ctx.ui.openFile(file);
}

/** Escher: Open Script (tree rows of sensitive scripts): the decrypted view, when the arguments say which script. */
export async function openScriptCommand(ctx: CommandContext, id: unknown, version: unknown, scriptPath: unknown): Promise<void> {
  if (typeof id === 'string' && typeof version === 'string' && typeof scriptPath === 'string') await openScriptFlow(ctx, id, version, scriptPath);
}
