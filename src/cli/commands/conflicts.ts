import type { Command } from 'commander';
import { choice } from '../args';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { table } from '../output';
import { ValidationError } from '../../core/shared/errors';
import type { ConflictResolution } from '../../core/conflicts/conflicts';

/**
 * conflicts | conflicts resolve ID --keep mine|theirs|draft: the sync conflicts still open (the
 * same list `status` shows) and their resolution (src/core/conflicts/). Exit 0 resolved (or the
 * merge draft made), 7 resolved but the publish is queued (server unreachable), 4 the server moved
 * again meanwhile (a new conflict: see `conflicts`).
 */
export function register(program: Command, ctx: CliContext): void {
  const conflicts = program
    .command('conflicts')
    .description('sync conflicts needing you (a playbook changed here and on the server): list them, or resolve one')
    .action(async () => {
      const list = await (await ctx.service()).conflicts.list();
      ctx.out.result(list, () =>
        list.length
          ? table(
              ['ID', 'KIND', 'MINE', 'SERVER', 'COPY', 'WHAT'],
              list.map((c) => [c.playbook_id, c.kind, c.local_version ? `v${c.local_version}` : '-', c.remote_version ? `v${c.remote_version}` : '-', c.copy_id ?? '-', c.message]),
            )
          : ['no open conflicts'],
      );
    });
  conflicts
    .command('resolve')
    .description('resolve a conflict: keep mine (the copy becomes the next version, published), keep theirs (the copy goes), or draft (edit a three-way merge first)')
    .argument('<id>', 'the playbook id (or its conflict copy\'s)')
    .requiredOption('--keep <side>', 'mine, theirs or draft', choice(['mine', 'theirs', 'draft'] as const))
    .action(async (id: string, o: { keep?: 'mine' | 'theirs' | 'draft' }) => {
      if (!o.keep) throw new ValidationError('conflicts resolve needs --keep mine|theirs|draft');
      const r = await (await ctx.service()).conflicts.resolve(id, o.keep);
      if (r.publish === 'queued') ctx.exitCode = EXIT.REMOTE;
      if (r.publish === 'conflict') ctx.exitCode = EXIT.CONFLICT;
      ctx.out.result(r, () => render(r));
    });
}

function render(r: ConflictResolution): string[] {
  if (r.outcome === 'draft' && r.draft) {
    return [
      r.draft.dir,
      ...(r.draft.conflicted.length ? [`conflict markers in: ${r.draft.conflicted.join(', ')}`] : ['merged without conflicts']),
      ...r.draft.notes.map((n) => `note: ${n}`),
      `edit the draft, then: escher-playbook conflicts resolve ${r.playbook_id} --keep draft`,
    ];
  }
  const kept = r.keep === 'theirs' ? "kept the server's version" : r.keep === 'mine' ? 'kept your version' : 'kept the merge';
  const sent =
    r.publish === 'published' ? ', published' : r.publish === 'queued' ? '; the publish is queued (the server did not answer): the next `escher-playbook sync` sends it' : r.publish === 'conflict' ? '; the server changed it again meanwhile: see `escher-playbook conflicts`' : '';
  return [`resolved ${r.playbook_id}: ${kept}, now v${r.version ?? '?'}${sent}; removed ${r.copy_id}`];
}
