import type { Command } from 'commander';
import { AREAS, type Area } from '../../core/playbook-store/metadata';
import type { PlaybookSummary } from '../../core/playbook-store/types';
import { ValidationError } from '../../core/shared/errors';
import { choice } from '../args';
import type { CliContext } from '../context';
import { renderSummaries } from '../render';
import { loadSyncViews } from '../sync-view';
import { findModifiedVersions } from '../../core/playbook-store/version-integrity';
import { libraryRows, renderLibraryRows } from '../library-view';
import { renderTeamRows, teamRows } from '../team-view';

const SOURCES = ['local', 'team', 'library', 'all'] as const;
type Source = (typeof SOURCES)[number];

function reviewFields(v: { review_status: unknown; sync_state: string } | undefined): { review_status: unknown; sync_state: string | null } {
  return v ? { review_status: v.review_status, sync_state: v.sync_state } : { review_status: null, sync_state: null };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description('list playbooks (latest version of each) in all areas or one, with their review status on the server')
    .option('--area <area>', `only this area: ${AREAS.join('|')}`, choice(AREAS))
    .option('--source <source>', `local (your store, the default), team (what teammates published), library (the Escher Library), or all`, choice(SOURCES))
    // Opt-in: hashing every listed version's files costs ~1 ms per playbook (`status` always does it).
    .option('--verify', 'also check each listed version\'s files against metadata.json (size + SHA-256) and mark the modified ones')
    .action(async (o: { area?: Area; source?: Source; verify?: boolean }) => {
      const source = o.source ?? 'local';
      if (source !== 'local' && o.area) throw new ValidationError('--area filters your own store: use it with --source local');
      if (source === 'team') {
        const rows = await teamRows(ctx, await ctx.service());
        ctx.out.result(rows, () => renderTeamRows(rows));
        return;
      }
      if (source === 'library') {
        const rows = await libraryRows(ctx, await ctx.service());
        ctx.out.result(rows, () => renderLibraryRows(rows));
        return;
      }
      if (source === 'all') {
        const service = await ctx.service();
        const [items, views, rows, lib] = await Promise.all([service.store.listPlaybooks({}), loadSyncViews(ctx.config(), service.store), teamRows(ctx, service), libraryRows(ctx, service)]);
        const json = { local: items.map((s) => ({ ...s, ...reviewFields(views.of(s)) })), team: rows, library: lib };
        ctx.out.result(json, () => [...renderSummaries(items, views), '', ...renderTeamRows(rows), '', ...renderLibraryRows(lib)]);
        return;
      }
      const store = await ctx.store();
      const filter = o.area ? { area: o.area } : {};
      const viewsLoaded = loadSyncViews(ctx.config(), store);
      if (!ctx.out.json) {
        const [items, views] = await Promise.all([store.listPlaybooks(filter), viewsLoaded]);
        const modified = o.verify ? await findModifiedVersions(store, items) : [];
        ctx.out.result(null, () => renderSummaries(items, views, new Set(modified.map((v) => v.playbook_id))));
        if (modified.length) ctx.out.note(`${modified.length} version(s) modified on disk: see \`escher-playbook status\``);
        return;
      }
      // --json: each summary is printed as the catalog holds it (JSON text), with the two sync
      // fields appended — no parse and re-serialise of 10k objects. Only playbooks the publisher
      // may know are parsed, for the content_hash their sync state compares.
      const [rows, views] = await Promise.all([store.listPlaybooksJson(filter), viewsLoaded]);
      const modified = o.verify ? new Map((await findModifiedVersions(store, await store.listPlaybooks(filter))).map((v) => [v.playbook_id, v.files.map((f) => f.path)])) : undefined;
      const parts: string[] = new Array<string>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const { id, area, json } = rows[i]!;
        const v = views.mayKnow(id, area) ? views.of(JSON.parse(json) as PlaybookSummary) : undefined;
        // review_status / sync_state are null for playbooks never published (see docs/cli.md).
        // modified_on_disk: with --verify, the listed version's files that no longer match its metadata.json; null unchecked.
        const sync = v ? `,"review_status":${JSON.stringify(v.review_status)},"sync_state":"${v.sync_state}"` : ',"review_status":null,"sync_state":null';
        const extra = `${sync},"modified_on_disk":${modified ? JSON.stringify(modified.get(id) ?? []) : 'null'}}`;
        parts[i] = json.slice(0, -1) + extra;
      }
      ctx.out.jsonText(`[${parts.join(',')}]`);
    });
}
