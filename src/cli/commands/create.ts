import type { Command } from 'commander';
import { AREAS, type Area, CLOUD_PROVIDERS, type CloudProvider, STORAGE_STRATEGIES, type StorageStrategy } from '../../core/playbook-store/metadata';
import { parseParamSpec } from '../../core/playbook-store/parameter-spec-text';
import type { OnExisting } from '../../core/playbook-store/on-existing';
import type { CreatePlaybookInput } from '../../core/playbook-store/types';
import { AlreadyExistsError } from '../../core/shared/errors';
import { choice, collect, commaList, readScriptArgs } from '../args';
import { describeOutcome, onExistingOption, shown } from '../on-existing';
import type { CliContext } from '../context';
import { readSecretParams } from '../secret-params';

interface CreateOptions {
  name: string;
  description: string;
  keywords?: string[];
  cloud?: CloudProvider;
  resourceTypes?: string[];
  script?: string[];
  secretScript?: string[];
  param?: string[];
  secretParam?: string[];
  secretParamStdin?: string;
  secretParamEnv?: string[];
  strategy?: StorageStrategy;
  id?: string;
  area?: Area;
  aiGenerated?: boolean;
  onExisting: OnExisting;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('create')
    .description('create a playbook (version 1.0.0) from flags and script files')
    .requiredOption('--name <name>', 'human-readable title (the id is derived from it)')
    .requiredOption('--description <text>', 'what it does and when to use it')
    .option('--keywords <a,b>', 'comma-separated search keywords', commaList)
    .option('--cloud <provider>', `cloud provider: ${CLOUD_PROVIDERS.join('|')}`, choice(CLOUD_PROVIDERS))
    .option('--resource-types <x,y>', 'comma-separated resource types (e.g. rds,ec2)', commaList)
    .option('--script <FORMAT=PATH>', 'add a script file, e.g. shell=./stop.sh or terraform/main.tf=./x.tf (repeatable)', collect)
    .option('--secret-script <FORMAT=PATH>', 'like --script, stored encrypted at rest (repeatable)', collect)
    .option('--param <NAME[:TYPE][!][=DEFAULT]>', 'declare a parameter; ! = required (repeatable)', collect)
    .option('--secret-param <NAME[:TYPE][!][=DEFAULT]>', 'a sensitive parameter: its default is encrypted at rest (repeatable); without =DEFAULT a terminal asks for it, hidden', collect)
    .option('--secret-param-stdin <NAME[:TYPE][!]>', 'a sensitive parameter whose default is read from stdin')
    .option('--secret-param-env <NAME[:TYPE][!]=VAR>', 'a sensitive parameter whose default is the environment variable VAR (repeatable)', collect)
    .option('--strategy <strategy>', `storage strategy: ${STORAGE_STRATEGIES.join('|')}`, choice(STORAGE_STRATEGIES))
    .option('--id <id>', 'explicit playbook id instead of one derived from the name')
    .option('--area <area>', `area to create it in: ${AREAS.join('|')}`, choice(AREAS))
    .option('--ai-generated', 'mark as AI-generated (goes to the ai-generated area for review)')
    .addOption(onExistingOption())
    .action(async (o: CreateOptions) => {
      const scripts = [...(await readScriptArgs(o.script, false)), ...(await readScriptArgs(o.secretScript, true))];
      const parameters = [...(o.param ?? []).map((p) => parseParamSpec(p, false)), ...(await readSecretParams(o, { env: ctx.env, out: ctx.out, stdin: process.stdin, stderr: process.stderr }))];
      const { store } = await ctx.service();
      const input: CreatePlaybookInput = {
        name: o.name,
        description: o.description,
        keywords: o.keywords,
        cloud_provider: o.cloud,
        resource_types: o.resourceTypes,
        storage_strategy: o.strategy,
        scripts,
        parameters,
        playbook_id: o.id,
        area: o.area,
        source: o.aiGenerated ? 'ai_generated' : 'user',
        enforceContract: true,
      };
      const [r] = await store.createPlaybooks([input], undefined, { onExisting: o.onExisting });
      if (!r!.ok) throw r!.error;
      if (r!.outcome === 'skipped' && !r!.identical) {
        const what = o.id !== undefined ? `Playbook "${o.id}"` : `A playbook named "${o.name}"`;
        throw new AlreadyExistsError(`${what} already exists, with other content: ${shown(r!)}`, {
          hint: 'nothing was created; --on-existing new-version adds this as its next version, --on-existing copy creates a separate playbook beside it',
        });
      }
      ctx.out.result(r!.playbook.metadata, () => (r!.outcome === 'skipped' ? `${describeOutcome(r!)}; nothing created` : describeOutcome(r!)));
    });
}
