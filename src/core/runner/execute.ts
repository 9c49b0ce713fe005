import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { PreflightError, ReviewRequiredError } from './errors';
import type { RunJournal } from './journal';
import { saveLastValues } from './last-values';
import { CappedLog } from './log-capture';
import { Masker } from './mask';
import { planSecrets } from './plan';
import { commandLine } from './quote';
import { removeRunFolder } from './run-folder';
import type { PlanStep, ResolvedValue, RunPlan, RunRecord, RunStatus } from './types';
import { recordedValues } from './values';

/**
 * The last stage: journal the run as started (fsynced) before the first process starts, run the
 * steps one after another into a sink — a terminal, a VS Code pseudoterminal, a test's buffer —
 * with sensitive values masked, journal it as completed with the exit code and the capped log,
 * and remove the run folder whatever happened. A dry run is journaled and nothing runs.
 */
export interface RunSink {
  /** Output of the commands as it arrives, already masked. */
  write(text: string, stream: 'stdout' | 'stderr'): void;
  /** The runner's own lines ("$ terraform … plan", "exit code 0"). */
  note(text: string): void;
  /** The commands' stdin: the caller's terminal, nothing, or a stream the sink feeds (a pseudoterminal's input). */
  stdin?: 'inherit' | 'ignore' | NodeJS.ReadableStream;
}

export interface ExecuteOptions {
  /** How the user agreed to this run ("prompt", "--yes", "dialog"); recorded. */
  consent: string;
  /** Asked before a step that has `confirm` (an apply after its preview); no answer means no. */
  confirmStep?(step: PlanStep, plan: RunPlan): Promise<boolean>;
  /** Aborting interrupts the running command (SIGINT, then SIGKILL after a grace period). */
  signal?: AbortSignal;
}

export interface ExecuteDeps {
  journal: RunJournal;
  runsDir: string;
  now(): number;
  user: string;
  host: string;
}

const KILL_GRACE_MS = 10_000;
const FLUSH_IDLE_MS = 100;

export async function executeRun(deps: ExecuteDeps, plan: RunPlan, sink: RunSink, options: ExecuteOptions): Promise<RunRecord> {
  const { env, masks, values } = planSecrets(plan);
  try {
    if (plan.mode !== 'dry-run') refuseBlocked(plan);
    const started = deps.now();
    const record = baseRecord(deps, plan, started, options.consent, values);
    if (plan.mode === 'dry-run') {
      Object.assign(record, { status: 'dry-run', ended_at: record.started_at, duration_ms: 0 });
      await deps.journal.started(record, plan.runDir);
      await deps.journal.ended(record.run_id, endFields(record));
      return record;
    }
    await deps.journal.started(record, plan.runDir);
    const log = new CappedLog();
    const maskers = { stdout: new Masker(masks), stderr: new Masker(masks) };
    let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
    let status: RunStatus = 'succeeded';
    let ran = false;
    for (const step of plan.steps) {
      if (step.confirm && ran && !(options.confirmStep && (await options.confirmStep(step, plan)))) {
        status = 'declined';
        sink.note(`not confirmed: ${step.title} did not run`);
        break;
      }
      const line = `$ ${commandLine(step.argv)}`;
      sink.note(line);
      log.append(`${line}\n`);
      exit = await runStep(step, env, sink, log, maskers, options.signal);
      ran = true;
      // A script that died of SIGINT was interrupted (Ctrl-C reaches the whole foreground group),
      // whether or not our own handler has seen the signal yet: the two arrive in either order.
      if (options.signal?.aborted || exit.signal === 'SIGINT') status = 'interrupted';
      else if (exit.code !== 0) status = 'failed';
      if (status !== 'succeeded') break;
    }
    const ended = deps.now();
    Object.assign(record, { status, exit_code: exit.code, signal: exit.signal, ended_at: new Date(ended).toISOString(), duration_ms: ended - started });
    record.log = { file: await deps.journal.writeLog(record.run_id, log.contents()), bytes: log.total, truncated: log.truncated };
    await deps.journal.ended(record.run_id, endFields(record));
    await saveLastValues(deps.runsDir, plan.playbookId, values);
    return record;
  } finally {
    await removeRunFolder(plan.runDir);
  }
}

/** Removes a plan's run folder without running it (the user said no, or a dialog was closed). */
export async function discardPlan(plan: RunPlan): Promise<void> {
  await removeRunFolder(plan.runDir);
}

