import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ReviewQueueItem } from '../../core/escher-api/types';
import type { ScriptFormat } from '../../core/playbook-store/metadata';
import type { TeamVersion } from '../../core/team-catalog/team-catalog';
import type { CommandContext } from '../commands/command-context';

/**
 * The diff editor for a pending version against the newest approved version before it (or
 * against nothing, for a first upload): metadata.json, then each plain script that differs.
 * Scripts come through the script manager, so every byte shown was verified against the sha256 the
 * server published; the pending one is fetched with a logged override ("reviewing"), since no
 * approval covers it yet. Metadata is written to a private temporary folder, read-only.
 */
export async function compareWithLastApproved(ctx: CommandContext, versions: readonly TeamVersion[], item: ReviewQueueItem): Promise<number> {
  const at = versions.findIndex((v) => v.version === item.version);
  const pending = versions[at];
  if (!pending) {
    await ctx.ui.warn(`${item.playbook_id} v${item.version} is no longer published.`);
    return 0;
  }
  if (pending.record.metadata.content_hash !== item.content_hash) void ctx.ui.warn(`${item.playbook_id} v${item.version} changed since the queue was read: this shows its current content.`);
  // Newest first: the first approved one after it is the last approved before it.
  const base = versions.slice(at + 1).find((v) => v.review === 'approved');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-review-'));
  const left = base ? await metadataFile(dir, base) : await emptyFile(dir, 'none', 'metadata.json');
  const right = await metadataFile(dir, pending);
  const label = (file: string) => `${item.playbook_id}: ${file} (${base ? `v${base.version} approved` : 'nothing approved'} ↔ v${pending.version} pending)`;
  await ctx.ui.openDiff(left, right, label('metadata.json'));
  let opened = 1;
  const svc = await ctx.service();
  const fetch = async (v: TeamVersion, format: ScriptFormat, p: string): Promise<string> => {
    const allow = v.review === 'approved' ? {} : { allowUnreviewed: `reviewing ${item.playbook_id} v${v.version} before a decision` };
    const r = await ctx.ui.withProgress(`Fetching ${item.playbook_id} v${v.version} ${p}…`, () => svc.scriptManager.resolveScript(item.playbook_id, format, v.version, allow));
    const f = r.files.find((x) => x.path === p);
    if (!f) throw new Error(`${item.playbook_id} v${v.version}: ${p} is not among the resolved files`);
    return f.file;
  };
  const before = new Map((base?.record.metadata.scripts ?? []).filter((s) => !s.sensitive).map((s) => [s.path, s]));
  const after = pending.record.metadata.scripts.filter((s) => !s.sensitive);
  for (const s of after) {
    const old = before.get(s.path);
    if (old?.sha256 === s.sha256) continue;
    const l = old && base ? await fetch(base, old.format, old.path) : await emptyFile(dir, 'none', s.path);
    await ctx.ui.openDiff(l, await fetch(pending, s.format, s.path), label(s.path));
    opened++;
  }
  for (const [p, old] of before) {
    if (!base || after.some((s) => s.path === p)) continue;
    await ctx.ui.openDiff(await fetch(base, old.format, p), await emptyFile(dir, `v${pending.version}`, p), label(`${p} (removed)`));
    opened++;
  }
  return opened;
}

async function metadataFile(dir: string, v: TeamVersion): Promise<string> {
  return writeReadOnly(dir, [`v${v.version}`, 'metadata.json'], `${JSON.stringify(v.record.metadata, null, 2)}\n`);
}

async function emptyFile(dir: string, sub: string, rel: string): Promise<string> {
  return writeReadOnly(dir, [sub, ...rel.split('/')], '');
}

/** Names come from the server: a file that would land outside the private folder is refused. */
async function writeReadOnly(dir: string, parts: string[], text: string): Promise<string> {
  const file = path.join(dir, ...parts);
  if (parts.some((p) => p === '' || p === '.' || p === '..') || !file.startsWith(dir + path.sep)) throw new Error(`refused a script path from the server: ${JSON.stringify(parts.join('/')).slice(0, 80)}`);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.writeFile(file, text, { mode: 0o444, flag: 'wx' });
  return file;
}
