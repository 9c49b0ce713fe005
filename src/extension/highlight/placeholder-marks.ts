import type { ParameterSpec } from '../../core/playbook-store/metadata';
import { parseParameterText } from '../../core/playbook-store/parameter-values';
import { findPlaceholders } from '../../core/playbook-store/placeholders';
import { printable } from '../../core/shared/printable';

/** One placeholder in a script, as the editor marks it (0-based line, UTF-16 columns). */
export interface PlaceholderMark {
  line: number;
  start: number;
  end: number;
  /** declared: a run fills it in; invalid: a run refuses the playbook because of it. */
  kind: 'declared' | 'invalid';
  /** The hover: the declaration, or what is wrong and how to fix it. */
  message: string;
}

/**
 * What each `{{name}}` in a playbook script will be when it runs, from the version's own
 * declarations: a declared parameter (its type, whether required, its description), or invalid —
 * not declared, or an inline default its type refuses (the contract errors a run stops at).
 */
export function placeholderMarks(text: string, params: readonly ParameterSpec[]): PlaceholderMark[] {
  const byName = new Map(params.map((p) => [p.name, p]));
  return findPlaceholders(text).map((ph) => {
    const at = { line: ph.line - 1, start: ph.column - 1, end: ph.column - 1 + (ph.end - ph.start) };
    const p = byName.get(ph.name);
    if (!p) {
      return { ...at, kind: 'invalid', message: `{{${ph.name}}} is not a declared parameter: a run refuses this playbook until it is. Declare it (Escher: Edit Metadata…, or "parameters" in metadata.json).` };
    }
    if (ph.inlineDefault !== undefined) {
      try {
        parseParameterText(p, ph.inlineDefault);
      } catch (e) {
        return { ...at, kind: 'invalid', message: `The default here is not valid for ${ph.name}: ${(e as Error).message}` };
      }
    }
    const rules = [p.type, p.required ? 'required' : 'optional', p.sensitive ? 'sensitive: masked in the output' : ''].filter(Boolean).join(', ');
    return { ...at, kind: 'declared', message: printable(`Parameter ${p.name} (${rules})${p.description ? ` — ${p.description}` : ''}: filled in when the playbook runs.`) };
  });
}
