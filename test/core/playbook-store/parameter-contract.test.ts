import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParameterSpec } from '../../../src/core/playbook-store/metadata';
import { parameterSpecIssues, placeholderContract } from '../../../src/core/playbook-store/parameter-contract';
import { coerceParameterValue, parameterText, parseParameterText } from '../../../src/core/playbook-store/parameter-values';
import { findPlaceholders } from '../../../src/core/playbook-store/placeholders';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import { describeError, ValidationError } from '../../../src/core/shared/errors';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { tempDir } from '../../helpers/temp-dir';

const p = (spec: Partial<ParameterSpec> & Pick<ParameterSpec, 'type'>): ParameterSpec => ({ name: 'v', ...spec });
const fails = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ValidationError && re.test(describeError(e)));

test('values by type: text is parsed strictly, data is checked, every rule applies', () => {
  assert.equal(parseParameterText(p({ type: 'integer' }), ' 007 '), 7);
  fails(() => parseParameterText(p({ type: 'integer' }), '1.5'), /must be an integer, got "1\.5"/);
  fails(() => parseParameterText(p({ type: 'integer' }), '9007199254740993'), /must be an integer/);
  fails(() => parseParameterText(p({ type: 'number' }), '1e999'), /must be a number/);
  assert.equal(parseParameterText(p({ type: 'number' }), '-.5e1'), -5);
  assert.equal(parseParameterText(p({ type: 'boolean' }), 'TRUE'), true);
  fails(() => parseParameterText(p({ type: 'boolean' }), 'yes'), /must be a boolean, got "yes" \(give true or false\)/);
  assert.deepEqual(parseParameterText(p({ type: 'list' }), 'a, b ,c'), ['a', 'b', 'c']);
  assert.deepEqual(parseParameterText(p({ type: 'list' }), '["a,b", "c"]'), ['a,b', 'c']);
  fails(() => parseParameterText(p({ type: 'list' }), '[1, {"x": 2}]'), /must be a list/);
  fails(() => parseParameterText(p({ type: 'json' }), '{nope}'), /must be JSON/);
  assert.deepEqual(parseParameterText(p({ type: 'json' }), '{"a": [1, null]}'), { a: [1, null] });
  assert.equal(parseParameterText(p({ type: 'string', allowed_values: ['dev', 'prod'] }), 'prod'), 'prod');
  fails(() => parseParameterText(p({ type: 'string', allowed_values: ['dev', 'prod'] }), 'staging'), /must be one of "dev", "prod", got "staging"/);
  fails(() => parseParameterText(p({ type: 'list', allowed_values: ['a', 'b'] }), 'a,c'), /must be one of/);
  fails(() => parseParameterText(p({ type: 'string', pattern: 'i-[0-9a-f]+' }), 'i-12x'), /does not match the pattern/);
  assert.equal(parseParameterText(p({ type: 'string', pattern: 'i-[0-9a-f]+' }), 'i-0ab'), 'i-0ab', 'the pattern must match the whole value');
  fails(() => parseParameterText(p({ type: 'string', pattern: 'a' }), 'ab'), /does not match/);
  fails(() => parseParameterText(p({ type: 'integer', min: 1, max: 10 }), '11'), /must be at most 10, got 11/);
  fails(() => parseParameterText(p({ type: 'string', min: 3 }), 'ab'), /must have a length at least 3/);
  fails(() => parseParameterText(p({ type: 'list', max: 1 }), 'a,b'), /must have a number of items at most 1/);
  fails(() => parseParameterText(p({ type: 'string' }), 'x'.repeat(40_000)), /more than the 32768 a value may have/);
  fails(() => parseParameterText(p({ type: 'string', sensitive: true, allowed_values: ['a'] }), 'hunter2'), /must be one of "a"/);
  assert.throws(() => parseParameterText(p({ type: 'integer', sensitive: true }), 'hunter2'), (e: unknown) => !describeError(e).includes('hunter2'), 'a sensitive value is never echoed in an error');
  // Data from a params file: scalars written as text are parsed; defaults (strict) are not.
  assert.equal(coerceParameterValue(p({ type: 'integer' }), '5'), 5);
  fails(() => coerceParameterValue(p({ type: 'integer' }), '5', { strict: true }), /must be an integer/);
  assert.equal(coerceParameterValue(p({ type: 'string' }), 42), '42');
  assert.equal(parameterText(p({ type: 'list' }), ['a', 'b']), '["a","b"]');
});

