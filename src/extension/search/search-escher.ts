import type { SourcedHit } from '../../core/discovery/discovery';
import type { LocatedReference } from '../../core/discovery/server-references';
import type { CommandContext } from '../commands/command-context';
import { loadCore } from '../core-loader';
import type { LiveItem } from '../ui/ui-host';
import { noticeText, pickText } from '../util/notice-text';

/** The quick pick's last row: the same words, asked of the server's agent. */
export function searchEscherRow(query: string): LiveItem<{ serverQuery: string }> {
  // The typed words stay out of the label: VS Code ranks rows whose label matches what is typed
  // first, which would put this row above the results.
  return { label: '$(cloud) Search Escher…', description: `the same words, searched by the server in your tenant and the Escher Library`, value: { serverQuery: query } };
}

const WHERE: Record<LocatedReference['location'], string> = { local: 'in your Local playbooks', 'ai-generated': 'in your AI-generated playbooks', synced: 'in your Synced playbooks', cache: 'cached here', remote: 'on the server' };
const REVIEW: Record<string, string> = { approved: 'approved', pending: 'in review', rejected: 'rejected' };

/**
 * Search Escher: the seed's server-agent coordination. The server searches the tenant's collection
 * and the Escher Library and returns references; each is resolved here (local → synced → cache →
 * remote) and shown with its source badge and where it lives. Choosing one offers what fits.
 */
export async function searchEscherFlow(ctx: CommandContext, query: string): Promise<LocatedReference | undefined> {
  const svc = await ctx.service();
  const api = await svc.serverApi();
  if (!api) {
    await ctx.ui.info('No Escher server is configured: "Escher: Connect to Escher…" first.');
    return undefined;
  }
  const deps = { api, search: svc.search, scripts: svc.scriptManager, team: svc.teamCatalog, library: svc.libraryCatalog };
  const refs = await ctx.ui.withProgress(`Searching Escher for "${noticeText(query, 60)}"…`, () => loadCore().searchServer(deps, query, 20));
  if (refs.length === 0) {
    await ctx.ui.info(`Escher found nothing for "${noticeText(query, 60)}" in your tenant or the Escher Library.`);
    return undefined;
  }
  const ref = await ctx.ui.pick(
    refs.map((r) => ({
      label: `${r.source === 'library' ? '$(library)' : '$(organization)'} ${pickText(r.name, 120)}`,
      description: [r.playbook_id, `v${r.version}`, r.source === 'library' ? 'Library' : 'Team', REVIEW[r.review_status ?? ''] ?? ''].filter(Boolean).join(' · '),
      detail: WHERE[r.location],
      value: r,
    })),
    { title: `Search Escher: "${pickText(query, 60)}"`, placeholder: 'Found by the server; where each one lives here is said below its name' },
  );
  if (!ref) return undefined;
  const mine = ref.location === 'local' || ref.location === 'synced' || ref.location === 'ai-generated';
  await offerActions(ctx, { playbook_id: ref.playbook_id, version: ref.version, name: ref.name, source: mine ? 'local' : ref.source === 'library' ? 'library' : 'team', ...(mine ? { area: ref.location as 'local' } : {}) });
  return ref;
}

/** What a chosen result offers: for yours, open / resolve / run / publish / accept; for a team or library one, details / clone / track / resolve. */
export async function offerActions(ctx: CommandContext, hit: Pick<SourcedHit, 'playbook_id' | 'version' | 'name' | 'source'> & { area?: SourcedHit['area'] }): Promise<void> {
  const remote = hit.source === 'team' || hit.source === 'library';
  const ref = { playbookId: hit.playbook_id, version: hit.version, ...(hit.area && !remote ? { area: hit.area } : {}) };
  const actions = remote
    ? [
        ...(hit.source === 'team' ? [{ label: '$(info) Show Details', value: 'escher.showTeamPlaybook' }] : []),
        { label: '$(repo-clone) Clone to Local', value: 'escher.cloneToLocal' },
        ...(hit.source === 'team' ? [{ label: '$(eye) Track', value: 'escher.trackPlaybook' }] : []),
        { label: '$(go-to-file) Resolve Script…', value: 'escher.resolveScript' },
      ]
    : [
        { label: '$(json) Open metadata.json', value: 'escher.openMetadata' },
        { label: '$(go-to-file) Resolve Script…', value: 'escher.resolveScript' },
        ...(ctx.ui.isTrusted() ? [{ label: '$(play) Run Playbook…', value: 'escher.runPlaybook' }] : [{ label: '$(shield) Run Playbook… (needs a trusted workspace)', value: 'escher.runPlaybook' }]),
        ...(hit.area === 'local' ? [{ label: '$(cloud-upload) Publish…', value: 'escher.publish' }] : []),
        ...(hit.area === 'ai-generated' ? [{ label: '$(check) Accept', value: 'escher.acceptAiPlaybook' }] : []),
      ];
  const command = await ctx.ui.pick(actions, { title: `${pickText(hit.name, 120)} (${hit.playbook_id} v${hit.version})`, placeholder: 'What do you want to do with it?' });
  if (command) await ctx.ui.executeCommand(command, ref);
}
