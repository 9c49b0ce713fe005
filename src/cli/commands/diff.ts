import type { Command } from 'commander';
import type { CliContext } from '../context';
import { ValidationError } from '../../core/shared/errors';
import type { VersionComparison } from '../../core/version-compare/version-compare';
import type { FileChange } from '../../core/version-compare/file-diff';

/**
 * diff ID [V1 [V2]] [--server]: what changed between two versions of a playbook, or between a
 * version here and the server's copy, as a unified diff of metadata.json and each script
 * (src/core/version-compare/). Differences are the result, not an error: exit 0 either way.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description("compare versions of a playbook: the latest with the one before it; V1 with the latest; V1 with V2; --server: the latest (or V1) with the server's copy")
    .argument('<id>', 'playbook id')
    .argument('[v1]', 'the older version (1.0.0 or v1.0.0)')
    .argument('[v2]', 'the newer version (default: the latest)')
    .option('--server', "compare with the server's copy: of V1 when given, else the server's latest")
    .action(async (id: string, v1: string | undefined, v2: string | undefined, o: { server?: boolean }) => {
      if (o.server && v2 !== undefined) {
        throw new ValidationError('diff --server compares one version here with the server: name at most one version', [], { hint: `escher-playbook diff ${id} [V1] --server` });
      }
      const { compare } = await ctx.service();
      const r = o.server ? await compare.withServer(id, bare(v1)) : await compare.versions(id, bare(v1), bare(v2));
      ctx.out.result(r, () => renderComparison(r));
    });
}

/** "v1.0.0" and "1.0.0" name the same version, as the tree and messages print it. */
function bare(v: string | undefined): string | undefined {
  return v?.replace(/^v(?=\d)/, '');
}

export function renderComparison(r: VersionComparison): string {
  const what = `${r.playbook_id} ${r.from.label} and ${r.to.label}`;
  if (r.files.length === 0) return `no differences between ${what}\n`;
  return r.files.map(renderFile).join('');
}

function renderFile(f: FileChange): string {
  if (f.patch !== undefined) return f.patch;
  const hashes = `${f.old_sha256?.slice(0, 12) ?? '(none)'} → ${f.new_sha256?.slice(0, 12) ?? '(none)'}`;
  return f.sensitive ? `sensitive script ${f.path} ${f.change} (content never shown; sha256 ${hashes})\n` : `binary file ${f.path} ${f.change} (sha256 ${hashes})\n`;
}
