import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { isEscherError } from '../core/shared/errors';
import { type CliContext, createCliContext } from './context';
import { EXIT, exitCodeFor } from './exit-codes';
import { Output, type Streams } from './output';
import { storageErrorOf } from '../core/shared/fs-errors';
import { printable } from '../core/shared/printable';
import { guardStdio } from './stdio-guard';
import { CLI_VERSION, wantsVersion } from './version';

/**
 * escher-playbook: one module per command group under ./commands, each exporting
 * `register(program, ctx)`. To add commands, add a file and one line to COMMANDS naming the
 * top-level command(s) it registers.
 *
 * Modules are imported on demand — only the one whose command is being run (all of them for
 * --help or an unknown command) — so one command's heavy dependencies (search index, HTTP
 * client, …) never slow down another command's start-up.
 */
export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

interface LazyCommand {
  names: readonly string[];
  load: () => Promise<CommandModule>;
}

// '.js' because these stay real import()s under Node16 resolution; esbuild and tsx map them to the .ts files.
const COMMANDS: readonly LazyCommand[] = [
  { names: ['create'], load: () => import('./commands/create.js') },
  { names: ['list'], load: () => import('./commands/list.js') },
  { names: ['show'], load: () => import('./commands/show.js') },
  { names: ['update'], load: () => import('./commands/update.js') },
  { names: ['delete'], load: () => import('./commands/delete.js') },
  { names: ['accept', 'discard'], load: () => import('./commands/review.js') },
  { names: ['review'], load: () => import('./commands/team-review.js') },
  { names: ['clone'], load: () => import('./commands/clone.js') },
  { names: ['pull'], load: () => import('./commands/pull.js') },
  { names: ['lock'], load: () => import('./commands/lock.js') },
  { names: ['import'], load: () => import('./commands/import.js') },
  { names: ['export'], load: () => import('./commands/export.js') },
  { names: ['doctor'], load: () => import('./commands/doctor.js') },
  { names: ['login', 'logout'], load: () => import('./commands/auth.js') },
  { names: ['publish'], load: () => import('./commands/publish.js') },
  { names: ['sync'], load: () => import('./commands/sync.js') },
  { names: ['status'], load: () => import('./commands/status.js') },
  { names: ['search'], load: () => import('./commands/search.js') },
  { names: ['index'], load: () => import('./commands/index.js') },
  { names: ['daemon'], load: () => import('./commands/daemon.js') },
  { names: ['resolve'], load: () => import('./commands/resolve.js') },
  { names: ['cache'], load: () => import('./commands/cache.js') },
  { names: ['run'], load: () => import('./commands/run.js') },
  { names: ['check'], load: () => import('./commands/check.js') },
  { names: ['runs'], load: () => import('./commands/runs.js') },
  { names: ['draft'], load: () => import('./commands/draft.js') },
  { names: ['diff'], load: () => import('./commands/diff.js') },
  { names: ['restore'], load: () => import('./commands/restore.js') },
  { names: ['conflicts'], load: () => import('./commands/conflicts.js') },
];

export async function main(argv: readonly string[], streams: Streams = process, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // The root `--version` is answered before commander sees it: commander would otherwise also
  // claim `show ID --version V`, which means "that version of the playbook".
  if (wantsVersion(argv)) {
    streams.stdout.write(`${CLI_VERSION}\n`);
    return EXIT.OK;
  }
  const program = new Command('escher-playbook')
    .description('Versioned operations playbooks: a local store under $ESCHER_HOME/playbooks, tenant sync, script cache and search.')
    .option('--home <dir>', 'Escher home folder (default: $ESCHER_HOME or ~/.escher)')
    .option('--json', 'machine-readable output on stdout (errors as a JSON line on stderr)')
    .option('--verbose', 'log progress to stderr')
    .addHelpText('after', '\n  -V, --version      print the version\n\nExit codes: 0 ok, 1 internal, 2 usage/invalid input, 3 not found, 4 conflict, 5 integrity, 6 config, 7 remote, 8 locked, 9 partial, 10 run failed, 11 preflight errors, 12 review needed, 13 storage, 130 interrupted, 141 output closed. See docs/cli.md.');
  program.exitOverride();
  program.configureOutput(outputConfig(streams));
  const ctx = createCliContext(program, streams, env);
  const invoked = commandName(argv);
  const wanted = COMMANDS.filter((c) => c.names.includes(invoked ?? ''));
  for (const c of wanted.length ? wanted : COMMANDS) (await c.load()).register(program, ctx);
  // Subcommands inherit the output and error handling of the root.
  for (const c of program.commands) c.exitOverride().configureOutput(outputConfig(streams));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    // A full disk, a permission, a folder in the way: the machine's condition, said as such.
    const err = storageErrorOf(e) ?? e;
    ctx.out.error(err);
    if (isEscherError(err)) return exitCodeFor(err.code);
    if (env.ESCHER_DEBUG) streams.stderr.write(`${printable(e instanceof Error ? (e.stack ?? e.message) : String(e), { multiline: true })}\n`);
    return EXIT.INTERNAL;
  } finally {
    ctx.dispose();
  }
}

/** Commander's own errors (unknown option, missing argument: they quote argv) as one line, like ours, made printable. */
function outputConfig(streams: Streams): OutputConfiguration {
  return {
    writeOut: (s) => streams.stdout.write(printable(s, { multiline: true })),
    writeErr: (s) => streams.stderr.write(printable(s, { multiline: true })),
    outputError: (s, write) => write(s.trim().replace(/\s*\n\s*/g, ' ') + ' (see --help)\n'),
  };
}

/** The first word that is not a global option (the command), if any. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--home') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}


/** Runs the CLI on this process's arguments and sets its exit code. */
export async function runCli(): Promise<void> {
  const stdio = guardStdio(process, (code) => (process.exitCode = code), { closed: EXIT.OUTPUT_CLOSED, storage: EXIT.STORAGE });
  try {
    const code = await main(process.argv.slice(2), { ...stdio.streams, outputClosed: stdio.whenClosed });
    // A reader that went away decides the exit code (the listener also sets it when EPIPE arrives later).
    if (!stdio.closed) process.exitCode = code;
  } catch (e) {
    new Output(stdio.streams, () => false).error(e);
    process.exitCode = EXIT.INTERNAL;
  }
}

// Started straight from the sources (`node --import tsx src/cli/main.ts …`); the bundle's entry is bin.ts.
if (require.main !== undefined && require.main.filename === __filename) void runCli();
