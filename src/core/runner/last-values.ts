import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../shared/atomic-fs';
import { validatePlaybookId } from '../shared/safe-path';
import type { ResolvedValue } from './types';

/**
 * The last values used for each playbook on this machine, `runs/last-values/<id>.json` (0600):
 * `{ "<parameter>": value }`, written after each run that executed (not after a dry run): the
 * values someone gave (flag, prompt, file, environment, stdin, re-run, or remembered before),
 * never a default — a newer version's default must win over an old run — and never a sensitive
 * parameter. One file per playbook, so runs of different playbooks never overwrite each other's.
 * A missing or damaged file is no values.
 */
export async function readLastValues(runsDir: string, playbookId: string): Promise<Record<string, unknown>> {
  try {
    const parsed = JSON.parse(await fs.readFile(fileOf(runsDir, playbookId), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function saveLastValues(runsDir: string, playbookId: string, values: readonly ResolvedValue[]): Promise<void> {
  const keep: Record<string, unknown> = {};
  for (const v of values) {
    if (v.spec.sensitive || v.value === undefined || v.source === 'default' || v.source === 'inline-default' || v.source === 'none') continue;
    keep[v.spec.name] = v.value;
  }
  await fs.mkdir(path.join(runsDir, 'last-values'), { recursive: true, mode: 0o700 });
  await writeJsonAtomic(fileOf(runsDir, playbookId), keep, { mode: 0o600 });
}

function fileOf(runsDir: string, playbookId: string): string {
  return path.join(runsDir, 'last-values', `${validatePlaybookId(playbookId)}.json`);
}
