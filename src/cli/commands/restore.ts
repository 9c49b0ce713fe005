import type { Command } from 'commander';
import type { CliContext } from '../context';

/**
 * restore ID [VERSION]: a published version whose files were changed on disk gets them back from
 * the server's copy of that same version (src/core/version-restore/). VERSION defaults to the
 * newest version of ID modified on disk. Nothing modified is not an error (exit 0, says so); a
 * version never published, or one the server holds differently, is refused with the way out.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('restore')
    .description("put back a published version's files changed on disk, from the server's copy of that version")
    .argument('<id>', 'playbook id')
    .argument('[version]', 'the version (1.0.0 or v1.0.0; default: the newest one modified on disk)')
    .action(async (id: string, version: string | undefined) => {
      const { restore } = await ctx.service();
      const r = await restore.restore(id, version?.replace(/^v(?=\d)/, ''));
      ctx.out.result(r, () =>
        r.restored.length === 0
          ? `nothing to restore: ${id} v${r.version} matches its metadata.json`
          : [`restored ${id} v${r.version} from the server:`, ...r.restored.map((p) => `  ${p}`)],
      );
    });
}
