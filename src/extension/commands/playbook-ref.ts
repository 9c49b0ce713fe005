import { AREAS, type Area } from '../../core/playbook-store/metadata';
import type { PlaybookSummary } from '../../core/playbook-store/types';
import type { CommandContext } from './command-context';

/** Which playbook (and version) a command acts on. */
export interface PlaybookRef {
  playbookId: string;
  version?: string;
  area?: Area;
}

/**
 * Commands are invoked from tree rows (the node), code lenses ({playbookId, version, area}), the
 * search quick pick, or the palette (nothing). This accepts the first three and returns
 * undefined for anything else, so the caller asks the user instead.
 */
export function refFromArg(arg: unknown): PlaybookRef | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as { playbookId?: unknown; version?: unknown; area?: unknown; summary?: PlaybookSummary };
  if (o.summary && typeof o.summary.playbook_id === 'string') {
    return { playbookId: o.summary.playbook_id, version: typeof o.version === 'string' ? o.version : undefined, area: o.summary.area };
  }
  if (typeof o.playbookId !== 'string' || o.playbookId === '') return undefined;
  return {
    playbookId: o.playbookId,
    version: typeof o.version === 'string' ? o.version : undefined,
    area: typeof o.area === 'string' && (AREAS as readonly string[]).includes(o.area) ? (o.area as Area) : undefined,
  };
}

/** The ref from the argument, else a quick pick over the store (optionally limited to some areas). */
export async function playbookFromArgOrPick(ctx: CommandContext, arg: unknown, options: { title: string; areas?: readonly Area[] }): Promise<PlaybookRef | undefined> {
  const ref = refFromArg(arg);
  if (ref) return ref;
  const svc = await ctx.service();
  const all = await svc.store.listPlaybooks();
  const list = options.areas ? all.filter((p) => options.areas?.includes(p.area)) : all;
  if (list.length === 0) {
    await ctx.ui.info(options.areas ? `No ${options.areas.join(' or ')} playbooks.` : 'No playbooks yet: run "Escher: Create Playbook…" first.');
    return undefined;
  }
  list.sort((a, b) => a.name.localeCompare(b.name));
  return ctx.ui.pick(
    list.map((p) => ({ label: p.name, description: `${p.playbook_id} · v${p.version} · ${p.area}`, detail: p.description.slice(0, 120), value: { playbookId: p.playbook_id, area: p.area } })),
    { title: options.title, placeholder: 'Type to filter playbooks by name or id' },
  );
}
