import type { Command } from 'commander';
import { SCRIPT_FORMATS, type ScriptFormat } from '../../core/playbook-store/metadata';
import { choice } from '../args';
import type { CliContext } from '../context';

interface ResolveOptions {
  format: ScriptFormat;
  version?: string;
  offline?: boolean;
}

/**
 * resolve ID --format F [--version V]: prints the absolute path of the script to run (the file, or
 * the format folder when the format has several files), found local → synced → cache → download.
 * Plain output is the path alone, so `sh "$(escher-playbook resolve weekend-rds-stop --format shell)"` works.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('resolve')
    .description('print the absolute path of a playbook script: local, synced, cached (verified) or downloaded')
    .argument('<id>', 'playbook id (yours, or a library / tenant playbook the server knows)')
    .requiredOption('--format <format>', SCRIPT_FORMATS.join('|'), choice(SCRIPT_FORMATS))
    .option('--version <version>', 'a specific version (default: the latest)')
    .option('--offline', 'ask no server: your store, then the verified script cache only')
    .action(async (id: string, o: ResolveOptions) => {
      const service = await ctx.service();
      const r = await service.scriptManager.resolveScript(id, o.format, o.version, { offline: o.offline === true });
      if (r.stale) {
        const why = o.offline ? 'offline' : 'the server did not answer in time';
        ctx.out.warn(`${why}: using the cached copy of ${id} v${r.version}, not checked against the server${o.version === undefined ? ' (a newer version may exist)' : ''}`);
      }
      // The printed path is used after this process exits: a decrypted copy must outlive it, for its TTL only.
      const handed = await service.scriptManager.handOff(r);
      if (handed) ctx.out.note(`${id} v${r.version} is sensitive: this is a decrypted private copy, deleted at ${handed.removeAt.toISOString()}`);
      // Only with --verbose: the plain output is meant for `$(…)`, and stderr stays quiet on success.
      ctx.logger.info(`${r.source}: ${id} v${r.version} (${r.format}, ${r.files.length} file${r.files.length === 1 ? '' : 's'})`);
      ctx.out.result(
        {
          path: r.path,
          source: r.source,
          sha256: r.sha256,
          size: r.size,
          playbook_id: r.playbookId,
          version: r.version,
          format: r.format,
          stale: r.stale,
          ...(handed ? { decrypted_until: handed.removeAt.toISOString() } : {}),
          files: r.files.map((f) => ({ path: f.path, file: f.file, sha256: f.sha256, size: f.size })),
        },
        () => r.path,
      );
    });
}
