import type { Command } from 'commander';
import type { CliContext } from '../context';

/** `index status|rebuild`: the local search index (user_playbooks collection). */
export function register(program: Command, ctx: CliContext): void {
  const index = program.command('index').description('inspect or rebuild the local search index');
  index
    .command('status')
    .description('model, size, and how many playbooks changed since the index was last brought up to date')
    .action(async () => {
      const { search } = await ctx.service();
      try {
        const s = await search.status();
        ctx.out.result(s, () => [
          `model:     ${s.model} (${s.dimension} dimensions)`,
          `indexed:   ${s.indexed} of ${s.playbooks} playbook(s)${s.stale ? `, ${s.stale} out of date (updated on the next search, or run \`index rebuild\`)` : ', up to date'}`,
          `file:      ${s.file}${s.fileBytes === null ? ' (not written yet)' : ` (${(s.fileBytes / 1024).toFixed(0)} KiB)`}`,
          ...(s.qdrant ? [`qdrant:    ${s.qdrant.url} ${s.qdrant.reachable ? `reachable, ${s.qdrant.points} point(s)` : `UNREACHABLE (${s.qdrant.error})`}`] : []),
        ]);
      } finally {
        await search.close();
      }
    });
  index
    .command('rebuild')
    .description('drop the index and embed every playbook again (the playbook files are the source of truth)')
    .action(async () => {
      const { search } = await ctx.service();
      try {
        const r = await search.rebuild();
        for (const w of r.warnings) ctx.out.warn(w);
        ctx.out.result(r, () => [`indexed ${r.added + r.updated} playbook(s) (${r.embedded} embedded)${r.removed ? `, removed ${r.removed}` : ''}`]);
      } finally {
        await search.close();
      }
    });
}
