import * as path from 'node:path';
import type { CloudProvider, ParameterSpec, ScriptFormat } from '../../core/playbook-store/metadata';
import type { ScriptInput } from '../../core/playbook-store/types';
import type { ActiveEditorInfo } from '../ui/ui-host';

/**
 * Starter scripts for Create Playbook. Each declares the parameters its placeholders use
 * (templateParameters), so a new playbook holds the placeholder contract from its first version.
 */
export const FORMAT_LABELS: Record<ScriptFormat, string> = {
  shell: 'Shell',
  python: 'Python',
  terraform: 'Terraform',
  cloudformation: 'CloudFormation',
  arm: 'ARM template',
};

export function templateScript(format: ScriptFormat, name: string, cloud: CloudProvider): ScriptInput {
  const title = name.replace(/\s+/g, ' ').trim();
  switch (format) {
    case 'shell':
      return {
        path: 'shell/run.sh',
        content: `#!/usr/bin/env bash\n# ${title}\nset -euo pipefail\n\necho "Running ${shellEscape(title)} on {{target}}"\n`,
      };
    case 'python':
      return {
        path: 'python/run.py',
        content: `"""${title.replace(/"/g, "'")}."""\nimport sys\n\n\ndef main() -> int:\n    print("Running on {{target}}")\n    return 0\n\n\nif __name__ == "__main__":\n    sys.exit(main())\n`,
      };
    case 'terraform':
      return {
        path: 'terraform/main.tf',
        content: `# ${title}\n${cloud === 'azure' ? 'provider "azurerm" {\n  features {}\n}\n' : cloud === 'gcp' ? 'provider "google" {\n  region = "{{region}}"\n}\n' : 'provider "aws" {\n  region = "{{region}}"\n}\n'}`,
      };
    case 'cloudformation':
      return {
        path: 'cloudformation/template.yaml',
        // A WaitConditionHandle creates nothing billable: a valid first resource to replace.
        content: `AWSTemplateFormatVersion: "2010-09-09"\nDescription: ${JSON.stringify(title)}\nParameters:\n  Target:\n    Type: String\n    Default: "{{target}}"\nResources:\n  Placeholder:\n    Type: AWS::CloudFormation::WaitConditionHandle\nOutputs:\n  Target:\n    Value: !Ref Target\n`,
      };
    case 'arm':
      return {
        path: 'arm/template.json',
        content: `${JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            metadata: { description: title },
            parameters: { target: { type: 'string', defaultValue: '{{target}}' } },
            resources: [],
          },
          null,
          2,
        )}\n`,
      };
  }
}

const TARGET: ParameterSpec = { name: 'target', type: 'string', required: true, description: 'What the playbook acts on, e.g. an instance or resource id' };

/** The parameters a format's template uses, declared. */
export function templateParameters(format: ScriptFormat, cloud: CloudProvider): ParameterSpec[] {
  // An ARM deployment needs a resource group; the run takes it from this parameter.
  if (format === 'arm') return [TARGET, { name: 'resource_group', type: 'string', required: true, description: 'The Azure resource group to deploy to' }];
  if (format !== 'terraform') return [TARGET];
  if (cloud === 'azure') return [];
  return [{ name: 'region', type: 'string', default: cloud === 'gcp' ? 'us-central1' : 'us-east-1', description: 'The region the provider works in' }];
}

function shellEscape(s: string): string {
  return s.replace(/["\\$`]/g, '\\$&');
}

/** The format an open file would be as a playbook script, if any. */
export function formatOfEditor(ed: ActiveEditorInfo): ScriptFormat | undefined {
  const ext = path.extname(ed.path).toLowerCase();
  if (ed.languageId === 'shellscript' || ['.sh', '.bash', '.zsh'].includes(ext)) return 'shell';
  if (ed.languageId === 'python' || ext === '.py') return 'python';
  if (ed.languageId === 'terraform' || ed.languageId === 'hcl' || ext === '.tf') return 'terraform';
  const head = ed.text.slice(0, 4000);
  if (/AWSTemplateFormatVersion/.test(head) && ['.yaml', '.yml', '.json', '.template'].includes(ext)) return 'cloudformation';
  if (/deploymentTemplate\.json/.test(head) && ext === '.json') return 'arm';
  return undefined;
}

/** "My Script (1).sh" -> "My-Script-1.sh": a file name the store's path rules accept. */
export function safeFileName(file: string, fallback: string): string {
  const cleaned = path
    .basename(file)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[. -]+$/, '');
  return cleaned.length > 0 && cleaned.length <= 128 ? cleaned : fallback;
}

export function scriptFromEditor(ed: ActiveEditorInfo, format: ScriptFormat): ScriptInput {
  return { path: `${format}/${safeFileName(ed.path, templateScript(format, 'x', 'other').path.split('/')[1] as string)}`, content: ed.text };
}
