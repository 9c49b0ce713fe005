import * as path from 'node:path';
import { type ImportSummary, importSummaryLine } from '../../core/playbook-store/import-summary';
import type { OnExisting } from '../../core/playbook-store/on-existing';
import { noticeText } from '../util/notice-text';
import { loadCore } from '../core-loader';
import type { CommandContext } from './command-context';
import { describe } from './error-actions';

const TITLE = 'Import Playbooks';
const AS_NEW_VERSIONS = 'Import Changed as New Versions';
const DETAILS = 'Show Details';

/**
 * Import Playbooks…: a JSON/YAML list of playbook specs or an export bundle (what the CLI's
 * `import` reads), chosen in the file dialog. What is already there is skipped first; when some
 * of it differs from the file, the user can bring those in as new versions in one more click.
 * Nothing is half-written: each playbook is created whole or not at all.
 */
export async function importPlaybooksCommand(ctx: CommandContext, file?: string): Promise<ImportSummary | undefined> {
  const chosen = file ?? (await ctx.ui.pickFile({ title: TITLE, openLabel: 'Import', filters: { 'Playbook specs or bundles': ['json', 'yaml', 'yml'] } }));
  if (!chosen) return undefined;
  const svc = await ctx.service();
  const { importSpecs, readImportFile } = loadCore();
  const doc = await readImportFile(chosen);
  const run = (onExisting: OnExisting) =>
    ctx.ui.withProgress(`Importing playbooks from ${noticeText(path.basename(chosen), 80)}`, (p) =>
      importSpecs(svc.store, doc, { onExisting, describe, onProgress: (done, total) => p.report(`${done} of ${total}`) }),
    );
  let summary = await run('skip');
  ctx.log.info(`import ${chosen}: ${importSummaryLine(summary)}`);
  let action = await tell(ctx, summary);
  if (action === AS_NEW_VERSIONS) {
    // Identical ones stay skipped: only the playbooks whose content differs get a version.
    summary = await run('new-version');
    ctx.log.info(`import ${chosen} as new versions: ${importSummaryLine(summary)}`);
    action = await tell(ctx, summary);
  }
  if (action === DETAILS) await ctx.ui.showReadOnly({ name: `Import of ${path.basename(chosen)}.txt`, content: details(chosen, summary), language: 'plaintext' });
  return summary;
}

/** The outcome in one notification, with the next step when something needs the user. */
async function tell(ctx: CommandContext, s: ImportSummary): Promise<string | undefined> {
  const line = importSummaryLine(s);
  const text = line.charAt(0).toUpperCase() + line.slice(1) + '.';
  if (!s.failed && !s.differs) return ctx.ui.info(text);
  const actions = [...(s.differs ? [AS_NEW_VERSIONS] : []), DETAILS];
  return ctx.ui.warn(text, ...actions);
}

/** What did not arrive as it is in the file, one line per playbook (names from the file are escaped). */
function details(file: string, s: ImportSummary): string {
  const lines = [`Import of ${noticeText(file, 500)}: ${importSummaryLine(s)}`, ''];
  for (const i of s.items) {
    const name = noticeText(i.name, 120);
    if (i.status === 'failed') lines.push(`failed   #${i.index} ${name}: ${noticeText(i.error ?? '', 500)}`);
    else if (i.status === 'skipped') lines.push(`skipped  #${i.index} ${name}: ${i.playbook_id} v${i.version} is already there${i.identical ? ' with the same content' : ' with other content'}`);
    else if (i.status === 'copied') lines.push(`copied   #${i.index} ${name}: as ${i.playbook_id}, beside ${i.existing}`);
    else lines.push(`${i.status.padEnd(8)} #${i.index} ${name}: ${i.playbook_id} v${i.version}`);
  }
  return lines.join('\n') + '\n';
}
