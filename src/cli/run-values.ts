import { promises as fs } from 'node:fs';
import type { SuppliedValues } from '../core/runner/types';
import { ValidationError } from '../core/shared/errors';
import { readAll } from './prompt';

/**
 * Values for `run` from the command line: `--param NAME=VALUE`, `--param-env NAME=ENVVAR` (the
 * value never appears in argv, so `ps` cannot show it), `--param-stdin NAME` (one value read
 * from stdin), `--params-file FILE` (a JSON or YAML mapping).
 */
export interface ValueOptions {
  param?: string[];
  paramEnv?: string[];
  paramStdin?: string;
  paramsFile?: string;
}

export async function suppliedValues(o: ValueOptions, env: NodeJS.ProcessEnv): Promise<SuppliedValues> {
  const text: NonNullable<SuppliedValues['text']> = [];
  for (const spec of o.param ?? []) {
    const [name, value] = split(spec, '--param', 'NAME=VALUE');
    text.push({ name, text: value, source: 'flag' });
  }
  for (const spec of o.paramEnv ?? []) {
    const [name, variable] = split(spec, '--param-env', 'NAME=ENVVAR');
    const value = env[variable];
    if (value === undefined) throw new ValidationError(`--param-env ${name}=${variable}: the environment variable ${variable} is not set`, [], { hint: `export ${variable}=… first` });
    text.push({ name, text: value, source: 'env' });
  }
  if (o.paramStdin !== undefined) text.push({ name: o.paramStdin, text: (await readAll(process.stdin)).replace(/\r?\n$/, ''), source: 'stdin' });
  const file = o.paramsFile === undefined ? undefined : await readParamsFile(o.paramsFile);
  return { text, ...(file ? { file } : {}) };
}

function split(spec: string, flag: string, shape: string): [string, string] {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new ValidationError(`${flag} "${spec.slice(0, 60)}" must look like ${shape}`);
  return [spec.slice(0, eq), spec.slice(eq + 1)];
}

async function readParamsFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ValidationError(`Cannot read the params file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let doc: unknown;
  if (/^\s*[{[]/.test(text)) {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new ValidationError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  } else {
    // Loaded only for YAML input. Under the ESM CLI build a CommonJS package arrives as `default`.
    const mod: typeof import('yaml') & { default?: typeof import('yaml') } = await import('yaml');
    try {
      doc = (mod.default ?? mod).parse(text, { maxAliasCount: 100 });
    } catch (e) {
      throw new ValidationError(`${file} is neither valid JSON nor valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ValidationError(`${file} must hold a mapping of parameter names to values`, [], { hint: 'e.g. {"region": "eu-west-1", "count": 3}' });
  return doc as Record<string, unknown>;
}
