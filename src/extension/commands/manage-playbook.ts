import * as path from 'node:path';
import inc from 'semver/functions/inc';
import { CLOUD_PROVIDERS, type ScriptFormat } from '../../core/playbook-store/metadata';
import type { Playbook, ScriptInput } from '../../core/playbook-store/types';
import type { CommandContext } from './command-context';
import { splitList } from './create-playbook';
import { type PlaybookRef, playbookFromArgOrPick } from './playbook-ref';
import { FORMAT_LABELS, formatOfEditor, scriptFromEditor } from './script-templates';

/** Delete a whole playbook after a modal confirmation naming it and its versions. */
export async function deletePlaybookFlow(ctx: CommandContext, arg: unknown): Promise<boolean> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Delete Playbook' });
  if (!ref) return false;
  const svc = await ctx.service();
  const pb = await svc.store.getPlaybook(ref.playbookId);
  const summary = (await svc.store.listPlaybooks({ area: pb.area })).find((s) => s.playbook_id === ref.playbookId);
  const versions = summary?.versions ?? [pb.metadata.version];
  const remote = pb.area === 'synced' ? ' It is also removed from your tenant on the next sync.' : '';
  const ok = await ctx.ui.confirm(`Delete "${pb.metadata.name}" (${ref.playbookId}) and all ${versions.length} version${versions.length === 1 ? '' : 's'}?`, {
    detail: `Versions: ${versions.map((v) => `v${v}`).join(', ')}.${remote} This cannot be undone.`,
    confirm: 'Delete',
  });
  if (!ok) return false;
  await svc.store.deletePlaybook(ref.playbookId);
  ctx.log.info(`deleted ${ref.playbookId}`);
  return true;
}

/** Delete one version (the tree's version rows). */
export async function deleteVersionFlow(ctx: CommandContext, arg: unknown): Promise<boolean> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Delete Version' });
  if (!ref) return false;
  const svc = await ctx.service();
  const version = ref.version ?? (await pickVersion(ctx, ref, 'Delete Version'));
  if (!version) return false;
  const ok = await ctx.ui.confirm(`Delete version ${version} of ${ref.playbookId}?`, { detail: 'The other versions stay. This cannot be undone.', confirm: 'Delete Version' });
  if (!ok) return false;
  await svc.store.deletePlaybook(ref.playbookId, version);
  return true;
}

async function pickVersion(ctx: CommandContext, ref: PlaybookRef, title: string): Promise<string | undefined> {
  const svc = await ctx.service();
  const s = (await svc.store.listPlaybooks()).find((p) => p.playbook_id === ref.playbookId);
  if (!s) return undefined;
  return ctx.ui.pick(
    [...s.versions].reverse().map((v) => ({ label: `v${v}`, description: v === s.version ? 'latest' : undefined, value: v })),
    { title },
  );
}

/**
 * New Version: versions are immutable, so every change is a new version folder. Offers the bump
 * and, when the active editor holds a script, adding or replacing it in the new version.
 */
export async function newVersionFlow(ctx: CommandContext, arg: unknown): Promise<Playbook | undefined> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'New Version' });
  if (!ref) return undefined;
  const svc = await ctx.service();
  const current = await svc.store.getPlaybook(ref.playbookId);
  const bump = await ctx.ui.pick(
    (['patch', 'minor', 'major'] as const).map((b) => ({ label: b, description: `v${current.metadata.version} → v${bumped(current.metadata.version, b)}`, value: b })),
    { title: `New Version of ${current.metadata.name}`, step: [1, 2], placeholder: 'Which part of the version changes?' },
  );
  if (!bump) return undefined;
  const scripts: ScriptInput[] = [];
  const editor = ctx.ui.activeEditor();
  const format: ScriptFormat | undefined = editor && !isInside(editor.path, current.dir) ? formatOfEditor(editor) : undefined;
  if (editor && format) {
    const script = scriptFromEditor(editor, format);
    const add = await ctx.ui.pick(
      [
        { label: `Add ${path.basename(editor.path)} as ${script.path}`, description: FORMAT_LABELS[format], value: true },
        { label: 'Same scripts as now', value: false },
      ],
      { title: `New Version of ${current.metadata.name}`, step: [2, 2] },
    );
    if (add === undefined) return undefined;
    if (add) scripts.push(script);
  }
  const pb = await svc.store.updatePlaybook(ref.playbookId, { bump, scripts });
  if (pb.unchanged) {
    await ctx.ui.info(`Nothing changed: ${current.metadata.name} stays at v${pb.metadata.version}. Open the changed script outside the store (or edit the metadata) to make a new version.`);
    return undefined;
  }
  ctx.log.info(`${ref.playbookId}: new version ${pb.metadata.version}`);
  return pb;
}

