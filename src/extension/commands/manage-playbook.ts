import * as path from 'node:path';
import inc from 'semver/functions/inc';
import { CLOUD_PROVIDERS, type ParameterSpec, type ScriptFormat } from '../../core/playbook-store/metadata';
import type { Playbook, ScriptInput } from '../../core/playbook-store/types';
import type { PlaybookService } from '../../core/service';
import type { CommandContext } from './command-context';
import { revealRow, splitList } from './create-playbook';
import { openMetadataFlow } from './open-playbook';
import { declarationsFor, type ScriptText, undeclaredIn } from './parameter-inference';
import { parametersStep } from './parameters-step';
import { type PlaybookRef, playbookFromArgOrPick } from './playbook-ref';
import { FORMAT_LABELS, formatOfEditor, scriptFromEditor } from './script-templates';

/**
 * Delete a whole playbook after a modal confirmation naming it and its versions. One shared with
 * the tenant (tracked by sync) is deleted for everyone by the next sync, so the user first
 * chooses between that and removing it from this machine only, and the dialog names the tenant.
 */
export async function deletePlaybookFlow(ctx: CommandContext, arg: unknown): Promise<boolean> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Delete Playbook' });
  if (!ref) return false;
  const svc = await ctx.service();
  const pb = await svc.store.getPlaybook(ref.playbookId);
  const summary = (await svc.store.listPlaybooks({ area: pb.area })).find((s) => s.playbook_id === ref.playbookId);
  const versions = summary?.versions ?? [pb.metadata.version];
  const what = `"${pb.metadata.name}" (${ref.playbookId})`;
  const listed = `Versions: ${versions.map((v) => `v${v}`).join(', ')}.`;
  const reach = await svc.publisher.tracking.deleteReach(ref.playbookId);
  if (!reach.tenantWide) {
    const ok = await ctx.ui.confirm(`Delete ${what} and all ${versions.length} version${versions.length === 1 ? '' : 's'}?`, { detail: `${listed} This cannot be undone.`, confirm: 'Delete' });
    if (!ok) return false;
    await svc.store.deletePlaybook(ref.playbookId);
  } else {
    const tenant = reach.tenant ? `tenant "${reach.tenant}"` : 'your Escher tenant';
    const scope = await ctx.ui.pick(
      [
        { label: `Delete for everyone in ${tenant}`, description: 'here now, on the server at the next sync', value: 'everywhere' as const },
        { label: 'Remove from this machine only', description: `${tenant} keeps it; this machine stops syncing it`, value: 'here' as const },
      ],
      { title: `Delete ${pb.metadata.name}`, placeholder: `It is shared with ${tenant}` },
    );
    if (!scope) return false;
    const everywhere = scope === 'everywhere';
    const ok = await ctx.ui.confirm(everywhere ? `Delete ${what} for everyone in ${tenant}?` : `Remove ${what} from this machine?`, {
      detail: everywhere
        ? `${listed} It is deleted here now and removed from ${tenant} for everyone at the next sync. This cannot be undone.`
        : `${listed} ${tenant[0]!.toUpperCase()}${tenant.slice(1)} keeps it; this machine no longer syncs it (publishing the same id again later meets the tenant's copy as a conflict).`,
      confirm: everywhere ? 'Delete Everywhere' : 'Remove from This Machine',
    });
    if (!ok) return false;
    if (everywhere) await svc.store.deletePlaybook(ref.playbookId);
    else await svc.publisher.tracking.deleteHereOnly(ref.playbookId);
  }
  ctx.log.info(`deleted ${ref.playbookId}`);
  return true;
}

/** Delete one version (the tree's version rows); one the tenant has is deleted there too, and the dialog says so. */
export async function deleteVersionFlow(ctx: CommandContext, arg: unknown): Promise<boolean> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Delete Version' });
  if (!ref) return false;
  const svc = await ctx.service();
  const version = ref.version ?? (await pickVersion(ctx, ref, 'Delete Version'));
  if (!version) return false;
  const reach = await svc.publisher.tracking.deleteReach(ref.playbookId, version);
  const tenant = reach.tenant ? `tenant "${reach.tenant}"` : 'your Escher tenant';
  const ok = await ctx.ui.confirm(reach.tenantWide ? `Delete version ${version} of ${ref.playbookId} for everyone in ${tenant}?` : `Delete version ${version} of ${ref.playbookId}?`, {
    detail: reach.tenantWide ? `It is removed from ${tenant} for everyone at the next sync. This cannot be undone.` : 'The other versions stay. This cannot be undone.',
    confirm: reach.tenantWide ? 'Delete Everywhere' : 'Delete Version',
  });
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
 * and, when the active editor holds a script, adding or replacing it in the new version — with a
 * parameters step when its placeholders are not declared yet, since the store refuses a version
 * whose placeholders the parameters do not declare.
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
  let parameters: ParameterSpec[] | undefined;
  const texts = [...scripts, ...(await scriptTexts(svc, current)).filter((t) => !scripts.some((s) => s.path === t.path))];
  if (scripts.length > 0 && undeclaredIn(texts, current.metadata.parameters).length > 0) {
    parameters = await parametersStep(ctx.ui, declarationsFor(texts, current.metadata.parameters), { title: `New Version of ${current.metadata.name}`, step: [3, 3] });
    if (!parameters) return undefined;
  }
  const pb = await svc.store.updatePlaybook(ref.playbookId, { bump, scripts, ...(parameters ? { parameters } : {}), enforceContract: true });
  if (pb.unchanged) {
    await ctx.ui.info(`Nothing changed: ${current.metadata.name} stays at v${pb.metadata.version}. Edit it with "Edit as New Version" to make a new version.`);
    return undefined;
  }
  ctx.log.info(`${ref.playbookId}: new version ${pb.metadata.version}`);
  return pb;
}

