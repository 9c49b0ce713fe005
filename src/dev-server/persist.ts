import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tempSibling, writeFileAtomic } from '../core/shared/atomic-fs';

/**
 * How the server writes its JSON files. Durable (the default): writeFileAtomic (temp, fsync,
 * rename, fsync dir). Non-durable (benchmarks that seed 10k records): temp + rename only, still
 * never a torn file, just not power-cut safe.
 */
export async function writeJson(target: string, value: unknown, durable: boolean): Promise<void> {
  const text = JSON.stringify(value) + '\n';
  if (durable) return writeFileAtomic(target, text);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempSibling(target);
  try {
    await fs.writeFile(tmp, text, { flag: 'wx' });
    await fs.rename(tmp, target);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Reads a JSON file; undefined when it does not exist. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