/** Edit Metadata: name, description, keywords, cloud, resource types, prefilled; writes a new patch version. */
export async function editMetadataFlow(ctx: CommandContext, arg: unknown): Promise<Playbook | undefined> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Edit Metadata' });
  if (!ref) return undefined;
  const svc = await ctx.service();
  const { metadata: m } = await svc.store.getPlaybook(ref.playbookId);
  const title = `Edit ${m.name} (writes v${bumped(m.version, 'patch')})`;
  const name = await ctx.ui.input({ title, step: [1, 5], prompt: 'Name', value: m.name, validate: (v) => (v.trim() === '' ? 'A name is required' : undefined) });
  if (name === undefined) return undefined;
  const description = await ctx.ui.input({ title, step: [2, 5], prompt: 'Description', value: m.description });
  if (description === undefined) return undefined;
  const keywords = await ctx.ui.input({ title, step: [3, 5], prompt: 'Keywords, comma-separated', value: m.keywords.join(', ') });
  if (keywords === undefined) return undefined;
  const cloud = await ctx.ui.pick(
    CLOUD_PROVIDERS.map((c) => ({ label: c, description: c === m.cloud_provider ? 'current' : undefined, value: c })).sort((a) => (a.value === m.cloud_provider ? -1 : 0)),
    { title, step: [4, 5], placeholder: 'Cloud provider' },
  );
  if (cloud === undefined) return undefined;
  const resources = await ctx.ui.input({ title, step: [5, 5], prompt: 'Resource types, comma-separated', value: m.resource_types.join(', ') });
  if (resources === undefined) return undefined;
  const changes = {
    name: name.trim(),
    description: description.trim(),
    keywords: [...new Set(splitList(keywords))],
    cloud_provider: cloud,
    resource_types: [...new Set(splitList(resources))],
  };
  // The store decides what "nothing changed" means (the CLI's `update` asks the same question).
  const pb = await svc.store.updatePlaybook(ref.playbookId, { ...changes, bump: 'patch' });
  if (!pb.unchanged) return pb;
  await ctx.ui.info(`Nothing changed: ${m.name} stays at v${m.version}.`);
  return undefined;
}

export async function acceptAiFlow(ctx: CommandContext, arg: unknown): Promise<Playbook | undefined> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Accept AI-generated Playbook', areas: ['ai-generated'] });
  if (!ref) return undefined;
  const svc = await ctx.service();
  const pb = await svc.store.acceptPlaybook(ref.playbookId);
  await ctx.ui.info(`Accepted "${pb.metadata.name}": it is now in Local. Publish it when it is ready to share.`);
  return pb;
}

export async function discardAiFlow(ctx: CommandContext, arg: unknown): Promise<boolean> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Discard AI-generated Playbook', areas: ['ai-generated'] });
  if (!ref) return false;
  const svc = await ctx.service();
  const pb = await svc.store.getPlaybook(ref.playbookId);
  const ok = await ctx.ui.confirm(`Discard the AI-generated playbook "${pb.metadata.name}"?`, { detail: 'Its files are deleted.', confirm: 'Discard' });
  if (!ok) return false;
  await svc.store.discardPlaybook(ref.playbookId);
  return true;
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

function bumped(v: string, part: 'patch' | 'minor' | 'major'): string {
  return inc(v, part) ?? v;
}
