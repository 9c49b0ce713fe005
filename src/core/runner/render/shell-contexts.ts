/**
 * Where each placeholder sits in a POSIX/bash script, so it can be replaced by a reference to
 * its environment variable quoted right for that spot (shell.ts). A small scanner, not a parser:
 * it tracks quotes ('…', "…", $'…'), command substitution $(…) and `…`, parameter expansion
 * ${…}, arithmetic $((…)) and ((…)), comments and here-documents (quoted or not), which is all
 * that decides how text is read. A placeholder itself counts as part of a word. A placeholder the
 * scanner stepped into while reading shell syntax (`${{x}}`: the "${" takes its first brace) is
 * "tangled": the caller refuses it rather than guess.
 */
export type ShellContext = 'code' | 'double' | 'single' | 'ansi' | 'comment' | 'heredoc' | 'heredoc-quoted' | 'arith' | 'tangled';

type Frame =
  | { k: 'code'; close: ')' | '}' | '`' | null; depth: number }
  | { k: 'dq' }
  | { k: 'sq' }
  | { k: 'ansi' }
  | { k: 'comment' }
  | { k: 'arith'; depth: number };

interface Heredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

const WORD_BREAK = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/** The context of each span (start offsets must be ascending and the spans must not overlap). */
export function shellContexts(text: string, spans: ReadonlyArray<{ start: number; end: number }>): ShellContext[] {
  const out: ShellContext[] = [];
  const stack: Frame[] = [{ k: 'code', close: null, depth: 0 }];
  const pending: Heredoc[] = [];
  let next = 0;
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  while (i < text.length) {
    while (spans[next] && spans[next]!.start < i) {
      out.push('tangled');
      next++;
    }
    const span = spans[next];
    if (span && i === span.start) {
      out.push(contextOf(top()));
      next++;
      i = span.end;
      continue;
    }
    const f = top();
    const c = text[i]!;
    const c2 = text.slice(i, i + 2);
    const c3 = text.slice(i, i + 3);
    if (f.k === 'comment') {
      if (c === '\n') stack.pop();
      else i++;
      continue;
    }
    if (f.k === 'sq') {
      if (c === "'") stack.pop();
      i++;
      continue;
    }
    if (f.k === 'ansi') {
      if (c === '\\') i += 2;
      else {
        if (c === "'") stack.pop();
        i++;
      }
      continue;
    }
    if (f.k === 'arith') {
      if (c2 === '))' && f.depth === 0) {
        stack.pop();
        i += 2;
      } else {
        if (c === '(') f.depth++;
        else if (c === ')') f.depth--;
        i++;
      }
      continue;
    }
    if (c === '\\') {
      i += 2;
      continue;
    }
    // Expansions start the same way in code and inside double quotes.
    if (c3 === '$((') {
      stack.push({ k: 'arith', depth: 0 });
      i += 3;
      continue;
    }
    if (c2 === '$(') {
      stack.push({ k: 'code', close: ')', depth: 0 });
      i += 2;
      continue;
    }
    if (c2 === '${') {
      stack.push({ k: 'code', close: '}', depth: 0 });
      i += 2;
      continue;
    }
    if (c === '`') {
      if (f.k === 'code' && f.close === '`') stack.pop();
      else stack.push({ k: 'code', close: '`', depth: 0 });
      i++;
      continue;
    }
    if (f.k === 'dq') {
      if (c === '"') stack.pop();
      i++;
      continue;
    }
    // f is a code frame from here on.
    if (c2 === "$'") {
      stack.push({ k: 'ansi' });
      i += 2;
    } else if (c2 === '$"' || c === '"') {
      stack.push({ k: 'dq' });
      i += c === '"' ? 1 : 2;
    } else if (c === "'") {
      stack.push({ k: 'sq' });
      i++;
    } else if (c === '#' && f.close !== '}' && (i === 0 || WORD_BREAK.has(text[i - 1]!))) {
      stack.push({ k: 'comment' });
      i++;
    } else if (c2 === '((' && f.close !== '}' && atCommandStart(text, i)) {
      stack.push({ k: 'arith', depth: 0 });
      i += 2;
    } else if (c2 === '<<' && text[i + 2] !== '<' && f.close !== '}') {
      i = readHeredocWord(text, i + 2, pending);
    } else if (c === '\n' && pending.length) {
      i = skipHeredocBodies(text, i + 1, pending.splice(0), spans, next, out, (n) => (next = n));
    } else if (c === '(' || c === '{') {
      if ((c === '(' && f.close === ')') || (c === '{' && f.close === '}')) f.depth++;
      i++;
    } else if (c === f.close && (c === '`' || f.depth === 0)) {
      stack.pop();
      i++;
    } else {
      if ((c === ')' && f.close === ')') || (c === '}' && f.close === '}')) f.depth--;
      i++;
    }
  }
  // Only a span the last jump (a here-document, an escape) stepped over can be left.
  while (out.length < spans.length) out.push('tangled');
  return out;
}

function contextOf(f: Frame): ShellContext {
  switch (f.k) {
    case 'code':
      return 'code';
    case 'dq':
      return 'double';
    case 'sq':
      return 'single';
    case 'ansi':
      return 'ansi';
    case 'comment':
      return 'comment';
    case 'arith':
      return 'arith';
  }
}

/** `((` opens an arithmetic command only where a command starts. */
function atCommandStart(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  return j < 0 || ['\n', ';', '&', '|', '(', '{'].includes(text[j]!) || /(^|\s)(then|do|else|elif|if|while|until|!)$/.test(text.slice(Math.max(0, j - 5), j + 1));
}

/** After `<<`: `-`? blanks, then the delimiter word; quoting any part of it makes the body literal. */
function readHeredocWord(text: string, i: number, pending: Heredoc[]): number {
  let stripTabs = false;
  if (text[i] === '-') {
    stripTabs = true;
    i++;
  }
  while (text[i] === ' ' || text[i] === '\t') i++;
  let word = '';
  let quoted = false;
  while (i < text.length && !WORD_BREAK.has(text[i]!)) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      quoted = true;
      const end = text.indexOf(c, i + 1);
      const stop = end === -1 ? text.length : end;
      word += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '\\') {
      quoted = true;
      word += text[i + 1] ?? '';
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  if (word !== '') pending.push({ delimiter: word, quoted, stripTabs });
  return i;
}

/** Consumes the bodies of the here-documents opened on the line that just ended; returns where code resumes. */
function skipHeredocBodies(
  text: string,
  i: number,
  docs: Heredoc[],
  spans: ReadonlyArray<{ start: number; end: number }>,
  next: number,
  out: ShellContext[],
  setNext: (n: number) => void,
): number {
  for (const doc of docs) {
    for (;;) {
      if (i >= text.length) break;
      const nl = text.indexOf('\n', i);
      const lineEnd = nl === -1 ? text.length : nl;
      const line = text.slice(i, lineEnd);
      if ((doc.stripTabs ? line.replace(/^\t+/, '') : line) === doc.delimiter) {
        i = nl === -1 ? text.length : nl + 1;
        break;
      }
      while (spans[next] && spans[next]!.start < lineEnd) {
        out.push(doc.quoted ? 'heredoc-quoted' : 'heredoc');
        next++;
      }
      i = nl === -1 ? text.length : nl + 1;
    }
  }
  setNext(next);
  return i;
}
