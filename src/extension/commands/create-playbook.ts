import * as path from 'node:path';
import { CLOUD_PROVIDERS, type CloudProvider, type ParameterSpec, SCRIPT_FORMATS, type ScriptFormat } from '../../core/playbook-store/metadata';
import type { Playbook, ScriptInput } from '../../core/playbook-store/types';
import type { CommandContext } from './command-context';
import { CLOUD_LABELS } from '../util/cloud-labels';
import { declarationsFor } from './parameter-inference';
import { parametersStep } from './parameters-step';
import { FORMAT_LABELS, formatOfEditor, scriptFromEditor, templateParameters, templateScript } from './script-templates';

const TOTAL = 8;
const TITLE = 'Create Playbook';

/**
 * Create Playbook: name → description → keywords → cloud → resource types → formats → where the
 * scripts start from (templates, or the file in the active editor) → the parameters their
 * placeholders use (prefilled, with types) — then the store writes v1.0.0 under local/ (as Keep
 * Private: nothing leaves the machine until the user publishes), refusing a placeholder the
 * parameters do not declare (the contract the CLI's create holds too). Escape at any step creates
 * nothing. Returns the new playbook (for the caller to open, reveal and offer publishing), or
 * undefined when cancelled.
 */
export async function createPlaybookFlow(ctx: CommandContext): Promise<Playbook | undefined> {
  const { ui } = ctx;
  const name = await ui.input({
    title: TITLE,
    step: [1, TOTAL],
    prompt: 'Name of the playbook',
    placeholder: 'e.g. Weekend RDS shutdown',
    validate: (v) => (v.trim() === '' ? 'A name is required' : v.length > 200 ? 'At most 200 characters' : undefined),
  });
  if (name === undefined) return undefined;
  const description = await ui.input({
    title: TITLE,
    step: [2, TOTAL],
    prompt: 'What does it do, and when should someone use it? (used by search)',
    placeholder: 'e.g. Stops non-production RDS instances on Friday evening to save cost',
    validate: (v) => (v.length > 10_000 ? 'At most 10,000 characters' : undefined),
  });
  if (description === undefined) return undefined;
  const keywords = await ui.input({
    title: TITLE,
    step: [3, TOTAL],
    prompt: 'Keywords, comma-separated (optional, used by search)',
    placeholder: 'e.g. cost, weekend, database',
    validate: (v) => (splitList(v).some((k) => k.length > 100) ? 'Each keyword is at most 100 characters' : undefined),
  });
  if (keywords === undefined) return undefined;
  const cloud = await ui.pick(
    CLOUD_PROVIDERS.map((c) => ({ label: CLOUD_LABELS[c], description: c, value: c })),
    { title: TITLE, step: [4, TOTAL], placeholder: 'Which cloud do its scripts act on?' },
  );
  if (cloud === undefined) return undefined;
  const resources = await ui.input({
    title: TITLE,
    step: [5, TOTAL],
    prompt: 'Resource types, comma-separated (optional)',
    placeholder: cloud === 'azure' ? 'e.g. vm, sql-database' : 'e.g. rds, ec2',
    validate: (v) => (splitList(v).some((r) => r.length > 100) ? 'Each resource type is at most 100 characters' : undefined),
  });
  if (resources === undefined) return undefined;

  const editor = ui.activeEditor();
  const editorFormat = editor ? formatOfEditor(editor) : undefined;
  const formats = await ui.pickMany(
    SCRIPT_FORMATS.map((f) => ({ label: FORMAT_LABELS[f], description: `${f}/`, value: f, picked: f === (editorFormat ?? 'shell') })),
    { title: TITLE, step: [6, TOTAL], placeholder: 'Script formats to start with' },
  );
  if (formats === undefined) return undefined;

  let scripts: ScriptInput[] = formats.map((f) => templateScript(f, name, cloud));
  if (editor && editorFormat && formats.includes(editorFormat)) {
    const source = await ui.pick(
      [
        { label: `Use ${editor.path.split(/[\\/]/).pop() ?? 'the active file'} as the ${FORMAT_LABELS[editorFormat]} script`, value: 'editor' as const },
        { label: 'Start every script from a template', value: 'templates' as const },
      ],
      { title: TITLE, step: [7, TOTAL], placeholder: 'Where do the scripts start from?' },
    );
    if (source === undefined) return undefined;
    if (source === 'editor') scripts = scripts.map((s) => (s.path.startsWith(`${editorFormat}/`) ? scriptFromEditor(editor, editorFormat as ScriptFormat) : s));
  }
  const fromTemplates = formats.filter((f) => {
    const t = templateScript(f, name, cloud);
    return scripts.some((s) => s.path === t.path && s.content === t.content);
  });
  const parameters = await parametersStep(ui, declarationsFor(scripts, templateDeclarations(fromTemplates, cloud)), { title: TITLE, step: [8, TOTAL] });
  if (parameters === undefined) return undefined;

  const svc = await ctx.service();
  const pb = await svc.store.createPlaybook({
    name: name.trim(),
    description: description.trim(),
    keywords: [...new Set(splitList(keywords))],
    cloud_provider: cloud,
    resource_types: [...new Set(splitList(resources))],
    scripts,
    parameters,
    storage_strategy: 'local_only',
    enforceContract: true,
  });
  ctx.log.info(`created ${pb.metadata.playbook_id} v${pb.metadata.version} in ${pb.dir}`);
  return pb;
}

/**
 * The Create Playbook command: the flow above, then the new metadata.json opens (pinned), its row
 * is revealed and selected in the explorer, and the three publish choices are offered; the
 * uploads run as their own commands, with their own errors and confirmations.
 */
export async function createPlaybookCommand(ctx: CommandContext): Promise<Playbook | undefined> {
  const pb = await createPlaybookFlow(ctx);
  if (!pb) return undefined;
  await ctx.ui.openFile(path.join(pb.dir, 'metadata.json'), { preview: false });
  await revealRow(ctx, pb.metadata.playbook_id);
  const choice = await ctx.ui.info(
    `Created "${pb.metadata.name}" (${pb.metadata.playbook_id} v${pb.metadata.version}) in Local. It stays private until you publish it.`,
    'Keep Private',
    'Upload for Review',
    'Upload Trusted',
  );
  if (choice === 'Upload for Review') await ctx.ui.executeCommand('escher.uploadForReview', { playbookId: pb.metadata.playbook_id });
  if (choice === 'Upload Trusted') await ctx.ui.executeCommand('escher.uploadTrusted', { playbookId: pb.metadata.playbook_id });
  return pb;
}

export function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * The declarations of the templates in use (not replaced by the editor's file), so a template's
 * placeholder arrives with its description and default; a placeholder of the user's own file is
 * guessed (declarationsFor).
 */
function templateDeclarations(formats: readonly ScriptFormat[], cloud: CloudProvider): ParameterSpec[] {
  const byName = new Map<string, ParameterSpec>();
  for (const f of formats) for (const p of templateParameters(f, cloud)) if (!byName.has(p.name)) byName.set(p.name, p);
  return [...byName.values()];
}

/** Selects a playbook's row in the explorer; a failure to find it only goes to the log. */
export async function revealRow(ctx: CommandContext, playbookId: string): Promise<void> {
  try {
    if (ctx.tree && !(await ctx.tree.reveal(playbookId))) ctx.log.debug(`reveal: ${playbookId} is not listed yet`);
  } catch (e) {
    ctx.log.warn(`reveal ${playbookId}: ${String(e)}`);
  }
}
