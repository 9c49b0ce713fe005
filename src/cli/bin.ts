import { runCli } from './main';

/** The executable entry (bundled as dist/cli.mjs, which the dist/cli.js shim starts). */
void runCli();
