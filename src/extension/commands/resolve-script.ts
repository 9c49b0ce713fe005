import { promises as fs } from 'node:fs';
import { SCRIPT_FORMATS, type ScriptFormat } from '../../core/playbook-store/metadata';
import type { ResolvedScript } from '../../core/script-manager/script-manager';
import { PLAYBOOK_ID } from '../../core/shared/safe-path';
import type { CommandContext } from './command-context';
import { refFromArg, type PlaybookRef } from './playbook-ref';
import { withReviewGate } from './review-gate';
import { withWorkspacePin } from '../team/workspace-pin';
import { FORMAT_LABELS } from './script-templates';

const TITLE = 'Resolve Script';

/**
 * Resolve Script: the core's chain (local → synced → verified cache → download) for one
 * playbook and format. Works for a library playbook the user does not have: type its id, and
 * the formats come from the server's metadata. Returns the resolved script and the one file to
 * open, or undefined when the user cancelled.
 */
export async function resolveScriptFlow(ctx: CommandContext, arg: unknown): Promise<{ resolved: ResolvedScript; file: string } | undefined> {
  const picked = refFromArg(arg) ?? (await pickOrTypePlaybook(ctx));
  if (!picked) return undefined;
  const ref = await withWorkspacePin(ctx, picked);
  const format = (arg as { format?: ScriptFormat } | undefined)?.format ?? (await pickFormat(ctx, ref));
  if (!format) return undefined;
  const svc = await ctx.service();
  const resolve = (allowUnreviewed?: string) =>
    ctx.ui.withProgress(`Resolving ${ref.playbookId} (${format})…`, () => svc.scriptManager.resolveScript(ref.playbookId, format, ref.version, allowUnreviewed ? { allowUnreviewed } : {}));
  const gated = await withReviewGate(ctx, TITLE, resolve);
  if (!gated) return undefined;
  const resolved = gated.value;
  if (gated.reason) ctx.log.warn(`using ${ref.playbookId} v${resolved.version} unreviewed (${resolved.review?.status ?? 'unknown'}); reason: ${gated.reason}`);
  ctx.log.info(`resolved ${ref.playbookId} v${resolved.version} ${format} from ${resolved.source}: ${resolved.path}`);
  if (resolved.stale) void ctx.ui.warn(`The server could not be reached: using an expired cached copy of ${ref.playbookId} v${resolved.version}.`);
  const file = await chooseFile(ctx, resolved);
  if (!file) return undefined;
  return { resolved, file };
}

/** The Resolve Script command: the flow, then the resolved file opens (pinned). */
export async function resolveScriptCommand(ctx: CommandContext, arg: unknown): Promise<string | undefined> {
  const out = await resolveScriptFlow(ctx, arg);
  if (out) await ctx.ui.openFile(out.file, { preview: false });
  return out?.file;
}

async function chooseFile(ctx: CommandContext, r: ResolvedScript): Promise<string | undefined> {
  if (r.files.length === 1) return r.files[0]?.file;
  const stat = await fs.stat(r.path).catch(() => undefined);
  if (stat?.isFile()) return r.path;
  return ctx.ui.pick(
    r.files.map((f) => ({ label: f.path, description: `${f.size} bytes`, value: f.file })),
    { title: `${r.playbookId} v${r.version}: ${r.files.length} ${r.format} files`, placeholder: 'Which file opens?' },
  );
}

async function pickOrTypePlaybook(ctx: CommandContext): Promise<PlaybookRef | undefined> {
  const svc = await ctx.service();
  const list = (await svc.store.listPlaybooks()).sort((a, b) => a.name.localeCompare(b.name));
  const typed = { playbookId: '' } as PlaybookRef;
  const choice = await ctx.ui.pick<PlaybookRef>(
    [
      { label: '$(cloud-download) Enter a playbook id (Escher Library or your tenant)…', value: typed },
      ...list.map((p) => ({ label: p.name, description: `${p.playbook_id} · v${p.version} · ${p.area}`, value: { playbookId: p.playbook_id, area: p.area } })),
    ],
    { title: TITLE, placeholder: 'Which playbook? Yours are listed; library playbooks resolve by id' },
  );
  if (choice !== typed) return choice;
  const id = await ctx.ui.input({
    title: TITLE,
    prompt: 'Playbook id, optionally @version (e.g. escher-aws-rds-stop or escher-aws-rds-stop@1.0.0)',
    validate: (v) => {
      const [id = '', version] = v.trim().split('@');
      if (!PLAYBOOK_ID.test(id)) return 'ids are lower-case letters, digits and single hyphens';
      if (version !== undefined && !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) return 'version is semver, e.g. 1.0.0';
      return undefined;
    },
  });
  if (id === undefined) return undefined;
  const [playbookId = '', version] = id.trim().split('@');
  return { playbookId, version };
}

/** Formats the playbook has: from the store when it is local, else from the server's metadata. */
async function pickFormat(ctx: CommandContext, ref: PlaybookRef): Promise<ScriptFormat | undefined> {
  const svc = await ctx.service();
  let formats: ScriptFormat[];
  try {
    const pb = await svc.store.getPlaybook(ref.playbookId, ref.version);
    formats = [...new Set(pb.metadata.scripts.map((s) => s.format))];
  } catch {
    try {
      const api = await svc.serverApi();
      if (!api) throw new Error('no Escher server is configured');
      const meta = await api.fetchMetadata(ref.playbookId, ref.version ?? 'latest', 'any');
      formats = [...new Set(meta.metadata.scripts.map((s) => s.format))];
    } catch (e) {
      ctx.log.warn(`could not read the formats of ${ref.playbookId}: ${String(e)}`);
      formats = [...SCRIPT_FORMATS];
    }
  }
  if (formats.length === 0) {
    await ctx.ui.warn(`${ref.playbookId} has no scripts.`);
    return undefined;
  }
  if (formats.length === 1) return formats[0];
  return ctx.ui.pick(
    formats.map((f) => ({ label: FORMAT_LABELS[f], description: f, value: f })),
    { title: `${TITLE}: ${ref.playbookId}`, placeholder: 'Which format?' },
  );
}
