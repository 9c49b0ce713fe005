import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import inc from 'semver/functions/inc';
import type { UpdateResult } from '../../core/playbook-store/types';
import type { CommandContext } from './command-context';
import { playbookFromArgOrPick, refFromArg } from './playbook-ref';
import { settlementMessage } from './restore';

/**
 * Editing a stored version the safe way (the core's drafts): Edit as New Version opens a draft of
 * the playbook (an editable copy under $ESCHER_HOME/drafts/<id>/), Save Draft as New Version
 * writes it as the next version, Discard Draft drops it. Stored versions stay read-only.
 */
export async function editAsNewVersionFlow(ctx: CommandContext, arg: unknown): Promise<string | undefined> {
  // From a stored file's editor title (a Uri): that file's playbook, and the same file in the draft.
  const file = typeof arg === 'object' && arg !== null && typeof (arg as { fsPath?: unknown }).fsPath === 'string' ? (arg as { fsPath: string }).fsPath : undefined;
  const at = file === undefined ? undefined : (await ctx.service()).store.parseStorePath(file);
  const ref = at ? { playbookId: at.playbookId } : await playbookFromArgOrPick(ctx, arg, { title: 'Edit as New Version' });
  if (!ref) return undefined;
  const svc = await ctx.service();
  const d = await svc.drafts.open(ref.playbookId);
  const same = at?.file ? path.join(d.dir, at.file) : undefined;
  const open = same && (await exists(same)) ? same : path.join(d.dir, 'metadata.json');
  await ctx.ui.openFile(open, { preview: false });
  const changed = d.changedOnDisk.length ? ` It holds ${d.changedOnDisk.join(', ')} as changed on disk in v${d.base_version}.` : '';
  const what = d.created ? `Editing a draft of ${ref.playbookId} made from v${d.base_version}.` : `The draft of ${ref.playbookId} (from v${d.base_version}) is open again.`;
  void ctx.ui.info(`${what}${changed} Edit metadata.json and the scripts in ${d.dir}, then run "Escher: Save Draft as New Version".`);
  return d.dir;
}

export async function saveDraftFlow(ctx: CommandContext, arg: unknown): Promise<UpdateResult | undefined> {
  const id = await draftFromArgOrPick(ctx, arg, 'Save Draft as New Version');
  if (!id) return undefined;
  const svc = await ctx.service();
  const draft = (await svc.drafts.list()).find((d) => d.playbook_id === id);
  if (!draft) {
    await ctx.ui.info(`There is no draft of ${id}: "Edit as New Version" makes one.`);
    return undefined;
  }
  const bump = await ctx.ui.pick(
    (['patch', 'minor', 'major'] as const).map((b) => ({ label: `Save as v${inc(draft.base_version, b) ?? '?'}`, description: b, value: b })),
    { title: `Save the draft of ${id} as a new version`, placeholder: 'Which part of the version changes?' },
  );
  if (!bump) return undefined;
  const r = await svc.drafts.commit(id, { bump, enforceContract: false });
  if (r.unchanged) {
    await ctx.ui.info(`Nothing changed: ${id} stays at v${r.metadata.version}; the draft is kept.`);
    return undefined;
  }
  // The version the draft was made from, if modified on disk: restored from the server, or kept marked.
  const base = await svc.restore.settleBase(id, r.base_version);
  void ctx.ui.info(`Saved the draft of ${id} as v${r.metadata.version}.${settlementMessage(id, base) ?? ''}`);
  return r;
}

export async function discardDraftFlow(ctx: CommandContext, arg: unknown): Promise<boolean> {
  const id = await draftFromArgOrPick(ctx, arg, 'Discard Draft');
  if (!id) return false;
  const ok = await ctx.ui.confirm(`Discard the draft of ${id}?`, { detail: 'Your edits in the draft are deleted; the stored versions stay as they are.', confirm: 'Discard Draft' });
  if (!ok) return false;
  await (await ctx.service()).drafts.discard(id);
  return true;
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** A playbook id from the argument (tree row, code lens), else a pick among the drafts in progress. */
async function draftFromArgOrPick(ctx: CommandContext, arg: unknown, title: string): Promise<string | undefined> {
  const ref = refFromArg(arg);
  if (ref) return ref.playbookId;
  const list = await (await ctx.service()).drafts.list();
  if (list.length === 0) {
    await ctx.ui.info('No drafts in progress: "Escher: Edit as New Version" makes one.');
    return undefined;
  }
  return ctx.ui.pick(
    list.map((d) => ({ label: d.playbook_id, description: `from v${d.base_version}`, detail: d.dir, value: d.playbook_id })),
    { title },
  );
}

/**
 * Compare with Previous Version: VS Code's diff editor for metadata.json and for each plain script
 * that differs between a version (the latest, or the tree row's) and the one before it.
 */
export async function compareWithPreviousFlow(ctx: CommandContext, arg: unknown): Promise<number> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Compare with Previous Version' });
  if (!ref) return 0;
  const { store } = await ctx.service();
  const versions = (await store.listPlaybooks()).find((s) => s.playbook_id === ref.playbookId)?.versions ?? [];
  const version = ref.version ?? versions[versions.length - 1];
  const i = version === undefined ? -1 : versions.indexOf(version);
  if (i <= 0) {
    await ctx.ui.info(`${ref.playbookId} v${version ?? '?'} has no earlier version to compare with.`);
    return 0;
  }
  const [older, newer] = await Promise.all([store.getPlaybook(ref.playbookId, versions[i - 1]), store.getPlaybook(ref.playbookId, version)]);
  const label = (file: string) => `${ref.playbookId}: ${file} (v${older.metadata.version} ↔ v${newer.metadata.version})`;
  await ctx.ui.openDiff(path.join(older.dir, 'metadata.json'), path.join(newer.dir, 'metadata.json'), label('metadata.json'));
  let opened = 1;
  const before = new Map(older.metadata.scripts.filter((s) => !s.sensitive).map((s) => [s.path, s.sha256]));
  for (const s of newer.metadata.scripts) {
    if (s.sensitive || !before.has(s.path) || before.get(s.path) === s.sha256) continue;
    await ctx.ui.openDiff(path.join(older.dir, s.path), path.join(newer.dir, s.path), label(s.path));
    opened++;
  }
  return opened;
}
