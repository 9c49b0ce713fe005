import type { CommandContext } from '../commands/command-context';
import { PLAYBOOK_ID } from '../../core/shared/safe-path';
import { refFromArg, type PlaybookRef } from '../commands/playbook-ref';
import { withReviewGate } from '../commands/review-gate';
import type { CoreModule } from '../core-loader';
import { noticeText } from '../util/notice-text';
import type { TeamListing } from './team-listing';
import { teamDetails } from './team-details';
import { usedVersion } from './team-rows';

/** What the team commands need beyond a flow's context. */
export interface TeamCommandsHost {
  readonly listing: TeamListing;
  /** The Library section's rows (a library playbook clones too). */
  readonly library?: TeamListing;
  core(): CoreModule;
}

const CLONE = 'Clone to Local';

/**
 * Clone to Local: a team (or Escher Library) playbook's version (the row's, the workspace's pin, or the latest)
 * becomes a new local playbook of yours, scripts fetched through the verified cache and its review
 * gate (unreviewed content only with a reason). Asks the copy's id first: a team playbook's own
 * id is taken in the tenant, so its copy is offered as "<id>-copy". Returns the new playbook's id, or undefined when cancelled.
 */
export async function cloneToLocalFlow(ctx: CommandContext, team: TeamCommandsHost, arg: unknown): Promise<string | undefined> {
  const ref = await teamRefFromArgOrPick(ctx, team, arg, CLONE);
  if (!ref) return undefined;
  const svc = await ctx.service();
  const taken = new Set((await svc.store.listPlaybooks()).map((p) => p.playbook_id));
  // A copy of a team playbook under the team's id would meet the original on its first publish.
  const fromTeam = (await svc.teamCatalog.get(ref.playbookId)) !== undefined;
  const typed = await ctx.ui.input({
    title: CLONE,
    prompt: fromTeam ? `Id of your copy ("${ref.playbookId}" is your team's in the tenant, so a copy you publish needs its own)` : 'Id of your copy',
    value: fromTeam ? `${ref.playbookId}-copy`.slice(0, 64) : ref.playbookId,
    validate: (v) => (!PLAYBOOK_ID.test(v.trim()) ? 'lower-case letters, digits and single hyphens' : taken.has(v.trim()) ? `you have a playbook "${v.trim()}" already` : undefined),
  });
  if (typed === undefined) return undefined;
  const as = typed.trim();
  const { cloneTeamPlaybook } = team.core();
  const deps = { store: svc.store, scripts: svc.scriptManager, catalog: svc.teamCatalog, library: svc.libraryCatalog };
  const gated = await withReviewGate(ctx, CLONE, (allowUnreviewed) =>
    ctx.ui.withProgress(`Cloning ${ref.playbookId}…`, () => cloneTeamPlaybook(deps, ref.playbookId, { ...(ref.version ? { version: ref.version } : {}), as, ...(allowUnreviewed ? { allowUnreviewed } : {}) })),
  );
  if (!gated) return undefined;
  const r = gated.value;
  ctx.log.info(`cloned ${ref.playbookId} v${r.from.version} (${r.review.status}) to Local${gated.reason ? `; unreviewed, reason: ${gated.reason}` : ''}`);
  // The id is the user's now: it leaves the Team section for Local.
  team.listing.invalidate();
  team.library?.invalidate();
  const id = r.playbook.metadata.playbook_id;
  await ctx.tree?.reveal(id);
  void ctx.ui.info(`Cloned "${noticeText(r.playbook.metadata.name, 120)}" v${r.from.version} to Local: it is yours to edit, run and publish.`, 'Open').then(async (c) => {
    if (c === 'Open') await ctx.ui.executeCommand('escher.openMetadata', { playbookId: id });
  });
  return id;
}

/**
 * Track: a team playbook's latest version becomes a synced playbook of this home (scripts
 * downloaded and verified), kept current by sync — the team's new versions, reviews and deletes.
 * Unreviewed content only with a reason (the same gate as resolve and clone).
 */
export async function trackFlow(ctx: CommandContext, team: TeamCommandsHost, arg: unknown): Promise<string | undefined> {
  const ref = await teamRefFromArgOrPick(ctx, team, arg, 'Track');
  if (!ref) return undefined;
  const svc = await ctx.service();
  const gated = await withReviewGate(ctx, 'Track', (allowUnreviewed) =>
    ctx.ui.withProgress(`Tracking ${ref.playbookId}…`, () => svc.publisher.trackPlaybook(ref.playbookId, allowUnreviewed ? { allowUnreviewed } : {})),
  );
  if (!gated) return undefined;
  const r = gated.value;
  ctx.log.info(`tracking ${ref.playbookId} v${r.version} (${r.review.status})${gated.reason ? `; unreviewed, reason: ${gated.reason}` : ''}`);
  team.listing.invalidate();
  await ctx.tree?.reveal(ref.playbookId);
  ctx.ui.statusMessage(`$(check) Escher: tracking ${ref.playbookId} v${r.version}`);
  void ctx.ui.info(`Tracking "${noticeText(r.playbook.metadata.name, 120)}" v${r.version}: it is in Synced now, and each sync brings the team's new versions.`);
  return ref.playbookId;
}

/** Show Details: a team playbook's metadata, review and versions as a read-only document. */
export async function showTeamDetailsFlow(ctx: CommandContext, team: TeamCommandsHost, arg: unknown): Promise<string | undefined> {
  const ref = await teamRefFromArgOrPick(ctx, team, arg, 'Show Details');
  if (!ref) return undefined;
  const svc = await ctx.service();
  const rec = await svc.teamCatalog.get(ref.playbookId);
  if (!rec) {
    await ctx.ui.warn(`"${ref.playbookId}" is no longer among your team's published playbooks. Sync Now brings the Team section up to date.`);
    return undefined;
  }
  const row = await team.listing.get(ref.playbookId);
  const text = teamDetails(rec, team.core().teamVersions(rec), ref.version ?? rec.latest_version ?? '', row?.pinned);
  await ctx.ui.showReadOnly({ name: `${ref.playbookId} (team).md`, content: text, language: 'markdown' });
  return text;
}

/** The team playbook a command acts on: the tree row's (or the search hit's), else a pick of the Team section's. */
async function teamRefFromArgOrPick(ctx: CommandContext, team: TeamCommandsHost, arg: unknown, title: string): Promise<PlaybookRef | undefined> {
  const ref = refFromArg(arg);
  if (ref) return ref;
  const rows = await team.listing.rows();
  if (rows.length === 0) {
    await ctx.ui.info('Your team has published no playbooks you do not have (or none is known yet: Sync Now fetches the list).');
    return undefined;
  }
  return ctx.ui.pick(
    rows.map((r) => ({ label: noticeText(r.name, 120), description: `${r.playbookId} · v${r.latest} · ${r.review}`, detail: noticeText(r.description, 120), value: { playbookId: r.playbookId, version: usedVersion(r) } })),
    { title, placeholder: 'Which team playbook?' },
  );
}
