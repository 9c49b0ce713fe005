import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { type CliResult, json, runCli } from '../../helpers/cli';
import { type FakeCall, toolBox, type ToolBox } from '../../helpers/fake-tools';
import { tempDir } from '../../helpers/temp-dir';

/**
 * Terraform, CloudFormation and ARM runs. terraform, aws and az cannot reach a cloud here, so
 * recording fakes of them come first on PATH (test/helpers/fake-tools.ts): these tests assert the
 * exact argv each would have been given, in which folder, and the parameter files generated for it.
 */
interface Env {
  home: string;
  work: string;
  files: string;
  tools: ToolBox;
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
}

async function setup(t: TestContext, fakes?: Parameters<typeof toolBox>[1]): Promise<Env> {
  const root = await tempDir(t, 'escher-cli-iac-');
  const home = path.join(root, 'home');
  const work = path.join(root, 'work');
  const files = path.join(root, 'files');
  const tmp = path.join(root, 'tmp');
  for (const d of [home, work, files, tmp]) await fs.mkdir(d, { recursive: true });
  const tools = await toolBox(t, fakes);
  const env = { PATH: tools.path, TMPDIR: tmp, HOME: root, FAKE_RECORD_DIR: tools.recordDir };
  return { home, work: await fs.realpath(work), files, tools, cli: (args, extra = {}) => runCli(home, args, { cwd: work, env: { ...env, ...extra } }) };
}

async function create(e: Env, id: string, scripts: Record<string, string>, params: string[]): Promise<void> {
  const args = ['create', '--id', id, '--name', id, '--description', 'x'];
  for (const [stored, text] of Object.entries(scripts)) {
    const file = path.join(e.files, stored.replace('/', '_'));
    await fs.writeFile(file, text);
    args.push('--script', `${stored}=${file}`);
  }
  for (const p of params) args.push('--param', p);
  const r = await e.cli(args);
  assert.equal(r.code, 0, r.stderr);
}

