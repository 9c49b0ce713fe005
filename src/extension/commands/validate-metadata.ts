import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PlaybookMetadata } from '../../core/playbook-store/metadata';
import { locateMetadata } from '../codelens/metadata-location';
import { loadCore } from '../core-loader';
import type { CommandContext } from './command-context';
import { describe } from './error-actions';
import { refFromArg } from './playbook-ref';

export interface ValidationResult {
  file: string;
  issues: string[];
  /** Declared parameters no script uses, look-alike placeholders: worth a look, not wrong. */
  warnings: string[];
}

/**
 * Validate metadata.json beyond what the editor's JSON schema shows: the store's own rules
 * (folder name = id and version, script folder = format, no duplicates), every script's SHA-256
 * and size against the bytes on disk, and the placeholder contract — every `{{name}}` in the
 * scripts declared, defaults of their type (what a create or update through the extension or the
 * CLI refuses). `text` is the editor's (possibly unsaved) content.
 */
export async function validateMetadataText(ctx: CommandContext, file: string, text: string): Promise<ValidationResult> {
  const svc = await ctx.service();
  const loc = locateMetadata(file, svc.config.playbooksDir);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { file, issues: [`not valid JSON: ${describe(e)}`], warnings: [] };
  }
  const { schemaIssues, semanticIssues, parameterSpecIssues, placeholderContract } = loadCore();
  const issues = schemaIssues(value);
  const warnings: string[] = [];
  if (issues.length > 0) return { file, issues, warnings };
  const meta = value as PlaybookMetadata;
  issues.push(...semanticIssues(meta, loc ? { playbookId: loc.playbookId, version: loc.version } : {}));
  if (loc && issues.length === 0) {
    const onDisk = (await fs.readFile(file, 'utf8').catch(() => undefined)) === text;
    if (!onDisk) issues.push('unsaved changes: save the file, then validate the scripts against it');
    else {
      try {
        const pb = await svc.store.getPlaybook(loc.playbookId, loc.version);
        const texts: Array<{ path: string; text: string | undefined }> = [];
        for (const s of pb.metadata.scripts) {
          try {
            texts.push({ path: s.path, text: (await svc.store.readScript(pb, s.path)).toString('utf8') });
          } catch (e) {
            issues.push(`${s.path}: ${describe(e)}`);
          }
        }
        const params = await svc.store.revealParameters(pb);
        const contract = placeholderContract(texts, params);
        issues.push(...parameterSpecIssues(params), ...contract.errors);
        warnings.push(...contract.warnings);
      } catch (e) {
        issues.push(describe(e));
      }
    }
  }
  return { file, issues, warnings };
}

export async function reportValidation(ctx: CommandContext, result: ValidationResult): Promise<void> {
  if (result.issues.length === 0) {
    const valid = 'metadata.json is valid: schema, folder names, every script checksum and every placeholder check out.';
    if (result.warnings.length === 0) await ctx.ui.info(valid);
    else {
      ctx.log.warn(`validation of ${result.file}:\n  ${result.warnings.join('\n  ')}`);
      await ctx.ui.warn(`${valid} ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}: ${result.warnings.slice(0, 2).join('; ')}`);
    }
    return;
  }
  ctx.log.warn(`validation of ${result.file}:\n  ${result.issues.join('\n  ')}`);
  const first = result.issues.slice(0, 3).join('; ');
  const more = result.issues.length > 3 ? ` (+${result.issues.length - 3} more in the log)` : '';
  const choice = await ctx.ui.error(`metadata.json has ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}: ${first}${more}`, 'Open Log');
  if (choice === 'Open Log') await ctx.ui.executeCommand('escher.showLog');
}

/**
 * The Validate command: the metadata.json of the code lens's version, else the one in the active
 * editor — as the editor has it, unsaved edits included.
 */
export async function validateMetadataCommand(ctx: CommandContext, arg: unknown): Promise<ValidationResult | undefined> {
  const doc = await documentFor(ctx, arg);
  if (!doc) {
    await ctx.ui.warn('Open a playbook\'s metadata.json to validate it.');
    return undefined;
  }
  const result = await validateMetadataText(ctx, doc.file, doc.text);
  await reportValidation(ctx, result);
  return result;
}

async function documentFor(ctx: CommandContext, arg: unknown): Promise<{ file: string; text: string } | undefined> {
  const ref = refFromArg(arg);
  if (ref?.version) {
    const pb = await (await ctx.service()).store.getPlaybook(ref.playbookId, ref.version);
    const file = path.join(pb.dir, 'metadata.json');
    return { file, text: await ctx.ui.documentText(file) };
  }
  const editor = ctx.ui.activeEditor();
  return editor && path.basename(editor.path) === 'metadata.json' ? { file: editor.path, text: editor.text } : undefined;
}
