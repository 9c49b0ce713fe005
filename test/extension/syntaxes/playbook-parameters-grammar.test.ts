import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

/**
 * The injection grammar in syntaxes/, tokenized by VS Code's own TextMate engine (vscode-textmate
 * + vscode-oniguruma) over VS Code's own shell and Python grammars — the ones code-server ships
 * under .e2e/. Skips when scripts/setup-e2e.sh has not installed them.
 */
const REPO = path.resolve(__dirname, '..', '..', '..');
const VSCODE = path.join(REPO, '.e2e', 'node_modules', 'code-server', 'lib', 'vscode');
const TEXTMATE = path.join(VSCODE, 'node_modules', 'vscode-textmate', 'release', 'main.js');
const ONIG = path.join(VSCODE, 'node_modules', 'vscode-oniguruma', 'release');
const GRAMMARS: Record<string, string> = {
  'source.shell': path.join(VSCODE, 'extensions', 'shellscript', 'syntaxes', 'shell-unix-bash.tmLanguage.json'),
  'source.python': path.join(VSCODE, 'extensions', 'python', 'syntaxes', 'MagicPython.tmLanguage.json'),
  'escher.playbook-parameters.injection': path.join(REPO, 'syntaxes', 'playbook-parameters.injection.tmLanguage.json'),
};
const missing = existsSync(TEXTMATE) ? undefined : 'VS Code\'s TextMate engine is not installed in .e2e/ (run: bash scripts/setup-e2e.sh)';

/** The slice of vscode-textmate / vscode-oniguruma used here (they are not project dependencies). */
interface TextMate {
  Registry: new (options: {
    onigLib: Promise<unknown>;
    loadGrammar(scope: string): Promise<unknown>;
    getInjections(scope: string): string[] | undefined;
  }) => { loadGrammar(scope: string): Promise<{ tokenizeLine(line: string, state: unknown): { tokens: Array<{ startIndex: number; endIndex: number; scopes: string[] }> } } | null> };
  parseRawGrammar(content: string, file: string): unknown;
  INITIAL: unknown;
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (s: string) => unknown;
}

interface Token {
  text: string;
  scopes: string[];
}

async function tokenizer(): Promise<(scope: string, line: string) => Promise<Token[]>> {
  /* eslint-disable @typescript-eslint/no-require-imports -- modules from code-server's tree, not from package.json */
  const tm = require(TEXTMATE) as TextMate;
  const onig = require(path.join(ONIG, 'main.js')) as Oniguruma;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const wasm = await fs.readFile(path.join(ONIG, 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new onig.OnigScanner(p), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) => {
      const file = GRAMMARS[scope];
      return file ? tm.parseRawGrammar(await fs.readFile(file, 'utf8'), file) : null;
    },
    // As package.json's `injectTo` says.
    getInjections: (scope: string) => (scope === 'source.shell' || scope === 'source.python' ? ['escher.playbook-parameters.injection'] : undefined),
  });
  return async (scope, line) => {
    const grammar = await registry.loadGrammar(scope);
    if (!grammar) throw new Error(`no grammar ${scope}`);
    const r = grammar.tokenizeLine(line, tm.INITIAL);
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  };
}

const scopeOf = (tokens: Token[], text: string) => tokens.find((t) => t.text === text)?.scopes ?? [];

test('placeholders are highlighted inside shell strings, with their default; bad names are marked invalid', { skip: missing }, async () => {
  const tokenize = await tokenizer();
  const line = await tokenize('source.shell', 'aws rds stop-db-instance --db-instance-identifier "{{db_instance}}" --region {{ region | eu-west-1 }} {{ not valid }}');
  assert.ok(scopeOf(line, 'db_instance').includes('variable.parameter.escher'), JSON.stringify(line));
  assert.ok(scopeOf(line, 'db_instance').some((s) => s.startsWith('string.quoted.double')), 'still inside the shell string');
  assert.ok(scopeOf(line, 'region').includes('variable.parameter.escher'));
  assert.ok(scopeOf(line, 'eu-west-1 ').includes('string.unquoted.default-value.escher') || scopeOf(line, 'eu-west-1').includes('string.unquoted.default-value.escher'));
  assert.ok(line.some((t) => t.scopes.includes('invalid.illegal.parameter-name.escher')), 'a name with spaces is flagged');
  // Shell's own ${VAR} is left to the shell grammar.
  const env = await tokenize('source.shell', 'echo "${HOME}"');
  assert.ok(!env.some((t) => t.scopes.some((s) => s.includes('escher'))));
});

test('Python strings get placeholders too', { skip: missing }, async () => {
  const tokenize = await tokenizer();
  const py = await tokenize('source.python', 'client.stop_db_instance(DBInstanceIdentifier="{{db_instance}}")');
  assert.ok(scopeOf(py, 'db_instance').includes('variable.parameter.escher'), JSON.stringify(py));
});
