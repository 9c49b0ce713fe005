import type { ConflictResolution, KeepSide } from '../../core/conflicts/conflicts';
import * as path from 'node:path';
import type { CommandContext } from './command-context';
import { openComparison } from './compare';
import { refFromArg } from './playbook-ref';
import type { SyncDisplay } from './sync';

type Choice = KeepSide | 'open-draft';

/**
 * Resolve Conflict…: a diverged playbook (the server's version in it, yours in its conflict copy)
 * shows both sides — metadata.json and each differing script in diff editors, theirs on the left —
 * then offers Keep Mine, Keep Theirs or Merge (a draft prefilled with the three-way merge; once
 * edited, Resolve Conflict… again saves it). The core (src/core/conflicts/) writes, publishes,
 * removes the copy and clears the conflict in one step; the tree and status bar re-read after it.
 */
export async function resolveConflictFlow(ctx: CommandContext, display: Pick<SyncDisplay, 'refresh' | 'update'>, arg: unknown): Promise<ConflictResolution | undefined> {
  const svc = await ctx.service();
  const id = await conflictFromArgOrPick(ctx, arg);
  if (!id) return undefined;
  const c = await svc.conflicts.find(id);
  const [theirs, mine] = await Promise.all([svc.store.getPlaybook(c.playbook_id), svc.store.getPlaybook(c.copy_id)]);
  const draft = (await svc.drafts.list()).find((d) => d.playbook_id === c.playbook_id);
  const theirsName = `theirs v${theirs.metadata.version}`;
  const mineName = `mine (${c.copy_id})`;
  if (!draft) await openComparison(ctx, await svc.compare.between(theirs, mine, { texts: true }), { from: theirsName, to: mineName });
  const choice = await ctx.ui.pick<Choice>(
    [
      { label: 'Keep Mine', description: `publish your version as the next version of ${c.playbook_id}`, detail: `${c.copy_id} is removed`, value: 'mine' },
      { label: 'Keep Theirs', description: `keep the server's v${theirs.metadata.version}`, detail: `${c.copy_id} (your version) is deleted`, value: 'theirs' },
      ...(draft
        ? [
            { label: 'Save Merge', description: 'save the merge draft as the next version and publish it', detail: draft.dir, value: 'draft' as const },
            { label: 'Open Merge Draft', description: 'go on editing it', value: 'open-draft' as const },
          ]
        : [{ label: 'Merge…', description: 'edit a draft prefilled with the three-way merge (conflict markers where both changed the same lines)', value: 'draft' as const }]),
    ],
    { title: `Resolve the conflict on ${c.playbook_id}`, placeholder: c.message },
  );
  if (!choice) return undefined;
  if (choice === 'open-draft') {
    await ctx.ui.openFile(path.join(draft!.dir, 'metadata.json'), { preview: false });
    return undefined;
  }
  const r = await ctx.ui.withProgress(`Resolving the conflict on ${c.playbook_id}…`, () => svc.conflicts.resolve(c.playbook_id, choice));
  if (r.outcome === 'draft' && r.draft) {
    const first = r.draft.conflicted.find((f) => f !== 'metadata.json') ?? 'metadata.json';
    await ctx.ui.openFile(path.join(r.draft.dir, first), { preview: false });
    const marked = r.draft.conflicted.length ? `Conflict markers in ${r.draft.conflicted.join(', ')}.` : 'It merged without conflicts.';
    void ctx.ui.info(`Merge draft of ${c.playbook_id} made in ${r.draft.dir}. ${marked}${r.draft.notes.map((n) => ` ${n}.`).join('')} Edit it, then run "Resolve Conflict…" again and choose Save Merge.`);
    return r;
  }
  display.refresh();
  await display.update();
  const kept = r.keep === 'theirs' ? `kept the server's v${r.version ?? '?'}` : `${r.keep === 'mine' ? 'kept your version' : 'saved the merge'} as v${r.version ?? '?'}`;
  if (r.publish === 'queued') void ctx.ui.warn(`Resolved ${c.playbook_id}: ${kept}; the server did not answer, so the next sync publishes it. ${c.copy_id} was removed.`);
  else if (r.publish === 'conflict') void ctx.ui.warn(`${c.playbook_id} changed on the server again meanwhile: a new conflict needs you (Resolve Conflict… again).`);
  else void ctx.ui.info(`Resolved ${c.playbook_id}: ${kept}${r.publish === 'published' ? ', published' : ''}; ${c.copy_id} was removed.`);
  return r;
}

/** The playbook (or copy) of a tree row, else a pick among the open conflicts between two versions. */
async function conflictFromArgOrPick(ctx: CommandContext, arg: unknown): Promise<string | undefined> {
  const ref = refFromArg(arg);
  if (ref) return ref.playbookId;
  const open = (await (await ctx.service()).conflicts.list()).filter((c) => c.kind === 'diverged' && c.copy_id !== undefined);
  if (open.length === 0) {
    await ctx.ui.info('No sync conflicts to resolve.');
    return undefined;
  }
  return ctx.ui.pick(
    open.map((c) => ({ label: c.playbook_id, description: `mine v${c.local_version ?? '?'} · server v${c.remote_version ?? '?'}`, detail: c.message, value: c.playbook_id })),
    { title: 'Resolve Conflict' },
  );
}
