import type { ParameterSpec, ScriptFormat } from '../playbook-store/metadata';
import { type ContractReport, inlineDefaultsOf, parameterSpecIssues, placeholderContract } from '../playbook-store/parameter-contract';
import type { Playbook } from '../playbook-store/types';
import { NotFoundError, ValidationError } from '../shared/errors';
import { entryScript } from './entry';
import { readLastValues } from './last-values';
import type { SourceScript } from './render/render-types';
import type { ResolvedValue, RunRequest } from './types';
import { resolveValues } from './values';
import { type RunnerStore, verifyVersion } from './verify';

/**
 * The first stage of a run: load the version, verify every file against metadata.json, pick the
 * format(s) and entry script, check the parameter contract, and gather the values the request
 * and this machine already have. What is still `missing` is for the caller to ask for (a prompt
 * on a terminal, a quick input in VS Code) before plan().
 */
export interface PreparedRun {
  request: RunRequest;
  playbook: Playbook;
  params: ParameterSpec[];
  scripts: SourceScript[];
  contentHash: string;
  formats: ScriptFormat[];
  entries: Map<ScriptFormat, string | undefined>;
  contract: ContractReport;
  inlineDefaults: Map<string, string>;
  last: Record<string, unknown>;
  values: ResolvedValue[];
  /** Required parameters without a value yet. */
  missing: ParameterSpec[];
}

export async function prepareRun(store: RunnerStore, runsDir: string, request: RunRequest): Promise<PreparedRun> {
  const playbook = await store.getPlaybook(request.playbookId, request.version);
  const { scripts, contentHash } = await verifyVersion(store, playbook);
  const formats = chooseFormats(playbook, request);
  const entries = new Map(formats.map((f) => [f, entryScript(f, scripts.map((s) => s.path), request.script?.startsWith(`${f}/`) ? request.script : undefined)] as const));
  const params = await store.revealParameters(playbook);
  const contract = placeholderContract(scripts, params);
  contract.errors.unshift(...parameterSpecIssues(params));
  const inlineDefaults = inlineDefaultsOf(scripts).defaults;
  const last = await readLastValues(runsDir, playbook.metadata.playbook_id);
  const { values, missing } = resolveValues(params, request.values ?? {}, last, inlineDefaults);
  return { request, playbook, params, scripts, contentHash, formats, entries, contract, inlineDefaults, last, values, missing };
}

function chooseFormats(playbook: Playbook, request: RunRequest): ScriptFormat[] {
  const present = [...new Set(playbook.metadata.scripts.map((s) => s.format))];
  const { playbook_id: id, version } = playbook.metadata;
  if (present.length === 0) throw new ValidationError(`${id} v${version} has no scripts to run`, [], { hintCode: 'no-scripts' });
  // `--script python/x.py` names its format.
  const format = request.format ?? (request.script?.split('/')[0] as ScriptFormat | undefined);
  if (format !== undefined) {
    if (!present.includes(format)) throw new NotFoundError(`${id} v${version} has no ${format} scripts`, { hint: `its formats: ${present.join(', ')}` });
    return [format];
  }
  if (present.length === 1) return present;
  if (request.mode === 'dry-run') return present;
  throw new ValidationError(`${id} v${version} has ${present.join(', ')} scripts: choose one to run`, [], { hint: `add --format ${present[0]} (a dry run without --format shows them all)` });
}
