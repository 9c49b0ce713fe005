import type { ParameterSpec } from '../core/playbook-store/metadata';
import { ValidationError } from '../core/shared/errors';
import { paramDefault, parseParamHead, parseParamSpec } from '../core/playbook-store/parameter-spec-text';
import type { Output } from './output';
import { promptHidden, readAll } from './prompt';

/**
 * Sensitive parameters and where their defaults come from. A value on the command line is seen by
 * every user through `ps` and stays in the shell history, so it has three other ways in:
 *   --secret-param NAME[:TYPE][!]             on a terminal, asks for the default without echo (Enter: none)
 *   --secret-param-stdin NAME[:TYPE][!]       the default is stdin (one trailing newline removed)
 *   --secret-param-env NAME[:TYPE][!]=VAR     the default is the environment variable VAR
 *   --secret-param NAME[:TYPE][!]=DEFAULT     still accepted, with a warning
 * No error ever repeats a value (or anything that could be one).
 */
export interface SecretParamOptions {
  secretParam?: string[];
  secretParamStdin?: string;
  secretParamEnv?: string[];
}

export interface SecretParamIo {
  env: NodeJS.ProcessEnv;
  out: Output;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WritableStream;
}

export async function readSecretParams(o: SecretParamOptions, io: SecretParamIo): Promise<ParameterSpec[]> {
  const out: ParameterSpec[] = [];
  for (const spec of o.secretParam ?? []) {
    const p = parseParamSpec(spec, true);
    if (p.default !== undefined) {
      io.out.warn(`--secret-param ${p.name}=…: a value on the command line is visible to other users (ps) and kept in shell history; use --secret-param-stdin, --secret-param-env or the prompt`);
    } else if (io.stdin.isTTY) {
      const typed = await promptHidden(`Default for sensitive parameter ${p.name} (input hidden; Enter for none): `, io);
      if (typed !== '') p.default = paramDefault(p, typed);
    }
    out.push(p);
  }
  if (o.secretParamStdin !== undefined) {
    const p = parseParamHead(o.secretParamStdin, '--secret-param-stdin', true);
    if (io.stdin.isTTY) throw new ValidationError(`--secret-param-stdin ${p.name}: stdin is a terminal`, [], { hint: `pipe the value in (e.g. \`pass show db | escher-playbook … --secret-param-stdin ${p.name}\`), or use --secret-param ${p.name} to be asked for it` });
    const text = (await readAll(io.stdin)).replace(/\r?\n$/, '');
    if (text === '') throw new ValidationError(`--secret-param-stdin ${p.name}: stdin was empty`, [], { hint: 'pipe the value in, or declare the parameter without a default with --secret-param NAME' });
    p.default = paramDefault(p, text);
    out.push(p);
  }
  for (const spec of o.secretParamEnv ?? []) {
    const eq = spec.lastIndexOf('=');
    const variable = eq < 0 ? '' : spec.slice(eq + 1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new ValidationError('--secret-param-env must look like NAME[:TYPE][!]=VARIABLE', [], { hint: 'e.g. --secret-param-env db_password=DB_PASSWORD' });
    const p = parseParamHead(spec.slice(0, eq), '--secret-param-env', true);
    const value = io.env[variable];
    if (value === undefined || value === '') throw new ValidationError(`--secret-param-env ${p.name}: the environment variable ${variable} is ${value === undefined ? 'not set' : 'empty'}`, [], { hint: `export ${variable} first` });
    p.default = paramDefault(p, value);
    out.push(p);
  }
  const names = new Set<string>();
  for (const p of out) {
    if (names.has(p.name)) throw new ValidationError(`sensitive parameter ${p.name} is given twice`, [], { hint: 'give each parameter once' });
    names.add(p.name);
  }
  return out;
}
