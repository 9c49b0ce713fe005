import type { Command } from 'commander';
import type { ParameterSpec } from '../../core/playbook-store/metadata';
import { CLOUD_PROVIDERS, type CloudProvider, STORAGE_STRATEGIES, type StorageStrategy } from '../../core/playbook-store/metadata';
import { parseParamSpec } from '../../core/playbook-store/parameter-spec-text';
import { choice, collect, commaList, readScriptArgs } from '../args';
import type { CliContext } from '../context';
import { readSecretParams } from '../secret-params';

interface UpdateOptions {
  name?: string;
  description?: string;
  keywords?: string[];
  cloud?: CloudProvider;
  resourceTypes?: string[];
  script?: string[];
  secretScript?: string[];
  removeScript?: string[];
  param?: string[];
  secretParam?: string[];
  secretParamStdin?: string;
  secretParamEnv?: string[];
  removeParam?: string[];
  strategy?: StorageStrategy;
  bump?: 'patch' | 'minor' | 'major';
  newVersion?: string;
  from?: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('update')
    .description('write a new version of a playbook (versions are never changed in place)')
    .argument('<id>', 'playbook id')
    .option('--name <name>', 'new title')
    .option('--description <text>', 'new description')
    .option('--keywords <a,b>', 'replace the keywords', commaList)
    .option('--cloud <provider>', `cloud provider: ${CLOUD_PROVIDERS.join('|')}`, choice(CLOUD_PROVIDERS))
    .option('--resource-types <x,y>', 'replace the resource types', commaList)
    .option('--script <FORMAT=PATH>', 'add or replace a script (repeatable)', collect)
    .option('--secret-script <FORMAT=PATH>', 'add or replace a script stored encrypted (repeatable)', collect)
    .option('--remove-script <path>', 'drop a script, e.g. shell/old.sh (repeatable)', collect)
    .option('--param <NAME[:TYPE][!][=DEFAULT]>', 'add or replace a parameter (repeatable)', collect)
    .option('--secret-param <NAME[:TYPE][!][=DEFAULT]>', 'add or replace a sensitive parameter (repeatable); without =DEFAULT a terminal asks for it, hidden', collect)
    .option('--secret-param-stdin <NAME[:TYPE][!]>', 'a sensitive parameter whose default is read from stdin')
    .option('--secret-param-env <NAME[:TYPE][!]=VAR>', 'a sensitive parameter whose default is the environment variable VAR (repeatable)', collect)
    .option('--remove-param <name>', 'drop a parameter (repeatable)', collect)
    .option('--strategy <strategy>', `storage strategy: ${STORAGE_STRATEGIES.join('|')}`, choice(STORAGE_STRATEGIES))
    .option('--bump <part>', 'which semver part to bump: patch (default), minor, major', choice(['patch', 'minor', 'major'] as const))
    .option('--new-version <version>', 'exact new version (must be greater than the latest)')
    .option('--from <version>', 'base the new version on this one instead of the latest')
    .action(async (id: string, o: UpdateOptions) => {
      const scripts = [...(await readScriptArgs(o.script, false)), ...(await readScriptArgs(o.secretScript, true))];
      const { store } = await ctx.service();
      let parameters: ParameterSpec[] | undefined;
      const changedParams = [...(o.param ?? []).map((p) => parseParamSpec(p, false)), ...(await readSecretParams(o, { env: ctx.env, out: ctx.out, stdin: process.stdin, stderr: process.stderr }))];
      if (changedParams.length || o.removeParam?.length) {
        // Merge by name into the base version's parameters (encrypted defaults stay encrypted).
        const base = await store.getPlaybook(id, o.from);
        const byName = new Map(base.metadata.parameters.map((p) => [p.name, p]));
        for (const n of o.removeParam ?? []) byName.delete(n);
        for (const p of changedParams) byName.set(p.name, p);
        parameters = [...byName.values()];
      }
      const updated = await store.updatePlaybook(id, {
        name: o.name,
        description: o.description,
        keywords: o.keywords,
        cloud_provider: o.cloud,
        resource_types: o.resourceTypes,
        storage_strategy: o.strategy,
        scripts,
        removeScripts: o.removeScript,
        parameters,
        bump: o.bump,
        version: o.newVersion,
        fromVersion: o.from,
        enforceContract: true,
      });
      // Nothing to change writes nothing (exit 0); --json prints the latest version's metadata either way.
      ctx.out.result(updated.metadata, () =>
        updated.unchanged ? `nothing changed: ${id} stays at v${updated.metadata.version} (${updated.area}); no version written` : `updated ${id} to v${updated.metadata.version} (${updated.area})`,
      );
    });
}