/** The New Version command: the flow, then its row is selected and the result said, with the new metadata.json a click away. */
export async function newVersionCommand(ctx: CommandContext, arg: unknown): Promise<Playbook | undefined> {
  const pb = await newVersionFlow(ctx, arg);
  if (!pb) return undefined;
  await revealRow(ctx, pb.metadata.playbook_id);
  const added = pb.metadata.scripts.length;
  void ctx.ui.info(`Created v${pb.metadata.version} of "${pb.metadata.name}" (${added} script${added === 1 ? '' : 's'}).`, 'Open metadata.json').then(async (c) => {
    if (c) await openMetadataFlow(ctx, { playbookId: pb.metadata.playbook_id, version: pb.metadata.version });
  });
  return pb;
}

/**
 * Edit Metadata: name, description, keywords, cloud, resource types and parameters, prefilled
 * (the parameters also with any placeholder the scripts use and nothing declares yet); writes a
 * new patch version, held to the placeholder contract.
 */
export async function editMetadataFlow(ctx: CommandContext, arg: unknown): Promise<Playbook | undefined> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Edit Metadata' });
  if (!ref) return undefined;
  const svc = await ctx.service();
  const current = await svc.store.getPlaybook(ref.playbookId);
  const m = current.metadata;
  const title = `Edit ${m.name} (writes v${bumped(m.version, 'patch')})`;
  const name = await ctx.ui.input({ title, step: [1, 6], prompt: 'Name', value: m.name, validate: (v) => (v.trim() === '' ? 'A name is required' : undefined) });
  if (name === undefined) return undefined;
  const description = await ctx.ui.input({ title, step: [2, 6], prompt: 'Description', value: m.description });
  if (description === undefined) return undefined;
  const keywords = await ctx.ui.input({ title, step: [3, 6], prompt: 'Keywords, comma-separated', value: m.keywords.join(', ') });
  if (keywords === undefined) return undefined;
  const cloud = await ctx.ui.pick(
    CLOUD_PROVIDERS.map((c) => ({ label: c, description: c === m.cloud_provider ? 'current' : undefined, value: c })).sort((a) => (a.value === m.cloud_provider ? -1 : 0)),
    { title, step: [4, 6], placeholder: 'Cloud provider' },
  );
  if (cloud === undefined) return undefined;
  const resources = await ctx.ui.input({ title, step: [5, 6], prompt: 'Resource types, comma-separated', value: m.resource_types.join(', ') });
  if (resources === undefined) return undefined;
  const parameters = await parametersStep(ctx.ui, declarationsFor(await scriptTexts(svc, current), m.parameters), { title, step: [6, 6] });
  if (parameters === undefined) return undefined;
  const changes = {
    name: name.trim(),
    description: description.trim(),
    keywords: [...new Set(splitList(keywords))],
    cloud_provider: cloud,
    resource_types: [...new Set(splitList(resources))],
  };
  // The store decides what "nothing changed" means (the CLI's `update` asks the same question).
  const pb = await svc.store.updatePlaybook(ref.playbookId, { ...changes, parameters, bump: 'patch', enforceContract: true });
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

/**
 * The version's scripts as text, for their placeholders. Each is read through the store (verified,
 * a sensitive one decrypted); one that cannot be read is left out here, and the store's own
 * contract check on write says what is wrong with it.
 */
async function scriptTexts(svc: PlaybookService, pb: Playbook): Promise<ScriptText[]> {
  const out: ScriptText[] = [];
  for (const s of pb.metadata.scripts) {
    const content = await svc.store.readScript(pb, s.path).catch(() => undefined);
    if (content) out.push({ path: s.path, content });
  }
  return out;
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

function bumped(v: string, part: 'patch' | 'minor' | 'major'): string {
  return inc(v, part) ?? v;
}
