import type { Command } from 'commander';
import type { CliContext } from '../context';

/** The review step for AI-generated playbooks: keep (move to local) or throw away. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('accept')
    .description('accept an AI-generated playbook: move it from ai-generated to local')
    .argument('<id>', 'playbook id')
    .action(async (id: string) => {
      const { store } = await ctx.service();
      const p = await store.acceptPlaybook(id);
      ctx.out.result({ accepted: id, area: p.area, version: p.metadata.version }, () => `accepted ${id}: now in ${p.area}`);
    });
  program
    .command('discard')
    .description('discard an AI-generated playbook (all its versions)')
    .argument('<id>', 'playbook id')
    .action(async (id: string) => {
      const { store } = await ctx.service();
      await store.discardPlaybook(id);
      ctx.out.result({ discarded: id }, () => `discarded ${id}`);
    });
}
