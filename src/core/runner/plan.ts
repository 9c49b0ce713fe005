import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ReviewStatus } from '../escher-api/types';
import type { ParameterSpec, ScriptFormat } from '../playbook-store/metadata';
import type { ParameterValue } from '../playbook-store/parameter-values';
import { ValidationError } from '../shared/errors';
import { stepsFor } from './commands';
import { runPreflight } from './preflight/run-preflight';
import type { PreparedRun } from './prepare';
import { renderFormat } from './render/render-format';
import type { OutFile, RenderValues } from './render/render-types';
import { reviewGate } from './review-gate';
import { makeRunFolder, removeRunFolder, writeRunFiles } from './run-folder';
import { runEnvironment, sensitiveTexts } from './run-env';
import { newRunId } from './run-id';
import { which } from './tools';
import type { Finding, PlanStep, PlanValue, RenderedFile, ResolvedValue, ReviewFacts, RunPlan, ToolTiming } from './types';
import { resolveValues } from './values';

/**
 * The second stage: with every value known, render the scripts into a fresh private run folder,
 * run the preflight checks on what will really run, and work out the exact commands. Nothing of
 * the playbook runs here. The plan is plain data (safe to print as JSON: no sensitive value is in
 * it); what execute() needs beyond it — the environment, the texts to mask — is kept aside.
 */
export interface PlanDeps {
  runsDir: string;
  playbooksDir: string;
  env: NodeJS.ProcessEnv;
  tmpDir?: string;
  now(): number;
  reviewStatus?: (playbook: ReviewFacts) => Promise<ReviewStatus | null>;
}

export interface PlanSecrets {
  env: NodeJS.ProcessEnv;
  masks: string[];
  values: ResolvedValue[];
}

const secrets = new WeakMap<RunPlan, PlanSecrets>();

export function planSecrets(plan: RunPlan): PlanSecrets {
  const s = secrets.get(plan);
  if (!s) throw new Error('this plan was not made by planRun');
  return s;
}

const DISPLAY_MASK = '********';

export async function planRun(deps: PlanDeps, prepared: PreparedRun, prompted: ReadonlyArray<{ name: string; text: string }> = []): Promise<RunPlan> {
  const { request, playbook } = prepared;
  const m = playbook.metadata;
  const supplied = { ...request.values, text: [...(request.values?.text ?? []), ...prompted.map((p) => ({ ...p, source: 'prompt' as const }))] };
  const { values, missing } = prompted.length ? resolveValues(prepared.params, supplied, prepared.last, prepared.inlineDefaults) : prepared;
  if (missing.length) {
    throw new ValidationError(`Missing value${missing.length > 1 ? 's' : ''} for ${missing.map((p) => `"${p.name}"`).join(', ')}`, [], {
      hint: `pass ${missing.map((p) => (p.sensitive ? `--param-env ${p.name}=ENVVAR` : `--param ${p.name}=…`)).join(' ')}, a --params-file, or run on a terminal to be asked`,
    });
  }
  const cwd = await workingFolder(request.cwd ?? process.cwd(), deps.playbooksDir);
  const runId = newRunId(deps.now());
  const runDir = await makeRunFolder(deps.tmpDir);
  try {
    const params = new Map<string, ParameterSpec>(prepared.params.map((p) => [p.name, p]));
    const real: RenderValues = { params, values: new Map(values.map((v) => [v.spec.name, v.value])) };
    const shown: RenderValues = { params, values: new Map(values.map((v) => [v.spec.name, v.spec.sensitive && v.value !== undefined ? displayMask(v.spec) : v.value])) };
    const statePath = path.join(cwd, '.escher', 'terraform', m.playbook_id, 'terraform.tfstate');
    const extraEnv: Record<string, string> = { ESCHER_RUN_ID: runId, ESCHER_RUN_DIR: runDir, ESCHER_PLAYBOOK_ID: m.playbook_id, ESCHER_PLAYBOOK_VERSION: m.version };
    if (prepared.formats.includes('terraform')) Object.assign(extraEnv, { TF_DATA_DIR: path.dirname(statePath) + '/data', TF_IN_AUTOMATION: '1', TF_INPUT: '0' });
    const env = runEnvironment(deps.env, values, extraEnv);
    const findings: Finding[] = [
      ...prepared.contract.errors.map((message) => contractFinding('error', message)),
      ...prepared.contract.warnings.map((message) => contractFinding('warning', message)),
    ];
    if (playbook.area === 'ai-generated') {
      findings.push({ severity: 'warning', source: 'review', message: `${m.playbook_id} is AI-generated and not accepted yet: read its scripts before running it (\`escher-playbook accept ${m.playbook_id}\` once you have)` });
    }
    const files: RenderedFile[] = [];
    const steps: PlanStep[] = [];
    const tools: ToolTiming[] = [];
    for (const format of prepared.formats) {
      const entry = prepared.entries.get(format);
      const scripts = prepared.scripts.filter((s) => s.path.startsWith(`${format}/`));
      const r = await renderFormat(format, scripts, real, { entry, statePath });
      const display = await renderFormat(format, scripts, shown, { entry, statePath });
      const written = await writeRunFiles(runDir, r.files, displayTexts(display.files));
      files.push(...written);
      findings.push(...r.findings);
      if (!request.skipPreflight) {
        const pf = await runPreflight(format, { runDir, env, files: r.files, interpreters: r.interpreters, entry, values: real.values });
        findings.push(...pf.findings);
        tools.push(...pf.tools);
      }
      const s = stepsFor(format, {
        runDir,
        cwd,
        playbookId: m.playbook_id,
        runId,
        entry,
        interpreter: entry ? r.interpreters.get(entry) : undefined,
        files: new Set(r.files.map((f) => f.path)),
        template: entry ? r.templates.get(entry) : undefined,
        params,
        values: real.values,
        env,
      });
      findings.push(...s.findings);
      steps.push(...selectSteps(format, s.steps, request.mode));
    }
    findings.push(...missingTools(steps, env, request.mode));
    const facts = { playbook_id: m.playbook_id, area: playbook.area, content_hash: prepared.contentHash, storage_strategy: m.storage_strategy };
    const review = reviewGate(await reviewStatusOf(deps, facts, findings), m.storage_strategy, request.allowUnreviewed);
    const plan: RunPlan = {
      runId,
      playbookId: m.playbook_id,
      version: m.version,
      area: playbook.area,
      name: m.name,
      formats: prepared.formats,
      ...(prepared.formats.length === 1 && prepared.entries.get(prepared.formats[0]!) ? { entry: prepared.entries.get(prepared.formats[0]!)! } : {}),
      mode: request.mode,
      contentHash: prepared.contentHash,
      scripts: m.scripts.map((s) => ({ path: s.path, sha256: s.sha256, size: s.size })),
      runDir,
      cwd,
      values: values.map(planValue),
      envNames: Object.keys(env).filter((k) => k.startsWith('ESCHER_') || k.startsWith('TF_')).sort(),
      files,
      steps,
      findings,
      preflightTools: tools,
      skipPreflight: request.skipPreflight === true,
      review,
      ...(request.rerunOf ? { rerunOf: request.rerunOf } : {}),
      blockers: [],
    };
    plan.blockers = blockersOf(plan);
    secrets.set(plan, { env, masks: sensitiveTexts(values), values });
    return plan;
  } catch (e) {
    await removeRunFolder(runDir);
    throw e;
  }
}

