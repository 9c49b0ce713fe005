import type { ErrorObject } from 'ajv';
import * as semver from 'semver';
import { ValidationError } from '../shared/errors';
import { textRuleMessage, valueAt } from '../shared/text-rules';
import type { PlaybookMetadata } from './metadata';
import { scriptPathIssues } from './names';
import { validate as compiledValidate } from './metadata-validator.generated';

/**
 * metadata.json validation: the published JSON Schema (draft-07; compiled ahead of time by ajv,
 * see validator-codegen.ts) plus the rules a schema cannot state: the script folder is the
 * script's format, the paths can be written as one folder on every OS (names.ts scriptPathIssues),
 * the id and version match the folders the file lives in.
 */
interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const validator = (): CompiledValidator => compiledValidate as CompiledValidator;

export function schemaIssues(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, 8).map((e) => formatAjvError(e, value));
}

function formatAjvError(e: ErrorObject, root: unknown): string {
  const where = e.instancePath === '' ? '(root)' : e.instancePath;
  const text = e.keyword === 'pattern' ? textRuleMessage((e.params as { pattern: string }).pattern, valueAt(root, e.instancePath)) : undefined;
  if (text) return `${where} ${text}`;
  if (e.keyword === 'additionalProperties') return `${where}: unknown property "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
  if (e.keyword === 'enum') return `${where} ${e.message ?? ''}: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** Checks beyond the schema. `expect` holds what the folder names say, when read from disk. */
export function semanticIssues(meta: PlaybookMetadata, expect: { playbookId?: string; version?: string } = {}): string[] {
  const issues: string[] = [];
  if (expect.playbookId !== undefined && meta.playbook_id !== expect.playbookId) {
    issues.push(`playbook_id "${meta.playbook_id}" does not match its folder "${expect.playbookId}"`);
  }
  if (expect.version !== undefined && meta.version !== expect.version) {
    issues.push(`version "${meta.version}" does not match its folder "v${expect.version}"`);
  }
  if (!semver.valid(meta.version)) issues.push(`version "${meta.version}" is not a semantic version`);
  for (const s of meta.scripts) {
    if (s.path.split('/')[0] !== s.format) issues.push(`script "${s.path}" is not in the "${s.format}/" folder its format requires`);
  }
  issues.push(...scriptPathIssues(meta.scripts.map((s) => s.path)));
  const names = new Set<string>();
  for (const p of meta.parameters) {
    if (names.has(p.name)) issues.push(`parameter "${p.name}" is listed twice`);
    names.add(p.name);
  }
  return issues;
}

/** Throws a ValidationError naming every problem found. */
export function assertValidMetadata(value: unknown, where: string, expect: { playbookId?: string; version?: string } = {}): PlaybookMetadata {
  const issues = schemaIssues(value);
  if (issues.length === 0) issues.push(...semanticIssues(value as PlaybookMetadata, expect));
  if (issues.length) throw new ValidationError(`Invalid metadata in ${where}`, issues, { hint: 'fix the file', hintCode: 'store-needs-check' });
  return value as PlaybookMetadata;
}

/** Full validation of a metadata document the store is about to write, before anything touches the disk. */
export function assertValidDraft(m: PlaybookMetadata): void {
  assertValidMetadata(m, `playbook "${m.name.slice(0, 80)}"`);
}
