import { InvalidArgumentError } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ScriptInput } from '../core/playbook-store/types';
import { ValidationError } from '../core/shared/errors';

/** Parsers for option values shared by several commands. */

/** For repeatable options: `--script a --script b`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** "a, b,,c" -> ["a","b","c"] (de-duplicated, order kept). */
export function commaList(value: string): string[] {
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
}

export function choice<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
    return value as T;
  };
}

/**
 * `--script FORMAT=FILE` stores FILE as "<format>/<basename>"; `--script FORMAT/NAME=FILE` picks
 * the stored name. FILE is read now; a missing file fails before anything is written.
 */
export async function readScriptArgs(specs: readonly string[] | undefined, sensitive: boolean): Promise<ScriptInput[]> {
  const out: ScriptInput[] = [];
  for (const spec of specs ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new ValidationError(`--script "${spec}" must look like FORMAT=PATH (e.g. shell=./stop.sh)`);
    const target = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    let content: Buffer;
    try {
      content = await fs.readFile(file);
    } catch (e) {
      throw new ValidationError(`Cannot read script file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const storedPath = target.includes('/') ? target : `${target}/${path.basename(file)}`;
    out.push({ path: storedPath, content, ...(sensitive ? { sensitive: true } : {}) });
  }
  return out;
}
