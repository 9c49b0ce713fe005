import type { ParameterSpec } from '../../core/playbook-store/metadata';
import { findPlaceholders } from '../../core/playbook-store/placeholders';

/** A script as the create and new-version flows hold it: a path and its bytes or text. */
export interface ScriptText {
  path: string;
  content: string | Uint8Array;
}

/**
 * Declarations for the placeholders the scripts use and `known` does not declare, in the order
 * they first appear: the type guessed from the placeholder's inline default (`{{port | 8080}}`
 * is an integer, `{{dry | true}}` a boolean), required when there is no inline default (a run
 * must then be given a value). Known declarations are kept as they are, first.
 */
export function declarationsFor(scripts: readonly ScriptText[], known: readonly ParameterSpec[]): ParameterSpec[] {
  const out = known.map((p) => ({ ...p }));
  const names = new Set(out.map((p) => p.name));
  for (const s of scripts) {
    // Bytes that are not UTF-8 decode with replacement characters, which never form a placeholder.
    const text = typeof s.content === 'string' ? s.content : Buffer.from(s.content).toString('utf8');
    for (const ph of findPlaceholders(text)) {
      if (names.has(ph.name)) continue;
      names.add(ph.name);
      out.push(ph.inlineDefault === undefined ? { name: ph.name, type: 'string', required: true } : { name: ph.name, type: typeOfText(ph.inlineDefault) });
    }
  }
  return out;
}

/** Names used as placeholders in the scripts that `declared` does not declare. */
export function undeclaredIn(scripts: readonly ScriptText[], declared: readonly ParameterSpec[]): string[] {
  return declarationsFor(scripts, declared)
    .slice(declared.length)
    .map((p) => p.name);
}

function typeOfText(t: string): ParameterSpec['type'] {
  if (/^[+-]?\d{1,15}$/.test(t)) return 'integer';
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(t)) return 'number';
  if (/^(true|false)$/.test(t)) return 'boolean';
  return 'string';
}