/** Why a plan cannot run: errors from the contract, rendering, the commands and (unless skipped) the checkers; the review gate. */
export function blockersOf(plan: RunPlan): string[] {
  const out: string[] = [];
  const errors = plan.findings.filter((f) => f.severity === 'error');
  if (errors.length) out.push(`${errors.length} preflight error${errors.length === 1 ? '' : 's'}`);
  if (plan.review.gated && !plan.review.overrideReason) out.push(`its review is ${plan.review.status}: a reason is needed to run it unreviewed`);
  return out;
}

function selectSteps(format: ScriptFormat, steps: PlanStep[], mode: RunPlan['mode']): PlanStep[] {
  if (mode !== 'preview') return steps;
  const preview = steps.filter((s) => s.phase === 'preview');
  if (preview.length === 0) throw new ValidationError(`${format} has no preview step`, [], { hint: 'use --dry-run to see the rendered script and the command without running anything' });
  return preview;
}

function missingTools(steps: readonly PlanStep[], env: NodeJS.ProcessEnv, mode: RunPlan['mode']): Finding[] {
  const programs = [...new Set(steps.map((s) => s.argv[0]!))];
  return programs
    .filter((p) => !which(p, env))
    .map((p) => ({
      severity: mode === 'dry-run' ? 'warning' : 'error',
      source: 'tools',
      message: `${p} is not installed (not found on PATH): ${mode === 'dry-run' ? 'a real run would fail' : 'install it to run this playbook'}`,
    }));
}

async function reviewStatusOf(deps: PlanDeps, facts: ReviewFacts, findings: Finding[]): Promise<ReviewStatus | null> {
  if (!deps.reviewStatus) return null;
  try {
    return await deps.reviewStatus(facts);
  } catch (e) {
    findings.push({ severity: 'warning', source: 'review', message: `the last known review status could not be read (${(e as Error).message}); treated as never published` });
    return null;
  }
}

/** The working folder: an existing folder, never inside the playbook store. */
async function workingFolder(dir: string, playbooksDir: string): Promise<string> {
  const abs = path.resolve(dir);
  let real: string;
  try {
    real = await fs.realpath(abs);
    if (!(await fs.stat(real)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new ValidationError(`The working folder ${abs} does not exist or is not a folder`, [], { hintCode: 'cwd-unusable' });
  }
  const store = await fs.realpath(playbooksDir).catch(() => path.resolve(playbooksDir));
  if (real === store || real.startsWith(store + path.sep)) {
    throw new ValidationError(`The working folder ${abs} is inside the playbook store`, [], { hintCode: 'cwd-unusable' });
  }
  return real;
}

function planValue(v: ResolvedValue): PlanValue {
  const base: PlanValue = { name: v.spec.name, type: v.spec.type, sensitive: v.spec.sensitive === true, source: v.source };
  if (v.value === undefined) return base;
  return v.spec.sensitive ? { ...base, hidden: true } : { ...base, value: v.value };
}

function displayMask(p: ParameterSpec): ParameterValue {
  if (p.type === 'integer' || p.type === 'number') return 0;
  if (p.type === 'boolean') return false;
  if (p.type === 'list') return [DISPLAY_MASK];
  return DISPLAY_MASK;
}

function displayTexts(files: readonly OutFile[]): Map<string, string | undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return new Map(
    files.map((f) => {
      try {
        return [f.path, decoder.decode(f.bytes)];
      } catch {
        return [f.path, undefined];
      }
    }),
  );
}

function contractFinding(severity: Finding['severity'], message: string): Finding {
  const m = /^((?:shell|python|terraform|cloudformation|arm)\/[^:\s]+):(\d+):\d+/.exec(message);
  return { severity, source: 'contract', ...(m ? { file: m[1]!, line: Number(m[2]) } : {}), message };
}
