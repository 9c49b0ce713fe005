import * as path from 'node:path';

/**
 * The `#!` line of a shell-folder script decides what runs it, exactly as the kernel would: the
 * interpreter path, then everything after it as ONE argument (Linux does not split it; `env -S`
 * does that itself), then the script. No shebang: bash.
 */
export type InterpreterFamily = 'shell' | 'python' | 'other';

export interface Interpreter {
  /** argv before the script's path. */
  argv: string[];
  /** The program that reads the script (after `env` and its options), e.g. "bash". */
  program: string;
  family: InterpreterFamily;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'yash']);

export function interpreterOf(text: string | undefined): Interpreter {
  const first = text?.startsWith('#!') ? text.slice(2, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n')).trim() : '';
  if (first === '') return { argv: ['bash'], program: 'bash', family: 'shell' };
  const m = /^(\S+)(?:\s+(.*))?$/.exec(first)!;
  const interp = m[1]!;
  const arg = m[2]?.trim();
  const argv = arg ? [interp, arg] : [interp];
  let program = path.posix.basename(interp);
  if (program === 'env' && arg) {
    // `env [-S] [-i] [NAME=value…] program …`: the first word that is neither an option nor an assignment.
    program = path.posix.basename(arg.split(/\s+/).find((w) => !w.startsWith('-') && !w.includes('=')) ?? 'env');
  }
  return { argv, program, family: familyOf(program) };
}

export function familyOf(program: string): InterpreterFamily {
  if (SHELLS.has(program)) return 'shell';
  if (/^python(\d+(\.\d+)?)?$/.test(program)) return 'python';
  return 'other';
}
