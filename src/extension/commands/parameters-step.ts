import type { ParameterSpec } from '../../core/playbook-store/metadata';
import { paramSpecText, parseParamSpec } from '../../core/playbook-store/parameter-spec-text';
import { printable } from '../../core/shared/printable';
import type { StepOptions, UiHost } from '../ui/ui-host';

type Choice = { kind: 'done' } | { kind: 'add' } | { kind: 'edit'; name: string };
type Edit = 'spec' | 'description' | 'sensitive' | 'remove';

/**
 * The parameters a playbook declares, as one step of Create Playbook, New Version and Edit
 * Metadata: a list prefilled from the placeholders the scripts use (parameter-inference.ts) that
 * the user continues with as it is, or edits — a row opens its declaration as one line
 * `NAME[:TYPE][!][=DEFAULT]` (the CLI's `--param` syntax, read by the same parser, checked as
 * typed), its description, whether it is sensitive, or removes it. Returns the declarations, or
 * undefined when the user pressed Escape.
 */
export async function parametersStep(ui: UiHost, initial: readonly ParameterSpec[], options: StepOptions): Promise<ParameterSpec[] | undefined> {
  const params = initial.map((p) => ({ ...p }));
  for (;;) {
    const names = params.map((p) => p.name).join(', ');
    const choice = await ui.pick<Choice>(
      [
        { label: `$(check) Continue with ${params.length === 0 ? 'no parameters' : `${params.length} parameter${params.length === 1 ? '' : 's'}`}`, description: names, value: { kind: 'done' } },
        ...params.map((p) => ({ label: `{{${p.name}}}`, description: summary(p), detail: p.description ? printable(p.description) : undefined, value: { kind: 'edit' as const, name: p.name } })),
        { label: '$(add) Add a parameter…', value: { kind: 'add' } },
      ],
      { ...options, placeholder: 'Parameters the scripts fill in ({{name}}): Enter to continue, or choose one to change it' },
    );
    if (choice === undefined) return undefined;
    if (choice.kind === 'done') return params;
    if (choice.kind === 'add') {
      const added = await askSpec(ui, undefined, params, options);
      if (added) params.push(added);
      continue;
    }
    const i = params.findIndex((p) => p.name === choice.name);
    const changed = await editOne(ui, params[i]!, params, options);
    if (changed === null) params.splice(i, 1);
    else if (changed) params[i] = changed;
  }
}

/** "integer, required, default 8080, hidden". */
export function summary(p: ParameterSpec): string {
  const dflt = p.default === undefined ? '' : p.sensitive ? 'default hidden' : `default ${printable(JSON.stringify(p.default))}`;
  return [p.type, p.required ? 'required' : 'optional', dflt, p.sensitive ? 'sensitive' : ''].filter(Boolean).join(', ');
}

/** The edited declaration; null: removed; undefined: unchanged. */
async function editOne(ui: UiHost, p: ParameterSpec, all: readonly ParameterSpec[], options: StepOptions): Promise<ParameterSpec | null | undefined> {
  const what = await ui.pick<Edit>(
    [
      { label: 'Name, type, required, default…', description: paramSpecText(p), value: 'spec' },
      { label: 'Description…', description: p.description ? printable(p.description) : '(none)', value: 'description' },
      { label: p.sensitive ? 'Not sensitive' : 'Sensitive', description: p.sensitive ? 'shown and remembered like any value' : 'asked hidden, default encrypted at rest, never remembered', value: 'sensitive' },
      { label: 'Remove', value: 'remove' },
    ],
    { ...options, title: `${options.title}: {{${p.name}}}` },
  );
  if (what === 'remove') return null;
  if (what === 'sensitive') return p.sensitive ? withoutSensitive(p) : { ...p, sensitive: true };
  if (what === 'description') {
    const d = await ui.input({ ...options, prompt: `Description of ${p.name} (shown when a run asks for it)`, value: p.description ?? '', validate: (v) => (v.length > 1000 ? 'At most 1,000 characters' : undefined) });
    if (d === undefined) return undefined;
    const { description: _old, ...rest } = p;
    return d.trim() ? { ...rest, description: d.trim() } : rest;
  }
  if (what === 'spec') return askSpec(ui, p, all, options);
  return undefined;
}

function withoutSensitive(p: ParameterSpec): ParameterSpec {
  // A stored default was encrypted; once the parameter is plain it would be stored in clear: dropped.
  const { sensitive: _s, default: _d, ...rest } = p;
  return rest;
}

/** One declaration typed as NAME[:TYPE][!][=DEFAULT]; the other fields of `current` are kept. */
async function askSpec(ui: UiHost, current: ParameterSpec | undefined, all: readonly ParameterSpec[], options: StepOptions): Promise<ParameterSpec | undefined> {
  const sensitive = current?.sensitive === true;
  const others = new Set(all.filter((p) => p !== current).map((p) => p.name));
  const parse = (v: string): ParameterSpec => {
    const p = parseParamSpec(v.trim(), sensitive, 'Parameter');
    if (others.has(p.name)) throw new Error(`"${p.name}" is already declared`);
    return p;
  };
  const text = await ui.input({
    ...options,
    prompt: `NAME[:TYPE][!][=DEFAULT] — types: string, integer, number, boolean, list, json; ! = required${sensitive ? '; a default typed here is stored encrypted' : ''}`,
    value: current ? paramSpecText(current) : '',
    placeholder: 'e.g. db_instance!   or   port:integer=5432',
    password: false,
    validate: (v) => {
      try {
        parse(v);
        return undefined;
      } catch (e) {
        const hint = (e as { hint?: string }).hint;
        return `${(e as Error).message}${hint ? ` (${hint})` : ''}`;
      }
    },
  });
  if (text === undefined) return undefined;
  const typed = parse(text);
  if (!current) return typed;
  // Fields the line does not say (description, allowed values, pattern, bounds) stay; a sensitive
  // default not retyped stays as stored (it is never shown).
  const { required: _r, default: _d, ...kept } = current;
  const keepSecretDefault = sensitive && typed.default === undefined && current.default !== undefined && typed.type === current.type;
  return { ...kept, ...typed, ...(keepSecretDefault ? { default: current.default } : {}) };
}
