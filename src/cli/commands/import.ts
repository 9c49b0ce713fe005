import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import { type ImportDefaults, specsOf, specToInput } from '../../core/playbook-store/bundle';
import type { CreatePlaybookInput } from '../../core/playbook-store/types';
import { AREAS, type Area, CLOUD_PROVIDERS, type CloudProvider, STORAGE_STRATEGIES, type StorageStrategy } from '../../core/playbook-store/metadata';
import { ValidationError } from '../../core/shared/errors';
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

export interface ImportItemResult {
  index: number;
  name: string;
  status: 'created' | 'copied' | 'new-version' | 'skipped' | 'failed';
  playbook_id?: string;
  version?: string;
  area?: Area;
  /** copied: the playbook it was copied beside. */
  existing?: string;
  /** skipped: whether the existing latest version already holds this content. */
  identical?: boolean;
  error?: string;
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
      const specs = specsOf(await parseImportFile(file));
      const defaults: ImportDefaults = { cloud_provider: o.cloud, storage_strategy: o.strategy, area: o.area, source: o.source };
      const { store } = await ctx.service();
      const items: ImportItemResult[] = new Array(specs.length);
      const inputs: CreatePlaybookInput[] = [];
      const indexOf: number[] = [];
      specs.forEach((raw, index) => {
        const name = typeof (raw as { name?: unknown } | null)?.name === 'string' ? (raw as { name: string }).name : `#${index}`;
        items[index] = { index, name, status: 'failed' };
        try {
          inputs.push({ ...specToInput(raw, defaults), enforceContract: true });
          indexOf.push(index);
        } catch (e) {
          items[index]!.error = describeForCli(e);
        }
      });
      let lastNote = 0;
      const results = await store.createPlaybooks(
        inputs,
        (done) => {
          if (inputs.length >= 500 && done - lastNote >= 1000) {
            lastNote = done;
            ctx.out.note(`… ${done}/${inputs.length}`);
          }
        },
        { onExisting: o.onExisting },
      );
      const lines: string[] = [];
      results.forEach((r, k) => {
        const item = items[indexOf[k]!]!;
        if (!r.ok) {
          item.error = describeForCli(r.error);
          return;
        }
        const m = r.playbook.metadata;
        Object.assign(item, { status: r.outcome, playbook_id: m.playbook_id, version: m.version, area: r.playbook.area });
        if (r.outcome === 'copied') item.existing = r.existing;
        if (r.outcome === 'skipped') item.identical = r.identical;
        // Plain creates are listed with --verbose only (an import of 10k); everything else always.
        if (r.outcome !== 'created' || ctx.globals().verbose) lines.push(`#${item.index} ${item.name}: ${describeOutcome(r)}`);
      });
      const count = (...s: ImportItemResult['status'][]): number => items.filter((i) => s.includes(i.status)).length;
      const failed = items.filter((i) => i.status === 'failed');
      const imported = count('created', 'copied', 'new-version');
      const skipped = count('skipped');
      const differs = items.filter((i) => i.status === 'skipped' && !i.identical).length;
      if (failed.length || differs) ctx.exitCode = EXIT.PARTIAL;
      ctx.out.result({ created: imported, skipped, failed: failed.length, items }, () => [
        ...failed.map((f) => `failed  #${f.index} ${f.name}: ${f.error ?? ''}`),
        ...lines,
        `imported ${imported} of ${items.length} playbook${items.length === 1 ? '' : 's'}${skipped ? `, ${skipped} skipped (already there${differs ? `, ${differs} with other content` : ''})` : ''}${failed.length ? `, ${failed.length} failed` : ''}`,
      ]);
    });
}

async function parseImportFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ValidationError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      if (/\.json$/i.test(file)) throw new ValidationError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  // Loaded only for YAML input. Under the ESM CLI build a CommonJS package arrives as `default`.
  const mod: typeof import('yaml') & { default?: typeof import('yaml') } = await import('yaml');
  try {
    return (mod.default ?? mod).parse(text, { maxAliasCount: 100 }) as unknown;
  } catch (e) {
    throw new ValidationError(`${file} is neither valid JSON nor valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
