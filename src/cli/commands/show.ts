import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { NotFoundError } from '../../core/shared/errors';
import { sha256 } from '../../core/shared/hash';
import { inStore } from '../../core/team-catalog/clone';
import { showTeamPlaybook } from '../team-show';
import type { CliContext } from '../context';
import { renderPlaybook } from '../render';
import type { SyncView } from '../../core/metadata-publisher/sync-views';
import { loadSyncViews } from '../sync-view';

interface ShowOptions {
  version?: string;
  script?: string;
  reveal?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description('show a playbook version (default: the latest), or print one of its scripts')
    .argument('<id>', 'playbook id')
    .option('--version <version>', 'a specific version, e.g. 1.0.0')
    .option('--script <path>', 'print this script (e.g. shell/stop.sh) to stdout, verified and decrypted')
    .option('--reveal', 'show sensitive parameter defaults decrypted')
    .action(async (id: string, o: ShowOptions) => {
      const store = await ctx.store();
      let playbook;
      try {
        playbook = await store.getPlaybook(id, o.version);
      } catch (e) {
        // Not yours: with a server configured, perhaps a teammate published it (the team catalog).
        if (!(e instanceof NotFoundError) || o.script !== undefined || !ctx.config().serverUrl || (await inStore(store, id))) throw e;
        return showTeamPlaybook(ctx, await ctx.service(), id, o.version, e);
      }
      if (o.script !== undefined) {
        const bytes = await store.readScript(playbook, o.script);
        const text = bytes.toString('utf8');
        const json = Buffer.from(text, 'utf8').equals(bytes) ? { path: o.script, content: text } : { path: o.script, base64: bytes.toString('base64') };
        if (ctx.out.json) ctx.out.result(json, () => '');
        else ctx.out.raw(bytes);
        return;
      }
      const [versions, views] = await Promise.all([store.listVersions(id), loadSyncViews(ctx.config(), store)]);
      const parameters = o.reveal ? await store.revealParameters(playbook) : playbook.metadata.parameters;
      // The sync state compares the server's agreed hash with the latest version, not the one shown.
      // Only a playbook the publisher may know costs the extra read (sha256 of metadata.json's bytes = content_hash).
      let sync: SyncView | null = null;
      if (views.mayKnow(id, playbook.area)) {
        const latest = o.version === undefined ? playbook : await store.getPlaybook(id);
        const bytes = await fs.readFile(path.join(latest.dir, 'metadata.json'));
        sync = views.of({ playbook_id: id, area: latest.area, content_hash: sha256(bytes), storage_strategy: latest.metadata.storage_strategy }) ?? null;
      }
      ctx.out.result({ area: playbook.area, dir: playbook.dir, versions, sync, metadata: { ...playbook.metadata, parameters } }, () => renderPlaybook(playbook, versions, parameters, sync));
    });
}
