import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CODE_SERVER_ENTRY, REPO } from './prerequisites';
import { type Child, freePort, startChild, waitForOutput } from './processes';

export interface CodeServer {
  url: string;
  child: Child;
  stop(): Promise<void>;
}

/**
 * A real VS Code 1.99 workbench (code-server) on 127.0.0.1 with its own user-data and extensions
 * folders, so nothing of the machine's own VS Code state leaks in or out. A code-server window is
 * a remote window: `settings` are the User settings (application- and window-scoped ones apply),
 * `machineSettings` the Remote (Machine) ones — where machine-scoped settings such as escher.home
 * must be, since VS Code ignores them in the User settings of a remote window. `escherHome` also
 * goes into the server's environment (ESCHER_HOME), so the extension can never fall back to the
 * real ~/.escher of the machine running the tests.
 */
export async function startCodeServer(options: {
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  settings: Record<string, unknown>;
  machineSettings?: Record<string, unknown>;
  escherHome: string;
  env?: NodeJS.ProcessEnv;
}): Promise<CodeServer> {
  await fs.mkdir(path.join(options.userDataDir, 'User'), { recursive: true });
  await fs.writeFile(path.join(options.userDataDir, 'User', 'settings.json'), JSON.stringify(options.settings, null, 2));
  await fs.mkdir(path.join(options.userDataDir, 'Machine'), { recursive: true });
  await fs.writeFile(path.join(options.userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'escher.home': options.escherHome, ...options.machineSettings }, null, 2));
  const port = await freePort();
  const child = startChild(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      options.userDataDir,
      '--extensions-dir',
      options.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      options.workspace,
    ],
    { cwd: REPO, env: { ...process.env, ESCHER_HOME: options.escherHome, ...options.env } },
  );
  await waitForOutput(child, /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
  return { url: `http://127.0.0.1:${port}/`, child, stop: () => child.stop() };
}

/**
 * Installs the built extension the way VS Code lays out an installed .vsix:
 * EXT/<publisher>.<name>-<version>/ with the packaged files. Runtime packages the bundle leaves
 * external are reached through a node_modules link to the repository's. With
 * ESCHER_E2E_VSIX=path/to.vsix the packaged extension itself is unpacked there instead.
 */
export async function installExtension(extensionsDir: string): Promise<string> {
  const pkg = JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const dest = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  const vsix = process.env.ESCHER_E2E_VSIX;
  if (vsix) {
    // The packaged .vsix (npm run package) is a zip whose extension/ folder is what VS Code installs.
    const unpacked = path.join(extensionsDir, '.unpack');
    execFileSync('unzip', ['-q', path.resolve(vsix), 'extension/*', '-d', unpacked]);
    await fs.rename(path.join(unpacked, 'extension'), dest);
    await fs.rm(unpacked, { recursive: true, force: true });
    return dest;
  }
  await fs.mkdir(dest, { recursive: true });
  for (const item of ['package.json', 'dist', 'schemas', 'syntaxes', 'media']) {
    await fs.cp(path.join(REPO, item), path.join(dest, item), { recursive: true });
  }
  await fs.symlink(path.join(REPO, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  return dest;
}
