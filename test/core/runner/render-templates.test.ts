import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderArm } from '../../../src/core/runner/render/arm';
import { ARM_PARAMETERS_FILE, CFN_PARAMETERS_FILE } from '../../../src/core/runner/render/generated-files';
import { parseTemplate } from '../../../src/core/runner/render/cfn-yaml';
import { renderCloudFormation } from '../../../src/core/runner/render/cloudformation';
import { mapStrings } from '../../../src/core/runner/render/tree-substitution';
import { hostileValue, RUNS, stringValues } from './hostile-values';

const CFN = `AWSTemplateFormatVersion: "2010-09-09"
Description: Plain {{x}} description
Parameters:
  Env:
    Type: String
    Default: "{{x}}"
  Size:
    Type: Number
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "\${AWS::StackName}-{{x}}"
      Count: "{{n}}"
      Tags:
        - Key: single
          Value: 'a{{x}}b'
        - Key: plain
          Value: plain {{x}} text
        - Key: sub-long
          Value:
            Fn::Sub: "x-{{x}}-\${Env}"
        - Key: sub-list
          Value: !Sub ["\${A}-{{x}}", { A: !Ref Env }]
        - Key: block
          Value: |
            line {{x}}
        - Key: whole
          Value: "{{x}}"
        - Key: join
          Value: !Join [ "-", [ "{{x}}", !GetAtt Other.Arn ] ]
`;

/** What the template must mean after rendering: the original's data with each placeholder replaced as data. */
function expectedCfn(v: string, n: number): unknown {
  return mapStrings(parseTemplate(CFN).data, (s, path) => {
    if (!s.includes('{{')) return undefined;
    if (s === '{{n}}') return n;
    const inSub = path[path.length - 1] === 'Fn::Sub' || (path[path.length - 1] === 0 && path[path.length - 2] === 'Fn::Sub');
    return s.split('{{x}}').join(inSub ? v.replace(/\$\{/g, '${!') : v);
  });
}

test('cloudformation (YAML, short-form tags): a hostile value changes only the strings it fills, never the structure', async () => {
  await fc.assert(
    fc.asyncProperty(hostileValue, fc.integer(), async (v, n) => {
      const r = renderCloudFormation([{ path: 'cloudformation/t.yaml', bytes: Buffer.from(CFN), text: CFN }], stringValues({ x: v, n, Size: 3 }, { n: 'integer', Size: 'integer' }), 'cloudformation/t.yaml');
      assert.deepEqual(r.findings, []);
      const rendered = r.files[0]!.bytes.toString('utf8');
      const back = parseTemplate(rendered);
      assert.equal(back.error, undefined, rendered);
      assert.deepEqual(back.data, expectedCfn(v, n));
      assert.match(rendered, /BucketName: !Sub /, 'short forms are kept as written');
      const params = JSON.parse(r.files.find((f) => f.path === CFN_PARAMETERS_FILE)!.bytes.toString('utf8')) as unknown;
      assert.deepEqual(params, [{ ParameterKey: 'Size', ParameterValue: '3' }], 'template parameters get their values from the parameters file, matched by name');
    }),
    { numRuns: RUNS },
  );
});

test('cloudformation (JSON): the same, through JSON.stringify', async () => {
  const json = JSON.stringify({ Resources: { B: { Type: 'AWS::S3::Bucket', Properties: { Name: 'n-{{x}}', Sub: { 'Fn::Sub': ['${A}{{x}}', { A: 'x' }] } } } } });
  await fc.assert(
    fc.asyncProperty(hostileValue, async (v) => {
      const r = renderCloudFormation([{ path: 'cloudformation/t.json', bytes: Buffer.from(json), text: json }], stringValues({ x: v }), 'cloudformation/t.json');
      const back = JSON.parse(r.files[0]!.bytes.toString('utf8')) as { Resources: { B: { Properties: { Name: string; Sub: { 'Fn::Sub': [string, unknown] } } } } };
      assert.equal(back.Resources.B.Properties.Name, `n-${v}`);
      assert.equal(back.Resources.B.Properties.Sub['Fn::Sub'][0], `\${A}${v.replace(/\$\{/g, '${!')}`);
    }),
    { numRuns: RUNS },
  );
});

const ARM = JSON.stringify({
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: { name: { type: 'string' }, count: { type: 'int', defaultValue: 1 } },
  variables: { plain: 'pre-{{x}}', bare: '{{x}}', escaped: '[[{{x}}]', expr: "[concat('a-{{x}}', parameters('name'))]", whole: '{{n}}' },
  resources: [],
});

/** ARM's reading of a template string: an expression's string literals (in order) and the code around them, or the literal text. */
function armMeaning(s: string): { literal: string } | { code: string[]; strings: string[] } {
  if (!(s.startsWith('[') && !s.startsWith('[[') && s.endsWith(']'))) return { literal: s.startsWith('[[') && s.endsWith(']') ? s.slice(1) : s };
  const code: string[] = [];
  const strings: string[] = [];
  let i = 1;
  let buf = '';
  while (i < s.length - 1) {
    if (s[i] === "'") {
      code.push(buf);
      buf = '';
      let lit = '';
      i++;
      while (i < s.length - 1 && !(s[i] === "'" && s[i + 1] !== "'")) {
        lit += s[i] === "'" ? "'" : s[i];
        i += s[i] === "'" ? 2 : 1;
      }
      strings.push(lit);
      i++;
    } else buf += s[i++];
  }
  code.push(buf);
  return { code, strings };
}

test('arm: a value stays literal text — expressions keep their code, only their string literal changes; a plain string never becomes an expression', async () => {
  await fc.assert(
    fc.asyncProperty(hostileValue, fc.integer(), async (v, n) => {
      const r = renderArm([{ path: 'arm/t.json', bytes: Buffer.from(ARM), text: ARM }], stringValues({ x: v, n, name: v }, { n: 'integer' }), 'arm/t.json');
      assert.deepEqual(r.findings, []);
      const vars = (JSON.parse(r.files[0]!.bytes.toString('utf8')) as { variables: Record<string, unknown> }).variables;
      assert.deepEqual(armMeaning(vars.plain as string), { literal: `pre-${v}` });
      assert.deepEqual(armMeaning(vars.bare as string), { literal: v });
      assert.deepEqual(armMeaning(vars.escaped as string), { literal: `[${v}]` });
      assert.deepEqual(armMeaning(vars.expr as string), { code: ['concat(', ', parameters(', '))'], strings: [`a-${v}`, 'name'] });
      assert.equal(vars.whole, n);
      const params = JSON.parse(r.files.find((f) => f.path === ARM_PARAMETERS_FILE)!.bytes.toString('utf8')) as { parameters: unknown };
      assert.deepEqual(params.parameters, { name: { value: v } });
    }),
    { numRuns: RUNS },
  );
});

test('arm: a placeholder in expression code is refused (use parameters()); keys are never filled', () => {
  const t = JSON.stringify({ variables: { e: "[concat({{x}}, 'a')]", '{{x}}': 1 }, resources: [] });
  const r = renderArm([{ path: 'arm/t.json', bytes: Buffer.from(t), text: t }], stringValues({ x: "'), evil('" }), undefined);
  assert.deepEqual(
    r.findings.map((f) => f.message),
    ["{{x}} stands in an ARM expression outside a '…' string literal: pass it as a template parameter, parameters('name'), instead", 'a placeholder in the key "{{x}}" is not filled: keys are structure, not values'].sort().reverse(),
  );
});
