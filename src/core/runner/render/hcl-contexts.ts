/**
 * Where each placeholder sits in a Terraform .tf file (HCL native syntax): an expression, a
 * template (a quoted string or a heredoc, where `${…}` interpolates), or a comment (#, //, or a block comment).
 * Interpolations inside a template are expressions again, so a string can nest in a string.
 */
export type HclContext = 'code' | 'template' | 'comment';

type Frame = { k: 'code'; depth: number; closes: boolean } | { k: 'string' } | { k: 'heredoc'; delimiter: string };

export function hclContexts(text: string, spans: ReadonlyArray<{ start: number; end: number }>): HclContext[] {
  const out: HclContext[] = [];
  const stack: Frame[] = [{ k: 'code', depth: 0, closes: false }];
  let next = 0;
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  const skipTo = (end: number, ctx: HclContext) => {
    while (spans[next] && spans[next]!.start < end) {
      out.push(ctx);
      next++;
    }
    return end;
  };
  while (i < text.length) {
    const span = spans[next];
    if (span && span.start <= i) {
      out.push(top().k === 'code' ? 'code' : 'template');
      next++;
      i = Math.max(i, span.end);
      continue;
    }
    const f = top();
    const c = text[i]!;
    if (f.k === 'heredoc') {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl + 1;
      if (text.slice(i, nl === -1 ? text.length : nl).trim() === f.delimiter) {
        stack.pop();
        i = end;
      } else i = skipTo(end, 'template');
      continue;
    }
    if (f.k === 'string') {
      if (c === '\\') i += 2;
      else if (c === '"') {
        stack.pop();
        i++;
      } else if (text.startsWith('$${', i) || text.startsWith('%%{', i)) i += 3;
      else if (text.startsWith('${', i) || text.startsWith('%{', i)) {
        stack.push({ k: 'code', depth: 0, closes: true });
        i += 2;
      } else i++;
      continue;
    }
    // Expression.
    if (c === '#' || text.startsWith('//', i)) {
      const nl = text.indexOf('\n', i);
      i = skipTo(nl === -1 ? text.length : nl, 'comment');
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = skipTo(close === -1 ? text.length : close + 2, 'comment');
    } else if (c === '"') {
      stack.push({ k: 'string' });
      i++;
    } else if (text.startsWith('<<', i)) {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (m) {
        stack.push({ k: 'heredoc', delimiter: m[1]! });
        i += m[0].length;
      } else i += 2;
    } else if (c === '{') {
      f.depth++;
      i++;
    } else if (c === '}') {
      if (f.depth === 0 && f.closes) stack.pop();
      else f.depth--;
      i++;
    } else i++;
  }
  while (out.length < spans.length) out.push(top().k === 'code' ? 'code' : 'template');
  return out;
}
