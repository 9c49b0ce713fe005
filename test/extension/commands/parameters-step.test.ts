import assert from 'node:assert/strict';
import { test } from 'node:test';
import { declarationsFor, undeclaredIn } from '../../../src/extension/commands/parameter-inference';
import { parametersStep, summary } from '../../../src/extension/commands/parameters-step';
import { ScriptedUi } from '../helpers/scripted-ui';

const STEP = { title: 'Create Playbook', step: [8, 8] as [number, number] };

test('placeholders become declarations in order of use, typed by their inline default; declared ones stay first', () => {
  const scripts = [
    { path: 'shell/a.sh', content: 'echo {{target}} {{ port | 8080 }} {{ratio|0.5}} {{dry | false}} {{region | eu-west-1}} {{target}}' },
    { path: 'python/b.py', content: Buffer.from('print({{known}}, {{later}})') },
  ];
  assert.deepEqual(declarationsFor(scripts, [{ name: 'known', type: 'json', description: 'kept' }]), [
    { name: 'known', type: 'json', description: 'kept' },
    { name: 'target', type: 'string', required: true },
    { name: 'port', type: 'integer' },
    { name: 'ratio', type: 'number' },
    { name: 'dry', type: 'boolean' },
    { name: 'region', type: 'string' },
    { name: 'later', type: 'string', required: true },
  ]);
  assert.deepEqual(undeclaredIn(scripts, [{ name: 'target', type: 'string' }, { name: 'port', type: 'integer' }]), ['ratio', 'dry', 'region', 'known', 'later']);
});

test('Continue keeps the prefilled list; Escape cancels', async () => {
  const initial = [{ name: 'target', type: 'string' as const, required: true }];
  assert.deepEqual(await parametersStep(new ScriptedUi(['Continue']), initial, STEP), initial);
  assert.equal(await parametersStep(new ScriptedUi([undefined]), initial, STEP), undefined);
});

test('a row edits its NAME[:TYPE][!][=DEFAULT] line (checked as typed), its description, sensitivity; rows are added and removed', async () => {
  const ui = new ScriptedUi([
    '{{port}}', 'Name, type', 'port:integer!=5432',
    '{{port}}', 'Description', 'Database port',
    'Add a parameter', 'password!',
    '{{password}}', 'Sensitive',
    '{{target}}', 'Remove',
    'Continue',
  ]);
  const out = await parametersStep(ui, [{ name: 'target', type: 'string' }, { name: 'port', type: 'string', required: true }], STEP);
  assert.deepEqual(out, [
    { name: 'port', type: 'integer', required: true, default: 5432, description: 'Database port' },
    { name: 'password', type: 'string', required: true, sensitive: true },
  ]);
  assert.ok(ui.exhausted);
  const spec = ui.inputs[0]!;
  assert.equal(spec.value, 'port!', 'the current declaration, as a line');
  assert.equal(spec.validate?.('port:integer=abc'), 'Parameter "port" must be an integer, got "abc" (give a whole number such as 8080)');
  assert.match(spec.validate?.('db id') ?? '', /Parameter got "db id" that does not look like NAME\[:TYPE\]\[!\]\[=DEFAULT\]/);
  assert.equal(spec.validate?.('target'), '"target" is already declared');
  assert.deepEqual(ui.picks.at(-1)?.labels, ['$(check) Continue with 2 parameters', '{{port}}', '{{password}}', '$(add) Add a parameter…']);
});

test('a sensitive default is never shown, stays when the line is edited without one, and is dropped when the parameter stops being sensitive', async () => {
  const secret = { name: 'pw', type: 'string' as const, sensitive: true, default: { enc: 'v1', iv: 'x', ct: 'y', tag: 'z' } };
  assert.equal(summary(secret), 'string, optional, default hidden, sensitive');
  const ui = new ScriptedUi(['{{pw}}', 'Name, type', 'pw!', 'Continue']);
  const [kept] = (await parametersStep(ui, [secret], STEP))!;
  assert.equal(ui.inputs[0]!.value, 'pw');
  assert.deepEqual(kept, { ...secret, required: true });
  const [plain] = (await parametersStep(new ScriptedUi(['{{pw}}', 'Not sensitive', 'Continue']), [secret], STEP))!;
  assert.deepEqual(plain, { name: 'pw', type: 'string' });
});
