import type { Command } from 'commander';
import * as path from 'node:path';
import { choice } from '../args';
import type { CliContext } from '../context';
import { table } from '../output';
import { ValidationError } from '../../core/shared/errors';
import type { BaseSettlement } from '../../core/version-restore/version-restore';
import { describeForCli } from '../hints';

/**
 * draft ID | draft commit ID [--bump] | draft discard ID | draft list: editing a stored version
 * through a working copy in $ESCHER_HOME/drafts/<id>/ (src/core/drafts/). A playbook whose id is
 * one of the subcommand names is drafted with `draft open ID`.
 */
export function register(program: Command, ctx: CliContext): void {
  const drafts = async () => {
    const { DraftStore } = await import('../../core/drafts/draft-store.js');
    return new DraftStore({ draftsDir: path.join(ctx.config().home, 'drafts'), store: await ctx.store() });
  };
  const open = async (id: string) => {
    const d = await (await drafts()).open(id);
    for (const f of d.changedOnDisk) ctx.out.warn(`${f} was changed in the stored v${d.base_version}: the draft holds the changed file, and saving the draft makes it the next version`);
    ctx.out.result(d, () => [d.dir]);
    ctx.out.note(d.created ? `draft of ${id} made from v${d.base_version}: edit it, then \`escher-playbook draft commit ${id}\`` : `the draft of ${id} (from v${d.base_version}) already exists`);
  };
  const draft = program
    .command('draft')
    .description('edit a playbook as a new version: make (or find) its draft folder and print it')
    .argument('[id]', 'playbook id')
    .action(async (id: string | undefined) => {
      if (id === undefined) throw new ValidationError('draft needs a playbook id', [], { hint: 'escher-playbook draft ID, or draft list | commit ID | discard ID' });
      await open(id);
    });
  draft.command('open').description('make (or find) the draft of a playbook and print its folder').argument('<id>', 'playbook id').action(open);
  draft
    .command('commit')
    .description('save the draft as the next version (validated, every file hashed again), then remove it')
    .argument('<id>', 'playbook id')
    .option('--bump <part>', 'which semver part to bump: patch (default), minor, major', choice(['patch', 'minor', 'major'] as const))
    .action(async (id: string, o: { bump?: 'patch' | 'minor' | 'major' }) => {
      const r = await (await drafts()).commit(id, { bump: o.bump });
      // The version the draft was made from, if it was modified on disk: restored from the server, or kept marked.
      const base = r.unchanged ? undefined : await (await ctx.service()).restore.settleBase(id, r.base_version);
      if (base) for (const line of settlementNotes(id, base)) ctx.out.warn(line);
      ctx.out.result({ ...r.metadata, unchanged: r.unchanged, ...(base ? { base: { version: base.version, state: base.state, files: base.files } } : {}) }, () =>
        r.unchanged ? `nothing changed: ${id} stays at v${r.metadata.version}; the draft is kept (\`escher-playbook draft discard ${id}\` drops it)` : `saved the draft of ${id} as v${r.metadata.version} (${r.area})`,
      );
    });
  draft
    .command('discard')
    .description('delete the draft of a playbook (the stored versions are untouched)')
    .argument('<id>', 'playbook id')
    .action(async (id: string) => {
      await (await drafts()).discard(id);
      ctx.out.result({ discarded: id }, () => `discarded the draft of ${id}`);
    });
  draft
    .command('list')
    .description('drafts in progress')
    .action(async () => {
      const list = await (await drafts()).list();
      ctx.out.result(list, () => (list.length ? table(['ID', 'FROM', 'CREATED', 'FOLDER'], list.map((d) => [d.playbook_id, `v${d.base_version}`, d.created_at, d.dir])) : ['no drafts']));
    });
}

/** What became of a modified version once its changes were saved as the next one. */
function settlementNotes(id: string, b: BaseSettlement): string[] {
  const v = `${id} v${b.version}`;
  if (b.state === 'restored') return [`${v} had files changed on disk (${b.files.join(', ')}): they are in the new version now, and v${b.version} was restored from the server`];
  if (b.state === 'kept') return [`${v} still has files changed on disk (${b.files.join(', ')}) and is not on the server: it stays marked modified; delete it with \`escher-playbook delete ${id} --version ${b.version}\` when you no longer need it`];
  if (b.state === 'restore-failed') return [`${v} is still modified on disk (${b.files.join(', ') || 'unchecked'}): restoring it from the server failed (${describeForCli(b.error)}); run \`escher-playbook restore ${id} ${b.version}\` later`];
  return [];
}
