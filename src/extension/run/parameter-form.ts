import type { ParameterSpec } from '../../core/playbook-store/metadata';
import { parameterText, parseParameterText } from '../../core/playbook-store/parameter-values';
import type { ResolvedValue, ValueSource } from '../../core/runner/types';
import { printable } from '../../core/shared/printable';
import type { UiHost } from '../ui/ui-host';
import { pickText } from '../util/notice-text';

/** The values a form gives the run engine: text per parameter, parsed by the engine as typed values. */
export type FormAnswers = Array<{ name: string; text: string }>;

const SOURCE_WORDS: Record<ValueSource, string> = {
  flag: 'given',
  env: 'from the environment',
  stdin: 'from stdin',
  prompt: 'typed',
  file: 'from a params file',
  rerun: 'from the run being repeated',
  last: 'last used',
  default: 'default',
  'inline-default': "placeholder's default",
  none: 'no value',
};

/**
 * The parameter form before a run: one quick-input step per declared parameter, prefilled with
 * the value the run would use now (the re-run's, the last one used here, the default), checked as
 * the user types by the same parser the engine uses (parameter-values.ts). Allowed values and
 * booleans are pick lists; a sensitive parameter is a password box and never prefilled.
 *
 * Only what the user changed becomes an answer (recorded as typed): a value kept as shown keeps
 * its source, so accepting a default does not turn it into a "last value". An empty box also keeps
 * what the run would use otherwise (say so in the box). Undefined when the user pressed Escape.
 */
export async function askParameters(ui: UiHost, params: readonly ParameterSpec[], values: readonly ResolvedValue[], title: string): Promise<FormAnswers | undefined> {
  const answers: FormAnswers = [];
  for (const [i, p] of params.entries()) {
    const current = values.find((v) => v.spec.name === p.name);
    const answer = await askOne(ui, p, current, { title, step: [i + 1, params.length] });
    if (answer === undefined) return undefined;
    if (answer !== KEEP) answers.push({ name: p.name, text: answer });
  }
  return answers;
}

const KEEP = Symbol('keep');
type Answer = string | typeof KEEP | undefined;

async function askOne(ui: UiHost, p: ParameterSpec, current: ResolvedValue | undefined, step: { title: string; step: [number, number] }): Promise<Answer> {
  const has = current?.value !== undefined && current.value !== null;
  const shown = has && !p.sensitive ? parameterText(p, current.value!) : undefined;
  const source = current && has ? SOURCE_WORDS[current.source] : undefined;
  const prompt = promptOf(p);
  if (p.type === 'boolean' || (p.allowed_values?.length && p.type !== 'list')) {
    const choices = p.type === 'boolean' ? ['true', 'false'] : p.allowed_values!.map(String);
    const items = choices.map((c) => ({ label: pickText(c), description: c === shown ? source : undefined, value: c as string | typeof KEEP, picked: c === shown }));
    if (!p.required && !has) items.push({ label: '(no value)', description: undefined, value: KEEP, picked: false });
    const chosen = await ui.pick(items, { ...step, placeholder: prompt });
    if (chosen === undefined) return undefined;
    return chosen === shown ? KEEP : chosen;
  }
  if (p.type === 'list' && p.allowed_values?.length) {
    const now = Array.isArray(current?.value) ? (current.value as string[]) : [];
    const chosen = await ui.pickMany(
      p.allowed_values.map((a) => ({ label: String(a), value: String(a), picked: now.includes(String(a)) })),
      { ...step, placeholder: prompt },
    );
    if (chosen === undefined) return undefined;
    const text = JSON.stringify(chosen);
    return shown !== undefined && text === JSON.stringify(now) ? KEEP : text;
  }
  const text = await ui.input({
    ...step,
    prompt,
    value: shown ?? '',
    password: p.sensitive === true,
    placeholder: has ? `Empty: the ${source} value${p.sensitive ? ' (hidden)' : ''}` : p.required ? 'Required' : 'Empty: no value',
    validate: (v) => validateText(p, v, has),
  });
  if (text === undefined) return undefined;
  return text === '' || text === shown ? KEEP : text;
}

/** What the input box says under a typed value: the engine's own error for it, or nothing. */
export function validateText(p: ParameterSpec, text: string, hasValue: boolean): string | undefined {
  if (text === '') return p.required && !hasValue ? `${p.name} is required: type a value` : undefined;
  try {
    parseParameterText(p, text);
    return undefined;
  } catch (e) {
    const hint = (e as { hint?: string }).hint;
    return `${(e as Error).message}${hint ? ` (${hint})` : ''}`;
  }
}

/** "db_instance (string, required, matches ^db-) — The database to stop". */
export function promptOf(p: ParameterSpec): string {
  const rules = [p.type, p.required ? 'required' : '', p.sensitive ? 'hidden' : '', p.pattern ? `matches ${p.pattern}` : '', p.min !== undefined ? `min ${p.min}` : '', p.max !== undefined ? `max ${p.max}` : ''].filter(Boolean);
  return printable(`${p.name} (${rules.join(', ')})${p.description ? ` — ${p.description}` : ''}`);
}
