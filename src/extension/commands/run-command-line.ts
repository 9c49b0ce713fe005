import * as path from 'node:path';
import type { ScriptFormat } from '../../core/playbook-store/metadata';

/**
 * The command line Run in Terminal sends for a resolved script, per format. It is shown verbatim
 * in the confirmation dialog before anything runs. Paths are single-quoted for POSIX shells.
 * Terraform runs `init` + `plan` (never `apply` unprompted); CloudFormation/ARM deploy with the
 * provider CLI, taking names the template cannot know from environment variables that fail
 * loudly when unset.
 */
export function commandLineFor(format: ScriptFormat, target: string, playbookId: string): string {
  const q = shellQuote(target);
  switch (format) {
    case 'shell':
      return `bash ${q}`;
    case 'python':
      return `python3 ${q}`;
    case 'terraform': {
      const dir = shellQuote(target.endsWith('.tf') ? path.dirname(target) : target);
      return `terraform -chdir=${dir} init -input=false && terraform -chdir=${dir} plan`;
    }
    case 'cloudformation':
      return `aws cloudformation deploy --template-file ${q} --stack-name ${shellQuote(playbookId)}`;
    case 'arm':
      return `az deployment group create --resource-group "\${AZURE_RESOURCE_GROUP:?set AZURE_RESOURCE_GROUP}" --template-file ${q}`;
  }
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `{{name}}` placeholders still in a script: running it as-is would pass them literally. */
export function placeholdersIn(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*(?:\|[^}]*)?\}\}/g)) found.add(m[1] as string);
  return [...found];
}