test('declarations: a default of the wrong type, rules that do not fit, two names for one variable', () => {
  const issues = parameterSpecIssues([
    { name: 'n', type: 'integer', default: 'abc' },
    { name: 'x', type: 'number', default: null },
    { name: 'b', type: 'boolean', default: 'yes', allowed_values: ['yes'] },
    { name: 'j', type: 'json', default: { ok: true }, pattern: '.*' },
    { name: 'r', type: 'integer', min: 5, max: 1 },
    { name: 'bad_re', type: 'string', pattern: '(' },
    { name: 'dbId', type: 'string' },
    { name: 'DBID', type: 'string' },
    { name: 'fine', type: 'list', default: ['a'], allowed_values: ['a', 'b'], min: 1 },
  ]);
  assert.deepEqual(issues, [
    'default of parameter "n" must be an integer, got "abc" (give a whole number between -9007199254740991 and 9007199254740991)',
    'default of parameter "x" must be a number, got null (give a finite number)',
    'parameter "b": allowed_values does not apply to a boolean',
    'default of parameter "b" must be a boolean, got "yes" (give true or false)',
    'parameter "j": pattern applies only to string and list parameters',
    'parameter "r": min 5 is greater than max 1',
    'Parameter "bad_re": pattern "(" is not a valid regular expression (Invalid regular expression: /^(?:()$/u: Unterminated group)',
    'parameters "dbId" and "DBID" would both be exported as ESCHER_PARAM_DBID: rename one',
  ]);
});

test('placeholders against declarations: undeclared names are errors with their place, unused parameters warnings', () => {
  assert.deepEqual(findPlaceholders('a {{ x }} {{y|1}} {{{z}}} {{ 9 }} {{w | a\nb}}').map((ph) => [ph.name, ph.inlineDefault, ph.column]), [['x', undefined, 3], ['y', '1', 11], ['z', undefined, 20]]);
  const report = placeholderContract(
    [
      { path: 'shell/a.sh', text: 'echo {{known}} {{missing}}\necho {{ bad-name }} {{known | 1}}\n' },
      { path: 'python/b.py', text: 'print("{{known | 2}}")\n' },
      { path: 'terraform/main.tf', text: 'variable "tf_var" {}\n' },
      { path: 'shell/bin', text: undefined },
    ],
    [
      { name: 'known', type: 'integer' },
      { name: 'tf_var', type: 'string' },
      { name: 'by_env', type: 'string' },
      { name: 'idle', type: 'string' },
    ],
  );
  assert.deepEqual(report.errors, [
    'shell/a.sh:1:16 uses {{missing}}, which is not a declared parameter (declare it: `--param missing[:TYPE]` on create/update, or add {"name": "missing", "type": "string"} to "parameters" in metadata.json)',
    '{{known}} has the default "1" at shell/a.sh:2:21 and "2" at python/b.py:1:8: declare one default for "known" in metadata.json instead',
  ]);
  assert.equal(report.warnings.length, 3);
  assert.match(report.warnings[0]!, /shell\/a\.sh:2:6: \{\{ bad-name \}\} looks like a placeholder but is not a valid parameter name/);
  assert.match(report.warnings[1]!, /parameter "by_env" is declared but no script uses it/);
  assert.match(report.warnings[2]!, /parameter "idle" is declared but no script uses it/);
  assert.deepEqual(placeholderContract([{ path: 'shell/x.sh', text: 'echo $ESCHER_PARAM_BY_ENV' }], [{ name: 'by_env', type: 'string' }]).warnings, [], 'reading the environment variable counts as using it');
  assert.deepEqual(placeholderContract([], [{ name: 'doc_only', type: 'string' }]).warnings, [], 'a playbook without scripts (a catalog entry) declares parameters as documentation');
  assert.deepEqual(placeholderContract([{ path: 'arm/t.json', text: '{}' }], [{ name: 'resource_group', type: 'string' }]).warnings, [], 'the run deploys ARM to the resource_group parameter');
  assert.deepEqual(placeholderContract([{ path: 'cloudformation/t.yaml', text: 'Resources: {}' }], [{ name: 'stack_name', type: 'string' }]).warnings, [], 'the run names the stack from stack_name');
  assert.equal(placeholderContract([{ path: 'shell/x.sh', text: 'echo' }], [{ name: 'resource_group', type: 'string' }]).warnings.length, 1, 'only for the format whose run reads it');
});

test('store: the contract applies when asked (CLI writes), and not to writers that mirror the server', async (t) => {
  const store = new PlaybookStore({ playbooksDir: `${await tempDir(t)}/playbooks`, secrets: new MemorySecrets() });
  const input = { name: 'X', description: 'x', scripts: [{ path: 'shell/a.sh', content: 'echo {{target}}\n' }] };
  await assert.rejects(store.createPlaybook({ ...input, enforceContract: true }), /uses \{\{target\}\}, which is not a declared parameter/);
  const mirrored = await store.createPlaybook(input);
  await assert.rejects(store.updatePlaybook(mirrored.metadata.playbook_id, { keywords: ['k'], enforceContract: true }), /uses \{\{target\}\}/);
  const warnings: string[] = [];
  const logged = new PlaybookStore({ playbooksDir: `${await tempDir(t)}/playbooks`, secrets: new MemorySecrets(), logger: { debug() {}, info() {}, error() {}, warn: (m) => warnings.push(m) } });
  await logged.createPlaybook({ ...input, parameters: [{ name: 'target', type: 'string' }, { name: 'spare', type: 'string' }], enforceContract: true });
  assert.deepEqual(warnings, ['parameter "spare" is declared but no script uses it ({{spare}}, $ESCHER_PARAM_SPARE, or a template/variable of that name)']);
});
