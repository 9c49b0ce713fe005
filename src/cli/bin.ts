import { CLI_VERSION, wantsVersion } from './version';

/**
 * The executable entry (bundled as dist/cli.mjs, which the dist/cli.js shim starts). `--version`
 * is answered here, before commander and the command registry are even loaded.
 */
if (wantsVersion(process.argv.slice(2))) {
  // `--version | true`: a reader gone is exit 141 (as with SIGPIPE), not a crash (see stdio-guard.ts).
  process.stdout.on('error', () => (process.exitCode = 141));
  process.stdout.write(`${CLI_VERSION}\n`);
}
// '.js' because this stays a real import() under Node16 resolution; esbuild maps it to main.ts.
else void import('./main.js').then((m) => m.runCli());