function refuseBlocked(plan: RunPlan): void {
  const errors = plan.findings.filter((f) => f.severity === 'error');
  if (errors.length) {
    const first = errors[0]!;
    throw new PreflightError(`Preflight found ${errors.length} error${errors.length === 1 ? '' : 's'} in ${plan.playbookId} v${plan.version}, so nothing ran: ${first.file ? `${first.file}${first.line ? `:${first.line}` : ''}: ` : ''}${first.message}`, {
      hintCode: 'preflight-errors',
    });
  }
  if (plan.review.gated && !plan.review.overrideReason) {
    throw new ReviewRequiredError(`${plan.playbookId} is ${plan.review.status === 'rejected' ? 'rejected' : 'pending review'} on the server, so it does not run unreviewed`, {
      hintCode: 'run-unreviewed',
    });
  }
}

function baseRecord(deps: ExecuteDeps, plan: RunPlan, started: number, consent: string, values: readonly ResolvedValue[]): RunRecord {
  return {
    run_id: plan.runId,
    playbook_id: plan.playbookId,
    version: plan.version,
    area: plan.area,
    content_hash: plan.contentHash,
    scripts: plan.scripts,
    formats: plan.formats,
    ...(plan.entry ? { entry: plan.entry } : {}),
    mode: plan.mode,
    dry_run: plan.mode === 'dry-run',
    commands: plan.steps.map((s) => commandLine(s.argv)),
    parameters: recordedValues(values),
    cwd: plan.cwd,
    user: deps.user,
    host: deps.host,
    pid: process.pid,
    started_at: new Date(started).toISOString(),
    ended_at: null,
    duration_ms: null,
    exit_code: null,
    signal: null,
    status: 'running',
    preflight: { skipped: plan.skipPreflight, findings: plan.findings },
    review: { status: plan.review.status, ...(plan.review.overrideReason ? { override_reason: plan.review.overrideReason } : {}) },
    consent,
    log: null,
    ...(plan.rerunOf ? { rerun_of: plan.rerunOf } : {}),
  };
}

function endFields(r: RunRecord) {
  return { ended_at: r.ended_at, duration_ms: r.duration_ms, exit_code: r.exit_code, signal: r.signal, status: r.status, log: r.log };
}

function runStep(
  step: PlanStep,
  env: NodeJS.ProcessEnv,
  sink: RunSink,
  log: CappedLog,
  maskers: Record<'stdout' | 'stderr', Masker>,
  signal: AbortSignal | undefined,
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const stdin = sink.stdin ?? 'inherit';
    // On the user's terminal the command stays in the terminal's process group, so Ctrl-C reaches
    // it (and what it started) from the terminal itself. Anywhere else it leads its own group, so
    // an abort can signal everything it started, not only the interpreter.
    const group = stdin !== 'inherit';
    const child = spawn(step.argv[0]!, step.argv.slice(1), { cwd: step.cwd, env, detached: group, stdio: [typeof stdin === 'string' ? stdin : 'pipe', 'pipe', 'pipe'] });
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (group && child.pid) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // Already gone.
      }
    };
    if (typeof stdin !== 'string' && child.stdin) stdin.pipe(child.stdin).on('error', () => undefined);
    let idle: NodeJS.Timeout | undefined;
    const emit = (stream: 'stdout' | 'stderr', text: string) => {
      if (!text) return;
      sink.write(text, stream);
      log.append(text);
    };
    const flush = () => {
      for (const s of ['stdout', 'stderr'] as const) emit(s, maskers[s].flush());
    };
    for (const s of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      child[s]!.on('data', (chunk: Buffer) => {
        emit(s, maskers[s].push(decoder.write(chunk)));
        clearTimeout(idle);
        // A value's first characters are held back until the next chunk; a program waiting for
        // input sends none, so what is held is shown after a short pause.
        idle = setTimeout(flush, FLUSH_IDLE_MS);
      });
      child[s]!.on('end', () => emit(s, maskers[s].push(decoder.end())));
    }
    let killer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      kill('SIGINT');
      killer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => (spawnError = e));
    child.on('close', (code, sig) => {
      clearTimeout(idle);
      clearTimeout(killer);
      signal?.removeEventListener('abort', onAbort);
      if (typeof stdin !== 'string' && child.stdin) stdin.unpipe(child.stdin);
      flush();
      if (spawnError) {
        const line = `${step.argv[0]}: ${spawnError.code === 'ENOENT' ? 'command not found' : spawnError.message}`;
        sink.note(line);
        log.append(`${line}\n`);
        resolve({ code: spawnError.code === 'ENOENT' ? 127 : 126, signal: null });
        return;
      }
      const line = sig ? `killed by ${sig}` : `exit code ${code}`;
      sink.note(line);
      log.append(`${line}\n`);
      resolve({ code, signal: sig });
    });
  });
}
