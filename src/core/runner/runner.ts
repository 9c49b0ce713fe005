import * as os from 'node:os';
import * as path from 'node:path';
import type { ReviewStatus } from '../escher-api/types';
import type { ParameterSpec } from '../playbook-store/metadata';
import type { ParameterValue } from '../playbook-store/parameter-values';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import { discardPlan, type ExecuteOptions, executeRun, type RunSink } from './execute';
import { RunJournal } from './journal';
import { blockersOf, planRun } from './plan';
import { type PreparedRun, prepareRun } from './prepare';
import type { Finding, ReviewFacts, RunPlan, RunRecord, RunRequest, ToolTiming } from './types';
import type { RunnerStore } from './verify';

/**
 * The run engine as the CLI and the extension use it (README.md in this folder):
 *
 *   const prepared = await runner.prepare(request);          // verified; prepared.missing = what to ask
 *   const plan = await runner.plan(prepared, answers);        // rendered, preflighted, exact commands
 *   // show plan.steps / plan.files / plan.findings / plan.review, ask for consent …
 *   const record = await runner.execute(plan, sink, { consent: 'prompt' });   // or runner.discard(plan)
 */
export interface RunnerOptions {
  store: RunnerStore;
  /** $ESCHER_HOME: runs are journaled under <home>/runs. */
  home: string;
  /** The last known review status (the publisher's local state: SyncViews.of); absent: never gated. */
  reviewStatus?: (playbook: ReviewFacts) => Promise<ReviewStatus | null>;
  /** The environment runs inherit (and where their programs are looked up). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where run folders are made. Default the OS temp folder. */
  tmpDir?: string;
  clock?: Clock;
  user?: string;
  host?: string;
}

export interface CheckReport {
  playbookId: string;
  version: string;
  formats: RunPlan['formats'];
  findings: Finding[];
  tools: ToolTiming[];
}

export class PlaybookRunner {
  readonly journal: RunJournal;
  readonly runsDir: string;
  private readonly clock: Clock;
  private readonly env: NodeJS.ProcessEnv;
  private readonly user: string;
  private readonly host: string;

  constructor(private readonly o: RunnerOptions) {
    this.runsDir = path.join(o.home, 'runs');
    this.clock = o.clock ?? systemClock;
    this.env = o.env ?? process.env;
    this.user = o.user ?? safeUser();
    this.host = o.host ?? os.hostname();
    this.journal = new RunJournal(this.runsDir, this.host);
  }

  prepare(request: RunRequest): Promise<PreparedRun> {
    return prepareRun(this.o.store, this.runsDir, request);
  }

  plan(prepared: PreparedRun, answers: ReadonlyArray<{ name: string; text: string }> = []): Promise<RunPlan> {
    return planRun(
      { runsDir: this.runsDir, playbooksDir: this.o.store.playbooksDir, env: this.env, ...(this.o.tmpDir ? { tmpDir: this.o.tmpDir } : {}), now: () => this.clock.now(), ...(this.o.reviewStatus ? { reviewStatus: this.o.reviewStatus } : {}) },
      prepared,
      answers,
    );
  }

  execute(plan: RunPlan, sink: RunSink, options: ExecuteOptions): Promise<RunRecord> {
    return executeRun({ journal: this.journal, runsDir: this.runsDir, now: () => this.clock.now(), user: this.user, host: this.host }, plan, sink, options);
  }

  /**
   * The reason to run a gated plan unreviewed, given after the plan was shown (VS Code asks for it
   * in a second dialog once the user has read the plan): the same as `allowUnreviewed` in the
   * request — recorded, and the review gate no longer blocks. An empty reason changes nothing.
   */
  allowUnreviewed(plan: RunPlan, reason: string): void {
    const trimmed = reason.trim();
    if (!plan.review.gated || trimmed === '') return;
    plan.review = { ...plan.review, overrideReason: trimmed };
    plan.blockers = blockersOf(plan);
  }

  /** Drops a plan that will not run (removes its run folder). */
  discard(plan: RunPlan): Promise<void> {
    return discardPlan(plan);
  }

  /**
   * Preflight alone, for every format of a version: the contract, the rendering and every
   * checker. Required parameters without a value are filled with a stand-in (first allowed
   * value, or the smallest value the rules accept), noted as info, so the scripts can be rendered.
   */
  async check(playbookId: string, version?: string, cwd?: string): Promise<CheckReport> {
    // The working folder does not matter for a check (nothing runs): any folder outside the store.
    const prepared = await this.prepare({ playbookId, ...(version ? { version } : {}), mode: 'dry-run', cwd: cwd ?? os.tmpdir(), values: { useLast: false } });
    const notes: Finding[] = [];
    for (const p of prepared.missing) {
      const v = prepared.values.find((x) => x.spec.name === p.name)!;
      v.value = standIn(p);
      notes.push({ severity: 'info', source: 'check', message: `required parameter "${p.name}" has no default: checked with the stand-in ${JSON.stringify(v.value)}` });
    }
    prepared.missing = [];
    const plan = await this.plan(prepared);
    await this.discard(plan);
    return { playbookId: plan.playbookId, version: plan.version, formats: plan.formats, findings: [...plan.findings.filter((f) => f.source !== 'tools'), ...notes], tools: plan.preflightTools };
  }

  /** The request that runs a recorded run again: same version, format, script, folder and (non-sensitive) values. */
  async rerunRequest(runId: string): Promise<RunRequest> {
    const r = await this.journal.get(runId);
    const rerun: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(r.parameters)) if (!v.redacted && v.value !== undefined && v.source !== 'default' && v.source !== 'inline-default') rerun[name] = v.value;
    return {
      playbookId: r.playbook_id,
      version: r.version,
      ...(r.formats.length === 1 ? { format: r.formats[0]! } : {}),
      ...(r.entry ? { script: r.entry } : {}),
      mode: 'run',
      cwd: r.cwd,
      values: { rerun, useLast: false },
      rerunOf: r.run_id,
    };
  }
}

function standIn(p: ParameterSpec): ParameterValue {
  if (p.allowed_values?.length) return p.type === 'list' ? [String(p.allowed_values[0])] : p.allowed_values[0]!;
  switch (p.type) {
    case 'string':
      return 'x'.repeat(Math.max(1, p.min ?? 1));
    case 'integer':
    case 'number':
      return p.min ?? (p.max !== undefined && p.max < 0 ? p.max : 0);
    case 'boolean':
      return false;
    case 'list':
      return Array.from({ length: Math.max(0, p.min ?? 0) }, () => 'x');
    case 'json':
      return {};
  }
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
