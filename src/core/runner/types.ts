import type { ReviewStatus } from '../escher-api/types';
import type { Area, ParameterSpec, ScriptFormat } from '../playbook-store/metadata';
import type { ParameterValue } from '../playbook-store/parameter-values';

/**
 * The run engine's vocabulary. A run goes: prepare (load, verify every file, gather values) →
 * plan (validate values, render into a private run folder, preflight, the exact commands) →
 * execute (journal "started", run the steps into a sink, journal "completed", remove the folder).
 * See README.md in this folder for the API as the CLI and the extension drive it.
 */

/** `run`: every step (apply steps after confirmation); `preview`: the tool's read-only preview steps only; `dry-run`: nothing executes. */
export type RunMode = 'run' | 'preview' | 'dry-run';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** What found it: "contract", "render", "tools", "bash -n", "shellcheck", "py_compile", "terraform validate", "hcl", "cloudformation", "cfn-lint", "arm". */
  source: string;
  /** The script's path in the playbook ("shell/stop.sh"), when the finding is about one. */
  file?: string;
  line?: number;
  column?: number;
  message: string;
  /** The checker's own code (SC2086, E3012…). */
  code?: string;
}

/** Where a value came from, in the precedence order of the resolution. */
export type ValueSource = 'flag' | 'env' | 'stdin' | 'prompt' | 'file' | 'rerun' | 'last' | 'default' | 'inline-default' | 'none';

export interface ResolvedValue {
  spec: ParameterSpec;
  /** undefined: no value at all (rendered as empty text / null). */
  value: ParameterValue | undefined;
  source: ValueSource;
}

/** Values supplied for a run, before validation. Text is parsed by the parameter's type. */
export interface SuppliedValues {
  /** --param NAME=VALUE, --param-env, --param-stdin, prompts: text, each with its source. */
  text?: Array<{ name: string; text: string; source: 'flag' | 'env' | 'stdin' | 'prompt' }>;
  /** A params file (JSON or YAML), as data. */
  file?: Record<string, unknown>;
  /** The non-sensitive values of the run being re-run (`run --rerun`), as recorded. */
  rerun?: Record<string, unknown>;
  /** Use the last values used for this playbook on this machine (never sensitive ones). Default true. */
  useLast?: boolean;
}

export interface RunRequest {
  playbookId: string;
  version?: string;
  /** Required when the version has several formats and mode is not dry-run. */
  format?: ScriptFormat;
  /** Entry script ("shell/stop.sh") when the format has several files. */
  script?: string;
  mode: RunMode;
  /** Working folder (never inside the store). Default: the process's current folder. */
  cwd?: string;
  values?: SuppliedValues;
  skipPreflight?: boolean;
  /** The reason to run a playbook whose last known review status is pending or rejected. */
  allowUnreviewed?: string;
  /** Run id this is a re-run of (its record links back). */
  rerunOf?: string;
}

/** A file in the run folder, as it will be (or was) executed. */
export interface RenderedFile {
  /** Relative to the run folder, "/"-separated ("shell/stop.sh", "terraform/escher.auto.tfvars.json"). */
  path: string;
  absolutePath: string;
  sha256: string;
  size: number;
  mode: number;
  /** Written by the runner (parameters file, tfvars, variable declarations), not a playbook script. */
  generated: boolean;
  /** The text with sensitive values masked; undefined for bytes that are not UTF-8. */
  display: string | undefined;
}

export interface PlanStep {
  id: string;
  title: string;
  /** Executed directly (no shell): argv[0] is looked up on PATH. */
  argv: string[];
  cwd: string;
  phase: 'preview' | 'apply';
  /** Asked before this step when earlier steps ran (terraform apply after plan). */
  confirm?: string;
}

export interface PlanValue {
  name: string;
  type: ParameterSpec['type'];
  sensitive: boolean;
  source: ValueSource;
  /** Absent for a sensitive parameter, and for one without a value. */
  value?: unknown;
  /** True when a sensitive parameter has a value (it is never shown). */
  hidden?: true;
}

/** What the publisher's reader of sync state needs to tell a playbook's review status (its LocalFacts). */
export interface ReviewFacts {
  playbook_id: string;
  area: Area;
  /** sha256 of the latest metadata.json's bytes. */
  content_hash: string;
  storage_strategy: string;
}

export interface ReviewGate {
  /** Last known status from the publisher's local state; null when never published. */
  status: ReviewStatus | null;
  /** True when the playbook must not run without an override reason. */
  gated: boolean;
  overrideReason?: string;
}

export interface ToolTiming {
  argv: string[];
  ms: number;
  exitCode: number | null;
}

export interface RunPlan {
  runId: string;
  playbookId: string;
  version: string;
  area: Area;
  name: string;
  /** Formats covered (one, except for a dry run of a multi-format playbook). */
  formats: ScriptFormat[];
  /** The entry script, when one format runs one file. */
  entry?: string;
  mode: RunMode;
  /** sha256 of the version's metadata.json bytes. */
  contentHash: string;
  /** Every script of the version, verified against metadata.json just now. */
  scripts: Array<{ path: string; sha256: string; size: number }>;
  runDir: string;
  cwd: string;
  /** Every parameter's value and where it came from; a sensitive one without its value. */
  values: PlanValue[];
  /** Names of the variables added to the environment (values never listed here). */
  envNames: string[];
  files: RenderedFile[];
  steps: PlanStep[];
  findings: Finding[];
  /** The external checkers run by preflight, with their own time (benchmarks report it apart). */
  preflightTools: ToolTiming[];
  skipPreflight: boolean;
  review: ReviewGate;
  rerunOf?: string;
  /** Why execute() would refuse, in words (preflight errors, the review gate); empty when it can run. */
  blockers: string[];
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'dry-run' | 'declined';

/** The seed's executed_operations entry: one per run, in the journal (journal-format.ts). */
export interface RunRecord {
  run_id: string;
  playbook_id: string;
  version: string;
  area: Area;
  content_hash: string;
  scripts: Array<{ path: string; sha256: string; size: number }>;
  formats: ScriptFormat[];
  /** The script that ran, for formats that run one file (not terraform). */
  entry?: string;
  mode: RunMode;
  dry_run: boolean;
  commands: string[];
  /** name -> value; sensitive ones as { redacted: true }. */
  parameters: Record<string, { value?: unknown; redacted?: true; source: ValueSource }>;
  cwd: string;
  user: string;
  host: string;
  pid: number;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  signal: string | null;
  status: RunStatus;
  preflight: { skipped: boolean; findings: Finding[] };
  review: { status: ReviewStatus | null; override_reason?: string };
  /** How consent was given: "prompt", "--yes", "dialog", or "none" for a dry run. */
  consent: string;
  log: { file: string; bytes: number; truncated: boolean } | null;
  rerun_of?: string;
}

/** What a listing of runs shows (`runs`, the extension's Runs view); the whole record is RunRecord. */
export type RunSummary = Pick<
  RunRecord,
  'run_id' | 'playbook_id' | 'version' | 'formats' | 'mode' | 'dry_run' | 'status' | 'exit_code' | 'signal' | 'started_at' | 'ended_at' | 'duration_ms' | 'user' | 'host' | 'pid' | 'cwd' | 'rerun_of'
>;
