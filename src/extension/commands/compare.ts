import * as semver from 'semver';
import type { FileChange } from '../../core/version-compare/file-diff';
import type { VersionComparison } from '../../core/version-compare/version-compare';
import type { CommandContext } from './command-context';
import { playbookFromArgOrPick } from './playbook-ref';

/**
 * Compare Versions… (two versions picked from a playbook's list) and Compare with Server (a
 * version here against the server's copy): VS Code's diff editor for metadata.json and each
 * script that differs, from the core's comparison (src/core/version-compare/, the same one
 * `escher-playbook diff` prints). The server's side is read-only text that came verified.
 */
export async function compareVersionsFlow(ctx: CommandContext, arg: unknown): Promise<number> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Compare Versions' });
  if (!ref) return 0;
  const svc = await ctx.service();
  const versions = (await svc.store.listPlaybooks()).find((s) => s.playbook_id === ref.playbookId)?.versions ?? [];
  if (versions.length < 2) {
    await ctx.ui.info(`${ref.playbookId} has a single version: there is nothing to compare it with.`);
    return 0;
  }
  const newestFirst = [...versions].sort(semver.rcompare);
  const picked = await ctx.ui.pickMany(
    newestFirst.map((v) => ({ label: `v${v}`, value: v, ...(ref.version === v ? { picked: true } : {}) })),
    { title: `Compare two versions of ${ref.playbookId}`, placeholder: 'Pick two versions' },
  );
  if (!picked) return 0;
  if (picked.length !== 2) {
    await ctx.ui.info(`Pick exactly two versions to compare (${picked.length} picked).`);
    return 0;
  }
  const [older, newer] = [...picked].sort(semver.compare) as [string, string];
  return openComparison(ctx, await svc.compare.versions(ref.playbookId, older, newer, { texts: true }));
}

export async function compareWithServerFlow(ctx: CommandContext, arg: unknown): Promise<number> {
  const ref = await playbookFromArgOrPick(ctx, arg, { title: 'Compare with Server' });
  if (!ref) return 0;
  const svc = await ctx.service();
  const r = await ctx.ui.withProgress(`Fetching the server's copy of ${ref.playbookId}…`, () => svc.compare.withServer(ref.playbookId, ref.version, { texts: true }));
  return openComparison(ctx, r);
}

/** One diff editor per changed file; what cannot be shown (sensitive, binary) is said. Returns how many opened. */
export async function openComparison(ctx: CommandContext, r: VersionComparison, names: { from?: string; to?: string } = {}): Promise<number> {
  const from = names.from ?? r.from.label;
  const to = names.to ?? r.to.label;
  if (r.files.length === 0) {
    await ctx.ui.info(`${r.playbook_id}: ${from} and ${to} hold the same content.`);
    return 0;
  }
  let opened = 0;
  const hidden: FileChange[] = [];
  for (const f of r.files) {
    if (f.old_text === undefined || f.new_text === undefined) {
      hidden.push(f);
      continue;
    }
    const side = (label: string, content: string) => ({ name: `${r.playbook_id} ${label} ${f.path}`, content, language: languageOf(f.path) });
    await ctx.ui.openDiff(side(from, f.old_text), side(to, f.new_text), `${r.playbook_id}: ${f.path} (${from} ↔ ${to})`);
    opened++;
  }
  if (hidden.length) {
    void ctx.ui.info(`${r.playbook_id}: ${hidden.map((f) => `${f.path} ${f.change}${f.sensitive ? ' (sensitive: content not shown)' : ' (not text)'}`).join('; ')}.`);
  }
  return opened;
}

function languageOf(file: string): string | undefined {
  if (file.endsWith('.json')) return 'json';
  if (file.endsWith('.sh')) return 'shellscript';
  if (file.endsWith('.py')) return 'python';
  if (file.endsWith('.yaml') || file.endsWith('.yml')) return 'yaml';
  if (file.endsWith('.tf')) return 'terraform';
  return undefined;
}
