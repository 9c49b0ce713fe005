import type { ParameterSpec, ScriptFormat } from '../playbook-store/metadata';
import { parameterText } from '../playbook-store/parameter-values';
import { ARM_PARAMETERS_FILE, CFN_PARAMETERS_FILE } from './render/generated-files';
import type { Interpreter } from './render/shebang';
import type { Finding, PlanStep } from './types';

/**
 * What runs, chosen by the format (the matrix of README.md). Every step is an argv executed
 * directly (no shell in between), in the working folder:
 *
 *   shell           <shebang interpreter | bash> <script>
 *   python          python3 <script>
 *   terraform       preview: terraform init, terraform plan -out   apply: terraform apply <plan> (asked first)
 *   cloudformation  preview: aws cloudformation validate-template  apply: aws cloudformation deploy … --parameter-overrides file://… (asked first)
 *   arm             preview: az deployment group what-if           apply: az deployment group create … --parameters @… (asked first)
 */
export interface StepContext {
  runDir: string;
  cwd: string;
  playbookId: string;
  runId: string;
  entry: string | undefined;
  interpreter: Interpreter | undefined;
  /** Paths of the files rendered for this format (generated ones included). */
  files: ReadonlySet<string>;
  /** Template resources, for CloudFormation capabilities. */
  template: unknown;
  params: ReadonlyMap<string, ParameterSpec>;
  values: ReadonlyMap<string, unknown>;
  env: NodeJS.ProcessEnv;
}

export function stepsFor(format: ScriptFormat, c: StepContext): { steps: PlanStep[]; findings: Finding[] } {
  const abs = (p: string) => `${c.runDir}/${p}`;
  const step = (id: string, title: string, argv: string[], phase: PlanStep['phase'], confirm?: string): PlanStep => ({ id, title, argv, cwd: c.cwd, phase, ...(confirm ? { confirm } : {}) });
  switch (format) {
    case 'shell':
      return { steps: [step('run', `run ${c.entry}`, [...(c.interpreter?.argv ?? ['bash']), abs(c.entry!)], 'apply')], findings: [] };
    case 'python':
      return { steps: [step('run', `run ${c.entry}`, ['python3', abs(c.entry!)], 'apply')], findings: [] };
    case 'terraform': {
      const chdir = `-chdir=${abs('terraform')}`;
      const planFile = abs('terraform.tfplan');
      return {
        steps: [
          step('init', 'terraform init', ['terraform', chdir, 'init', '-input=false'], 'preview'),
          step('plan', 'terraform plan', ['terraform', chdir, 'plan', '-input=false', `-out=${planFile}`], 'preview'),
          step('apply', 'terraform apply', ['terraform', chdir, 'apply', '-input=false', planFile], 'apply', 'Apply this plan?'),
        ],
        findings: [],
      };
    }
    case 'cloudformation':
      return cloudFormationSteps(c, abs, step);
    case 'arm':
      return armSteps(c, abs, step);
  }
}

type StepMaker = (id: string, title: string, argv: string[], phase: PlanStep['phase'], confirm?: string) => PlanStep;

function cloudFormationSteps(c: StepContext, abs: (p: string) => string, step: StepMaker): { steps: PlanStep[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const stackName = textValue(c, 'stack_name') ?? c.playbookId;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) findings.push({ severity: 'error', source: 'cloudformation', message: `stack name "${stackName}" is not valid (letters, digits and -, starting with a letter, at most 128)` });
  const deploy = ['aws', 'cloudformation', 'deploy', '--template-file', abs(c.entry!), '--stack-name', stackName];
  if (c.files.has(CFN_PARAMETERS_FILE)) deploy.push('--parameter-overrides', `file://${abs(CFN_PARAMETERS_FILE)}`);
  const caps = capabilities(c.template);
  if (caps.length) deploy.push('--capabilities', ...caps);
  deploy.push('--no-fail-on-empty-changeset');
  return {
    steps: [
      step('validate', 'aws cloudformation validate-template', ['aws', 'cloudformation', 'validate-template', '--template-body', `file://${abs(c.entry!)}`], 'preview'),
      step('deploy', 'aws cloudformation deploy', deploy, 'apply', `Deploy stack ${stackName}?`),
    ],
    findings,
  };
}

function armSteps(c: StepContext, abs: (p: string) => string, step: StepMaker): { steps: PlanStep[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const group = textValue(c, 'resource_group') ?? textValue(c, 'resourceGroup') ?? c.env.AZURE_RESOURCE_GROUP;
  if (!group) findings.push({ severity: 'error', source: 'arm', message: 'no resource group to deploy to: declare a parameter "resource_group" or set AZURE_RESOURCE_GROUP' });
  const name = `escher-${c.playbookId}-${c.runId}`.slice(0, 64);
  const common = ['--resource-group', group ?? '<resource group>', '--name', name, '--template-file', abs(c.entry!)];
  if (c.files.has(ARM_PARAMETERS_FILE)) common.push('--parameters', `@${abs(ARM_PARAMETERS_FILE)}`);
  return {
    steps: [
      step('what-if', 'az deployment group what-if', ['az', 'deployment', 'group', 'what-if', ...common], 'preview'),
      step('create', 'az deployment group create', ['az', 'deployment', 'group', 'create', ...common], 'apply', `Deploy to resource group ${group ?? '?'}?`),
    ],
    findings,
  };
}

function textValue(c: StepContext, name: string): string | undefined {
  const p = c.params.get(name);
  const v = c.values.get(name);
  return p && v !== undefined ? parameterText(p, v as never) : undefined;
}

/** IAM resources need CAPABILITY_(NAMED_)IAM, a Transform CAPABILITY_AUTO_EXPAND: shown in the command before it runs. */
function capabilities(template: unknown): string[] {
  const t = template as { Resources?: Record<string, { Type?: unknown }>; Transform?: unknown } | undefined;
  const caps: string[] = [];
  if (Object.values(t?.Resources ?? {}).some((r) => typeof r?.Type === 'string' && r.Type.startsWith('AWS::IAM::'))) caps.push('CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM');
  if (t?.Transform !== undefined) caps.push('CAPABILITY_AUTO_EXPAND');
  return caps;
}
