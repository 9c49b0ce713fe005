import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeholderMarks } from '../../../src/extension/highlight/placeholder-marks';

test('declared placeholders are marked with their declaration; undeclared ones and refused inline defaults as invalid', () => {
  const text = 'echo "{{target}}"\n  port={{ port | 80x }} region={{region | eu-west-1}} {{ghost}}\n';
  const marks = placeholderMarks(text, [
    { name: 'target', type: 'string', required: true, description: 'The host' },
    { name: 'port', type: 'integer' },
    { name: 'region', type: 'string', sensitive: true },
  ]);
  assert.deepEqual(
    marks.map((m) => [m.line, m.start, m.end, m.kind, text.split('\n')[m.line]!.slice(m.start, m.end)]),
    [
      [0, 6, 16, 'declared', '{{target}}'],
      [1, 7, 23, 'invalid', '{{ port | 80x }}'],
      [1, 31, 53, 'declared', '{{region | eu-west-1}}'],
      [1, 54, 63, 'invalid', '{{ghost}}'],
    ],
  );
  assert.equal(marks[0]!.message, 'Parameter target (string, required) — The host: filled in when the playbook runs.');
  assert.match(marks[1]!.message, /^The default here is not valid for port: Parameter "port" must be an integer, got "80x"/);
  assert.match(marks[2]!.message, /\(string, optional, sensitive: masked in the output\)/);
  assert.match(marks[3]!.message, /^\{\{ghost\}\} is not a declared parameter: a run refuses this playbook until it is\./);
});

test('columns are UTF-16 positions on their own line, as the editor counts them', () => {
  const [m] = placeholderMarks('é😀 {{x}}', [{ name: 'x', type: 'string' }]);
  assert.deepEqual([m?.line, m?.start, m?.end], [0, 4, 9]);
});
