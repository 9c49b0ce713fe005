import type { Command } from 'commander';
import { BUNDLE_FORMAT, type Bundle } from '../../core/playbook-store/bundle';
import { writeFileAtomic } from '../../core/shared/atomic-fs';
import { ValidationError } from '../../core/shared/errors';
import type { CliContext } from '../context';

/** Writes a single-file bundle (bundle.ts) that `import` reads back, here or in another home. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('write playbooks (one version each) to a single-file bundle that `import` reads back')
    .argument('<ids...>', 'playbook ids')
    .option('--version <version>', 'export this version (only with a single id; default: latest)')
    .option('--out <file>', 'bundle file to write ("-" for stdout)', '-')
    .action(async (ids: string[], o: { version?: string; out: string }) => {
      const all = [...new Set(ids)];
      if (o.version !== undefined && all.length > 1) throw new ValidationError('--version applies to a single playbook', [], { hint: 'export one id at a time to pick versions' });
      const { store } = await ctx.service();
      const bundle: Bundle = { format: BUNDLE_FORMAT, exported_at: new Date().toISOString(), playbooks: [] };
      for (const id of all) bundle.playbooks.push(await store.exportSpec(await store.getPlaybook(id, all.length === 1 ? o.version : undefined)));
      const text = JSON.stringify(bundle, null, 2) + '\n';
      if (o.out === '-') {
        ctx.out.jsonDocument(text);
        return;
      }
      await writeFileAtomic(o.out, text);
      ctx.out.result({ out: o.out, playbooks: bundle.playbooks.map((p) => ({ playbook_id: p.playbook_id, version: p.version })) }, () => `exported ${bundle.playbooks.length} playbook(s) to ${o.out}`);
    });
}