/** The calls that ran the playbook (preflight's fmt/init -backend=false/validate left out). */
const runCalls = (calls: FakeCall[]) => calls.filter((c) => !c.argv.includes('-backend=false') && !c.argv.includes('fmt') && !c.argv.includes('validate'));
/** argv with the run folder (random, under the test's TMPDIR) written as RUN. */
const shape = (c: FakeCall) => [c.tool, ...c.argv.map((a) => a.replace(new RegExp(`${c.env.ESCHER_RUN_DIR!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'RUN'))];
const fileNamed = (c: FakeCall, suffix: string) => Object.entries(c.files).find(([p]) => p.endsWith(suffix))?.[1];

const MAIN_TF = 'provider "aws" {\n  region = "{{region}}"\n}\n\nresource "aws_db_instance_stop" "x" {\n  identifier = "{{db}}"\n  count      = {{replicas}}\n}\n';

test('terraform: init, plan -out and apply of that plan, in the working folder, with a generated tfvars file', async (t) => {
  const e = await setup(t);
  await create(e, 'tf', { 'terraform/main.tf': MAIN_TF }, ['region=eu-west-1', 'db!', 'replicas:integer=2']);
  const r = await e.cli(['run', 'tf', '--yes', '--param', 'db=orders"; destroy']);
  assert.equal(r.code, 0, r.stderr);
  const calls = runCalls(await e.tools.calls());
  assert.deepEqual(calls.map(shape), [
    ['terraform', '-chdir=RUN/terraform', 'init', '-input=false'],
    ['terraform', '-chdir=RUN/terraform', 'plan', '-input=false', '-out=RUN/terraform.tfplan'],
    ['terraform', '-chdir=RUN/terraform', 'apply', '-input=false', 'RUN/terraform.tfplan'],
  ]);
  for (const c of calls) assert.equal(c.cwd, e.work);
  const plan = calls[1]!;
  assert.deepEqual(JSON.parse(fileNamed(plan, 'escher.auto.tfvars.json')!), { region: 'eu-west-1', db: 'orders"; destroy', replicas: 2 });
  assert.equal(fileNamed(plan, 'terraform/main.tf'), MAIN_TF.replace('"{{region}}"', '"${var.region}"').replace('"{{db}}"', '"${var.db}"').replace('{{replicas}}', 'var.replicas'));
  assert.match(fileNamed(plan, 'escher_parameters.tf')!, /variable "db" \{\n {2}type = string\n\}/);
  assert.match(fileNamed(plan, 'escher_backend.tf')!, new RegExp(`path = "${e.work}/\\.escher/terraform/tf/terraform\\.tfstate"`));
  assert.equal(plan.env.TF_DATA_DIR, `${e.work}/.escher/terraform/tf/data`);
  assert.equal(plan.env.ESCHER_PARAM_DB, 'orders"; destroy');
});

test('terraform: without --yes and without a terminal nothing runs; --preview runs init+plan only; a failed plan never applies', async (t) => {
  const e = await setup(t);
  await create(e, 'tf', { 'terraform/main.tf': MAIN_TF }, ['region=eu-west-1', 'db=x', 'replicas:integer=1']);
  assert.equal((await e.cli(['run', 'tf'])).code, 2);
  const dry = await e.cli(['run', 'tf', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /terraform -chdir=\S+ apply -input=false \S+terraform\.tfplan {3}\(asked first\)/);
  assert.deepEqual(runCalls(await e.tools.calls()), [], 'a dry run runs none of the playbook');
  const preview = await e.cli(['run', 'tf', '--preview', '--yes']);
  assert.equal(preview.code, 0, preview.stderr);
  assert.deepEqual(runCalls(await e.tools.calls()).map((c) => c.argv[1]), ['init', 'plan']);
  const failed = await e.cli(['run', 'tf', '--yes'], { FAKE_FAIL: 'terraform:plan' });
  assert.equal(failed.code, 10);
  assert.deepEqual(runCalls(await e.tools.calls()).map((c) => c.argv[1]), ['init', 'plan', 'init', 'plan'], 'apply never ran');
});

test('terraform preflight without terraform installed: the HCL parser reports syntax errors with file:line:column, and unset variables', async (t) => {
  const e = await setup(t, ['aws', 'az']);
  await create(e, 'tfb', { 'terraform/main.tf': 'resource "x" "y" {\n  a = \n}\n', 'terraform/vars.tf': 'variable "zone" {\n  type = string\n}\n' }, []);
  const r = await e.cli(['--json', 'check', 'tfb']);
  assert.equal(r.code, 11);
  const findings = json<{ findings: Array<{ severity: string; source: string; file?: string; line?: number; column?: number; message: string }> }>(r).findings;
  const hcl = findings.find((f) => f.source === 'hcl')!;
  assert.deepEqual([hcl.file, hcl.line, hcl.column], ['terraform/main.tf', 2, 7]);
  assert.match(hcl.message, /Invalid expression/);
  assert.ok(findings.some((f) => f.source === 'terraform variables' && /variable "zone" has no default and no value/.test(f.message)));
  const run = await e.cli(['run', 'tfb', '--yes', '--skip-preflight']);
  assert.equal(run.code, 11, 'terraform is not installed: a real run is refused whatever --skip-preflight says');
  assert.match(run.stderr, /terraform is not installed/);
});

const CFN = 'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  DbInstanceId:\n    Type: String\n    AllowedPattern: "[a-z][a-z0-9-]*"\n  Note:\n    Type: String\n    Default: "by {{owner}}"\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Sub "${AWS::StackName}-{{owner}}"\n';

test('cloudformation: validate-template, then deploy with a generated parameters file and the capabilities the template needs', async (t) => {
  const e = await setup(t);
  await create(e, 'cfn', { 'cloudformation/template.yaml': CFN }, ['DbInstanceId!', 'owner', 'stack_name=ops-stop']);
  const bad = await e.cli(['run', 'cfn', '--yes', '--param', 'DbInstanceId=Bad_ID', '--param', 'owner=x']);
  assert.equal(bad.code, 11);
  assert.match(bad.stderr, /template parameter "DbInstanceId" does not match its AllowedPattern/);
  const r = await e.cli(['run', 'cfn', '--yes', '--param', 'DbInstanceId=orders-1', '--param', 'owner=${AWS::AccountId}']);
  assert.equal(r.code, 0, r.stderr);
  const calls = runCalls(await e.tools.calls());
  assert.deepEqual(calls.map(shape), [
    ['aws', 'cloudformation', 'validate-template', '--template-body', 'file://RUN/cloudformation/template.yaml'],
    ['aws', 'cloudformation', 'deploy', '--template-file', 'RUN/cloudformation/template.yaml', '--stack-name', 'ops-stop', '--parameter-overrides', 'file://RUN/cloudformation/escher-parameters.json', '--capabilities', 'CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', '--no-fail-on-empty-changeset'],
  ]);
  assert.deepEqual(JSON.parse(fileNamed(calls[1]!, 'escher-parameters.json')!), [{ ParameterKey: 'DbInstanceId', ParameterValue: 'orders-1' }]);
  const template = fileNamed(calls[1]!, 'template.yaml')!;
  assert.match(template, /RoleName: !Sub "\$\{AWS::StackName\}-\$\{!AWS::AccountId\}"/, "a value's ${ is Fn::Sub's escaped ${!");
  assert.match(template, /Default: "by \$\{AWS::AccountId\}"/, "outside Fn::Sub it is plain text");
});

const ARM = JSON.stringify({
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: { vmName: { type: 'string', maxLength: 15 }, size: { type: 'int', allowedValues: [1, 2] } },
  resources: [{ type: 'Microsoft.Compute/virtualMachines', name: "[concat(parameters('vmName'), '-{{suffix}}')]" }],
});

test('arm: what-if, then group deployment create with @parameters; values checked against the template first', async (t) => {
  const e = await setup(t);
  await create(e, 'arm', { 'arm/template.json': ARM }, ['vmName!', 'size:integer=2', 'suffix', 'resource_group=rg-ops']);
  const bad = await e.cli(['run', 'arm', '--yes', '--param', 'vmName=a-very-long-vm-name-indeed']);
  assert.equal(bad.code, 11);
  assert.match(bad.stderr, /template parameter "vmName" must have a length of at most 15/);
  const r = await e.cli(['run', 'arm', '--yes', '--param', 'vmName=vm1', '--param', "suffix=x'), evil('"]);
  assert.equal(r.code, 0, r.stderr);
  const calls = runCalls(await e.tools.calls());
  const common = ['--resource-group', 'rg-ops', '--name', calls[0]!.argv[6]!, '--template-file', 'RUN/arm/template.json', '--parameters', '@RUN/arm/escher-parameters.json'];
  assert.match(calls[0]!.argv[6]!, /^escher-arm-\d{8}-\d{6}-[0-9a-f]{6}$/);
  assert.deepEqual(calls.map(shape), [['az', 'deployment', 'group', 'what-if', ...common], ['az', 'deployment', 'group', 'create', ...common]]);
  const params = JSON.parse(fileNamed(calls[1]!, 'escher-parameters.json')!) as { parameters: unknown };
  assert.deepEqual(params.parameters, { vmName: { value: 'vm1' }, size: { value: 2 } });
  const template = JSON.parse(fileNamed(calls[1]!, 'template.json')!) as { resources: Array<{ name: string }> };
  assert.equal(template.resources[0]!.name, "[concat(parameters('vmName'), '-x''), evil(''')]");
});
