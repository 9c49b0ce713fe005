// A named import, so esbuild inlines just this field and not the whole manifest (~16 kB with the extension's contributions).
import { version } from '../../package.json';

/** The package version, inlined by esbuild at build time. */
export const CLI_VERSION: string = version;

/**
 * True for `--version` / `-V` before the command name. After it, `--version` belongs to the
 * command (`show ID --version V` is a playbook version), so commander never sees the root one.
 */
export function wantsVersion(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--version' || a === '-V') return true;
    if (a === '--home') i++;
    else if (!a.startsWith('-')) return false;
  }
  return false;
}
