import fc from 'fast-check';
import type { ParameterSpec } from '../../../src/core/playbook-store/metadata';
import type { RenderValues } from '../../../src/core/runner/render/render-types';

/**
 * Values an attacker (or an unlucky paste) would try: quoting and substitution syntax of every
 * format the runner fills — shell, Python, HCL, YAML/CloudFormation, ARM expressions — line
 * breaks, escapes, Unicode controls, placeholders themselves, mixed with random Unicode. A value
 * that succeeded would run `touch $CANARY` (or its Python / Terraform equivalent) or change what
 * the test reads back. NUL and lone surrogates are refused by the contract (tested apart).
 */
const FRAGMENTS = [
  "'", '"', '`', '\\', '\\\\', ';', '&&', '||', '|', '&', '>', '<', '*', '?', '~', '#', '!', '\n', '\r', '\r\n', '\t', ' ',
  '$(touch "$CANARY")', '`touch "$CANARY"`', '$CANARY', '${CANARY}', '$((1+1))', 'a[$(touch "$CANARY")]', "$'\\x41'",
  'EOF', '\nEOF\n', 'END\n', "'''", '"""', "__import__('os').system('touch ' + __import__('os').environ['CANARY'])", "'); __import__('os').system('touch x') #",
  '{{x}}', '{{ y | z }}', '}}', '{', '}', '%s', '%(x)s', '{0}',
  '${var.x}', '${file("/etc/passwd")}', '%{ if true }x%{ endif }', '$${', '<<EOT\n',
  '${AWS::Region}', '${!Literal}', '!Ref X', '- item', ': x', '&anchor', '*alias', '---', '... ', '? k',
  "[concat('a')]", "[parameters('x')]", "', 'x')]", '[[', ']',
  'é', 'ß', '🎉', '\u202e', '\u2028', '\u2029', '\u0085', '\u001b[31m', '\u00a0', '\ufeff',
];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const hostileValue: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 9, arbitrary: fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 10 }).map((a) => a.join('')) },
    { weight: 1, arbitrary: fc.constantFrom(...FRAGMENTS).map((f) => 'x'.repeat(20_000) + f) },
  )
  .filter((s) => !s.includes('\0') && !LONE_SURROGATE.test(s));

export function stringValues(values: Record<string, unknown>, types: Record<string, ParameterSpec['type']> = {}): RenderValues {
  const params = new Map<string, ParameterSpec>(Object.keys(values).map((name) => [name, { name, type: types[name] ?? 'string' }]));
  return { params, values: new Map(Object.entries(values)) as RenderValues['values'] };
}

/** Fewer runs under `--quick`-like CI pressure is not an option: the count is fixed so a failure is reproducible with the printed seed. */
export const RUNS = 60;
