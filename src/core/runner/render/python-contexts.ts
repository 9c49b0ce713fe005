/**
 * Where each placeholder sits in Python source: code, a comment, or a string literal (with its
 * prefix — r, b, f, u and their pairs — and its quote), following the tokenizer of Python ≤ 3.11:
 * a string ends at the first unescaped closing quote, also inside an f-string's braces (3.12's
 * nested same-quote f-strings are read as ending early — a wrong guess the renderer's escaping
 * still keeps safe: see python.ts).
 */
export type PyContext =
  | { kind: 'code' }
  | { kind: 'comment' }
  | { kind: 'string'; prefix: string; quote: string; raw: boolean; bytes: boolean; fstring: boolean; afterBackslash: boolean };

const PREFIX = /^(?:[rRuUfFbB]|[fF][rR]|[rR][fF]|[bB][rR]|[rR][bB])$/;

export function pythonContexts(text: string, spans: ReadonlyArray<{ start: number; end: number }>): PyContext[] {
  const out: PyContext[] = [];
  let next = 0;
  let i = 0;
  const take = (limit: number, ctx: (start: number) => PyContext) => {
    while (spans[next] && spans[next]!.start < limit) out.push(ctx(spans[next++]!.start));
  };
  while (i < text.length) {
    const span = spans[next];
    if (span && span.start <= i) {
      out.push({ kind: 'code' });
      next++;
      i = Math.max(i, span.end);
      continue;
    }
    const c = text[i]!;
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      take(end, () => ({ kind: 'comment' }));
      i = end;
    } else if (c === "'" || c === '"') {
      const prefix = prefixBefore(text, i);
      const quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      const bodyStart = i + quote.length;
      const end = stringEnd(text, bodyStart, quote, spans, next);
      const lower = prefix.toLowerCase();
      take(end, (start) => ({
        kind: 'string',
        prefix,
        quote,
        raw: lower.includes('r'),
        bytes: lower.includes('b'),
        fstring: lower.includes('f'),
        afterBackslash: oddBackslashesBefore(text, start, bodyStart),
      }));
      i = Math.min(text.length, end + quote.length);
    } else if (c === '\\') {
      i += 2;
    } else i++;
  }
  while (out.length < spans.length) out.push({ kind: 'code' });
  return out;
}

/** The string prefix letters right before a quote (empty when they belong to a longer name). */
function prefixBefore(text: string, q: number): string {
  let j = q;
  while (j > 0 && /[A-Za-z]/.test(text[j - 1]!) && q - j < 2) j--;
  const candidate = text.slice(j, q);
  if (candidate === '' || !PREFIX.test(candidate)) return '';
  if (j > 0 && /[A-Za-z0-9_]/.test(text[j - 1]!)) return '';
  return candidate;
}

/** Offset of the closing quote (or of the line end / text end for an unterminated string). Placeholders are opaque. */
function stringEnd(text: string, from: number, quote: string, spans: ReadonlyArray<{ start: number; end: number }>, next: number): number {
  let i = from;
  let k = next;
  while (i < text.length) {
    while (spans[k] && spans[k]!.end <= i) k++;
    if (spans[k] && spans[k]!.start === i) {
      i = spans[k]!.end;
      continue;
    }
    const c = text[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (quote.length === 1 && c === '\n') return i;
    if (text.startsWith(quote, i)) return i;
    i++;
  }
  return text.length;
}

function oddBackslashesBefore(text: string, at: number, floor: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= floor && text[j] === '\\'; j--) n++;
  return n % 2 === 1;
}
