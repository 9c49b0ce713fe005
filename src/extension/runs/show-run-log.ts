import * as path from 'node:path';
import type { RunJournal } from '../../core/runner/journal';
import type { CommandContext } from '../commands/command-context';
import type { RunHost } from '../run/run-host';
import { runIdFromArg } from '../run/run-target';
import { runLogUri } from './run-log-text';
import { pickText } from '../util/notice-text';

/** Show Run Log: the run of the row clicked (else a pick of recent runs) as a read-only document. */
export async function showRunLogFlow(ctx: CommandContext, host: RunHost, arg: unknown): Promise<string | undefined> {
  const journal = (await host.runner()).journal;
  const id = runIdFromArg(arg) ?? (await pickRun(ctx, journal, 'Show Run Log'));
  if (!id) return undefined;
  // Fails with the journal's typed error (no such run, an ambiguous prefix) before anything opens.
  const record = await journal.get(id);
  const uri = runLogUri(record.run_id);
  await ctx.ui.openVirtualDocument(uri);
  return uri;
}

/** A pick of the newest runs; undefined when there are none or the user pressed Escape. */
export async function pickRun(ctx: CommandContext, journal: RunJournal, title: string): Promise<string | undefined> {
  const runs = await journal.list({ limit: 30 });
  if (runs.length === 0) {
    await ctx.ui.info('No runs yet: run a playbook first ("Escher: Run Playbook…").');
    return undefined;
  }
  return ctx.ui.pick(
    runs.map((r) => ({ label: `${r.playbook_id} v${r.version}`, description: `${r.status}${r.exit_code !== null ? ` (exit ${r.exit_code})` : ''} · ${r.started_at.replace('T', ' ').slice(0, 16)}`, detail: pickText(path.basename(r.cwd)), value: r.run_id })),
    { title, placeholder: 'Which run?' },
  );
}
