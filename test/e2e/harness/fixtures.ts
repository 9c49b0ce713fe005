import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256 } from '../../../src/core/shared/hash';

/** One Escher Library playbook, in the layout the reference server's --library reads. */
export const LIBRARY_PLAYBOOK = {
  id: 'escher-aws-rds-stop',
  version: '1.0.0',
  script: 'shell/stop.sh',
  body: '#!/usr/bin/env bash\n# Escher Library: stop an RDS instance\nset -euo pipefail\naws rds stop-db-instance --db-instance-identifier "{{db_instance}}"\n',
};

export async function writeLibrary(dir: string): Promise<void> {
  const p = LIBRARY_PLAYBOOK;
  const vdir = path.join(dir, p.id, `v${p.version}`);
  await fs.mkdir(path.join(vdir, 'shell'), { recursive: true });
  await fs.writeFile(path.join(vdir, p.script), p.body);
  const now = new Date().toISOString();
  await fs.writeFile(
    path.join(vdir, 'metadata.json'),
    JSON.stringify(
      {
        schema_version: 1,
        playbook_id: p.id,
        version: p.version,
        name: 'Stop an RDS instance',
        description: 'Stops one Amazon RDS database instance.',
        keywords: ['rds', 'stop'],
        cloud_provider: 'aws',
        resource_types: ['rds'],
        storage_strategy: 'uploaded_trusted',
        scripts: [{ format: 'shell', path: p.script, sha256: sha256(p.body), size: Buffer.byteLength(p.body) }],
        parameters: [{ name: 'db_instance', type: 'string', required: true }],
        source: 'library',
        created_at: now,
        updated_at: now,
      },
      null,
      2,
    ),
  );
}

/** Finds the extension's log (LogOutputChannel file) under code-server's user-data-dir. */
export async function findExtensionLog(userDataDir: string): Promise<string | undefined> {
  const walk = async (dir: string): Promise<string | undefined> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const found = await walk(p);
        if (found) return found;
      } else if (e.name.endsWith('Escher Playbooks.log')) return p;
    }
    return undefined;
  };
  const file = await walk(path.join(userDataDir, 'logs'));
  return file ? fs.readFile(file, 'utf8') : undefined;
}

/** One entry of a code-server log: its timestamped line and the lines after it (a stack). */
export interface LogEntry {
  file: string;
  text: string;
}

const ENTRY_START = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[/m;

/** The entries of every log under `dir` (code-server's logs) whose text contains `needle`. */
export async function logEntriesMentioning(dir: string, needle: string): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const text = await fs.readFile(p, 'utf8').catch(() => '');
        if (!text.includes(needle)) continue;
        for (const entry of text.split(new RegExp(`(?=${ENTRY_START.source})`, 'm'))) if (entry.includes(needle)) out.push({ file: p, text: entry });
      }
    }
  };
  await walk(dir);
  return out;
}

/**
 * The name of the built-in VS Code extension whose code the entry's stack is in (a
 * `lib/vscode/extensions/<name>/` frame), when no frame is in an installed extension; else
 * undefined: the entry may be ours.
 */
export function builtInExtensionOf(entry: LogEntry, installedExtensionsDir: string): string | undefined {
  if (entry.text.includes(installedExtensionsDir)) return undefined;
  return /lib\/vscode\/extensions\/([^/]+)\//.exec(entry.text)?.[1];
}
