import type { ParameterSpec } from '../../playbook-store/metadata';
import { type ParameterValue, parameterText } from '../../playbook-store/parameter-values';
import type { Finding } from '../types';
import { type PyContext, pythonContexts } from './python-contexts';
import { fillPlaceholders, type RenderValues } from './render-types';

/**
 * Python scripts get each value as a literal written for where its placeholder stands:
 *
 *   code                    a Python literal of the typed value: 'text', 42, 0.5, True, ['a'], {…}, None
 *   inside a str/f-string   the text escaped for the literal (f-strings also double { and })
 *   inside a bytes literal  the UTF-8 bytes, escaped
 *   inside a raw string     the literal is closed, an escaped literal follows (Python joins
 *                           adjacent literals), and the raw literal is reopened
 *   comment                 the text escaped, on one line
 *
 * Every escape writes quotes as \' and \", a backslash as \\, and anything outside printable
 * ASCII as \x/\u/\U, so an escaped value can end no string of either quote, single or triple, and
 * starts no new line — the property that keeps a value a value even if a context were misread.
 */
export function renderPython(file: string, text: string, v: RenderValues): { text: string; findings: Finding[] } {
  return fillPlaceholders(file, text, pythonContexts, (ph, ctx) => {
    const p = v.params.get(ph.name);
    if (!p) return undefined;
    if (ctx.kind === 'string' && ctx.raw && ctx.afterBackslash) return { refuse: 'follows a backslash in a raw string, where the literal cannot be closed: move the backslash or use a normal string' };
    return substitute(ctx, p, v.values.get(ph.name));
  });
}

function substitute(ctx: PyContext, p: ParameterSpec, value: ParameterValue | undefined): string {
  const t = value === undefined ? '' : parameterText(p, value);
  switch (ctx.kind) {
    case 'code':
      return pyLiteral(p, value);
    case 'comment':
      return escapeText(t);
    case 'string':
      if (ctx.raw) return `${ctx.quote} ${ctx.bytes ? `b'${escapeBytes(t)}'` : `'${escapeText(t)}'`} ${ctx.prefix}${ctx.quote}`;
      if (ctx.bytes) return escapeBytes(t);
      return ctx.fstring ? escapeText(t).replace(/[{}]/g, '$&$&') : escapeText(t);
  }
}

/** A Python literal of the typed value (a text parameter's value is a str literal). */
export function pyLiteral(p: ParameterSpec, value: ParameterValue | undefined): string {
  if (value === undefined) return 'None';
  if (p.type === 'number' && typeof value === 'number') {
    const s = String(value);
    const float = /^-?\d+$/.test(s) ? `${s}.0` : s;
    return value < 0 ? `(${float})` : float;
  }
  return jsonLiteral(value);
}

function jsonLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return v < 0 ? `(${String(v)})` : String(v);
  if (typeof v === 'string') return `'${escapeText(v)}'`;
  if (Array.isArray(v)) return `[${v.map(jsonLiteral).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `'${escapeText(k)}': ${jsonLiteral(x)}`)
    .join(', ')}}`;
}

const SIMPLE: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Body of a str literal: printable ASCII as is, the rest escaped (see the file comment). */
export function escapeText(s: string): string {
  let out = '';
  for (const ch of s) {
    const simple = SIMPLE[ch];
    if (simple) {
      out += simple;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp < 0x100) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out;
}

/** Body of a bytes literal: the UTF-8 bytes, printable ASCII as is, the rest as \xNN. */
export function escapeBytes(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(b);
    out += SIMPLE[ch] ?? (b >= 0x20 && b < 0x7f ? ch : `\\x${hex(b, 2)}`);
  }
  return out;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
