import type { Command } from 'commander';
import type { CliContext } from '../context';
import { renderPlaybook } from '../render';

interface ShowOptions {
  version?: string;
  script?: string;
  reveal?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description('show a playbook version (default: the latest), or print one of its scripts')
    .argument('<id>', 'playbook id')
    .option('--version <version>', 'a specific version, e.g. 1.0.0')
    .option('--script <path>', 'print this script (e.g. shell/stop.sh) to stdout, verified and decrypted')
    .option('--reveal', 'show sensitive parameter defaults decrypted')
    .action(async (id: string, o: ShowOptions) => {
      const { store } = await ctx.service();
      const playbook = await store.getPlaybook(id, o.version);
      if (o.script !== undefined) {
        const bytes = await store.readScript(playbook, o.script);
        const text = bytes.toString('utf8');
        const json = Buffer.from(text, 'utf8').equals(bytes) ? { path: o.script, content: text } : { path: o.script, base64: bytes.toString('base64') };
        if (ctx.out.json) ctx.out.result(json, () => '');
        else ctx.out.raw(bytes);
        return;
      }
      const versions = await store.listVersions(id);
      const parameters = o.reveal ? await store.revealParameters(playbook) : playbook.metadata.parameters;
      ctx.out.result({ area: playbook.area, dir: playbook.dir, versions, metadata: { ...playbook.metadata, parameters } }, () => renderPlaybook(playbook, versions, parameters));
    });
}
