// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NO_DEFAULT_EXPORT = { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.e2e/**', 'test-artifacts/**', '*.mjs', 'scripts/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', NO_DEFAULT_EXPORT],
    },
  },
  // The layering (README "What is in it"), checked: the core knows no host; the CLI, the extension
  // and the reference server each build on the core and never on one another.
  boundary(['src/core/**/*.ts'], { vscode: true, forbid: ['cli', 'extension', 'dev-server'], why: 'src/core is used by every host: pass a host interface in instead' }),
  boundary(['src/cli/**/*.ts'], { vscode: true, forbid: ['extension', 'dev-server'], why: 'the CLI builds on src/core only: move shared code to src/core' }),
  boundary(['src/extension/**/*.ts'], { vscode: false, forbid: ['cli', 'dev-server'], why: 'the extension builds on src/core only: move shared code (home files, rendering) to src/core' }),
  boundary(['src/dev-server/**/*.ts'], { vscode: true, forbid: ['cli', 'extension'], why: 'the reference server builds on src/core only' }),
);

/**
 * Import rules for one part of src/: which sibling folders (src/<name>) it must not import — by a
 * static import, an `export … from`, a dynamic import() or a `typeof import()` type — and whether
 * `vscode` is off limits. Paths are matched as written (every import in src/ is relative), so a
 * folder is recognised by its name as a path segment.
 */
function boundary(files, { vscode, forbid, why }) {
  // esquery regexes cannot contain "/": \x2F stands for it.
  const segment = `(^|\\x2F)(${forbid.join('|')})(\\x2F|$)`;
  const message = `${files[0].split('/**')[0]} must not import src/${forbid.join(', src/')}: ${why}.`;
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: vscode ? [{ name: 'vscode', message: 'vscode-free here: put editor code in src/extension and pass a host interface in.' }] : [],
          patterns: [{ regex: `(^|/)(${forbid.join('|')})(/|$)`, message }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        NO_DEFAULT_EXPORT,
        { selector: `ImportExpression[source.value=/${segment}/]`, message },
        { selector: `TSImportType[argument.literal.value=/${segment}/]`, message },
      ],
    },
  };
}
