import { envName } from '../../playbook-store/parameter-values';
import type { Finding } from '../types';
import { fillPlaceholders, type RenderValues } from './render-types';
import { type ShellContext, shellContexts } from './shell-contexts';

/**
 * Shell scripts never receive a value as text: each `{{name}}` becomes a reference to
 * $ESCHER_PARAM_<NAME>, quoted for where it stands, and the value travels in the environment.
 * The shell expands a variable once and never reads the result as code, so no value — quotes,
 * `$(…)`, backticks, `;`, newlines — can change the command. Only the reference's quoting depends
 * on the scanner, and a wrong guess there can at worst split a value into words, never run it.
 *
 *   code                 "${ESCHER_PARAM_X}"
 *   inside "…"           ${ESCHER_PARAM_X}
 *   inside '…'           '"${ESCHER_PARAM_X}"'      (close, expand quoted, reopen)
 *   inside $'…'          '"${ESCHER_PARAM_X}"$'
 *   here-document        ${ESCHER_PARAM_X}          (<<EOF expands; the result is not re-read)
 *   comment              ${ESCHER_PARAM_X}          (inert)
 *   arithmetic $((…))    ESCHER_PARAM_X for integer/number parameters only: bash evaluates
 *                        arithmetic text as code (`a[$(cmd)]`), so text parameters are refused
 *   <<'EOF' (quoted)     refused: nothing expands there; use an unquoted here-document
 */
export function renderShell(file: string, text: string, v: RenderValues): { text: string; findings: Finding[] } {
  return fillPlaceholders(file, text, shellContexts, (ph, ctx) => {
    const problem = refusal(ctx, v.params.get(ph.name)?.type);
    return problem ? { refuse: problem } : referenceFor(ctx, envName(ph.name));
  });
}

function referenceFor(ctx: ShellContext, ref: string): string {
  switch (ctx) {
    case 'arith':
      // Arithmetic reads a variable by name; only integer/number parameters reach here (validated digits).
      return ref;
    case 'code':
      return `"\${${ref}}"`;
    case 'single':
      return `'"\${${ref}}"'`;
    case 'ansi':
      return `'"\${${ref}}"$'`;
    default:
      return `\${${ref}}`;
  }
}

function refusal(ctx: ShellContext, type: string | undefined): string | undefined {
  if (ctx === 'heredoc-quoted') return "is inside a quoted here-document (<<'EOF'), where nothing expands: make it unquoted (<<EOF) or read $ESCHER_PARAM_… yourself";
  if (ctx === 'arith' && type !== 'integer' && type !== 'number') return 'is used in arithmetic, where bash evaluates text as code: declare the parameter integer or number';
  if (ctx === 'tangled') return 'is glued to shell syntax (like ${{{x}}}): put a space or quotes around it';
  return undefined;
}
