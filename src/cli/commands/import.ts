import type { Command } from 'commander';
import type { ImportDefaults } from '../../core/playbook-store/bundle';
import { importSpecs, parseImportText, readImportFile } from '../../core/playbook-store/import-file';
import { importSummaryLine } from '../../core/playbook-store/import-summary';
import { AREAS, type Area, CLOUD_PROVIDERS, type CloudProvider, STORAGE_STRATEGIES, type StorageStrategy } from '../../core/playbook-store/metadata';
import { describeForCli } from '../hints';
import type { OnExisting } from '../../core/playbook-store/on-existing';
import { choice } from '../args';
import { describeOutcome, onExistingOption } from '../on-existing';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';

interface ImportOptions {
  cloud?: CloudProvider;
  strategy?: StorageStrategy;
  area?: Area;
  source?: 'user' | 'ai_generated' | 'library';
  onExisting: OnExisting;
}

/**
 * Bulk create. Each item is one atomic create: it appears whole or not at all, and a failing
 * item (bad spec, unreadable secret) never stops the others. An item already there (same id, or
 * same name) is handled as --on-existing says (default skip). Exit 9 when any item failed or was
 * skipped although its content differs (not all of the file's content arrived).
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description('create playbooks from a JSON array / YAML list of specs, or an export bundle ("-" reads stdin)')
    .argument('<file>', 'JSON or YAML file')
    .option('--cloud <provider>', `cloud for specs that name none: ${CLOUD_PROVIDERS.join('|')}`, choice(CLOUD_PROVIDERS))
    .option('--strategy <strategy>', `storage strategy for specs that name none: ${STORAGE_STRATEGIES.join('|')}`, choice(STORAGE_STRATEGIES))
    .option('--area <area>', `import into this area: ${AREAS.join('|')}`, choice(AREAS))
    .option('--source <source>', 'source for specs that name none: user|ai_generated|library', choice(['user', 'ai_generated', 'library'] as const))
    .addOption(onExistingOption())
    .action(async (file: string, o: ImportOptions) => {
      const doc = file === '-' ? await parseImportText(await readStdin(), 'stdin') : await readImportFile(file);
      const defaults: ImportDefaults = { cloud_provider: o.cloud, storage_strategy: o.strategy, area: o.area, source: o.source };
      const { store } = await ctx.service();
      let lastNote = 0;
      const summary = await importSpecs(store, doc, {
        defaults,
        onExisting: o.onExisting,
        describe: describeForCli,
        onProgress: (done, total) => {
          if (total >= 500 && done - lastNote >= 1000) {
            lastNote = done;
            ctx.out.note(`… ${done}/${total}`);
          }
        },
      });
      // Plain creates are listed with --verbose only (an import of 10k); everything else always.
      const lines: string[] = [];
      for (const { item, result: r } of summary.results) if (r.ok && (r.outcome !== 'created' || ctx.globals().verbose)) lines.push(`#${item.index} ${item.name}: ${describeOutcome(r)}`);
      const failed = summary.items.filter((i) => i.status === 'failed');
      if (failed.length || summary.differs) ctx.exitCode = EXIT.PARTIAL;
      ctx.out.result({ created: summary.imported, skipped: summary.skipped, failed: failed.length, items: summary.items }, () => [
        ...failed.map((f) => `failed  #${f.index} ${f.name}: ${f.error ?? ''}`),
        ...lines,
        importSummaryLine(summary),
      ]);
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
