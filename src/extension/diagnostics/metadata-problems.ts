// The ESM build: the package's main is a UMD file whose internal require('./impl/…') calls
// esbuild cannot follow, so the bundled extension would fail to load it at run time.
import { findNodeAtLocation, type Node, type ParseError, type ParseErrorCode, parseTree, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import type { PlaybookMetadata } from '../../core/playbook-store/metadata';
import type { MetadataLocation } from '../codelens/metadata-location';

/** Zero-based, as in VS Code's Position. */
export interface TextPosition {
  line: number;
  character: number;
}

/** One thing wrong with a metadata.json, anchored where it is (the document start when nowhere better). */
export interface MetadataProblem {
  message: string;
  start: TextPosition;
  end: TextPosition;
}

/** The core's validator (src/core/playbook-store/validate.ts), passed in so it loads only when used. */
export interface MetadataValidators {
  schemaIssues(value: unknown): string[];
  semanticIssues(meta: PlaybookMetadata, expect?: { playbookId?: string; version?: string }): string[];
}

/**
 * Everything the store would object to in this metadata.json text — the same checks in the same
 * order as its loader (JSON.parse, then the schema, then the folder-name and script rules, see
 * scan.ts loadMetadata) — each placed on the JSON it is about, so the Problems panel and the
 * editor point at the offending value. Empty when the store would read the file.
 */
export function metadataProblems(text: string, location: Pick<MetadataLocation, 'playbookId' | 'version'>, validators: MetadataValidators): MetadataProblem[] {
  const lines = lineStarts(text);
  const at = (offset: number, length: number) => ({ start: positionAt(lines, offset), end: positionAt(lines, offset + Math.max(length, 1)) });
  const whole = at(0, 0);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse says where only in engine-specific prose; jsonc-parser (strict mode) gives an offset.
    const errors: ParseError[] = [];
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) return [{ message: 'not valid JSON', ...whole }];
    const range = at(first.offset, first.length);
    return [{ message: `not valid JSON: ${parseErrorText(first.error)} (line ${range.start.line + 1}, column ${range.start.character + 1})`, ...range }];
  }
  const tree = parseTree(text);
  const place = (pointer: string[], message: string): MetadataProblem => {
    const node = tree ? nodeFor(tree, pointer, message) : undefined;
    return { message, ...(node ? at(node.offset, node.length) : whole) };
  };
  const schema = validators.schemaIssues(value);
  if (schema.length > 0) return schema.map((m) => place(pointerOf(m), m));
  return validators.semanticIssues(value as PlaybookMetadata, location).map((m) => place(semanticPointer(m), m));
}

/** The first problem in one line, for a tree row or a notification. */
export function problemSummary(problems: readonly MetadataProblem[]): string {
  const first = problems[0]?.message ?? 'unreadable';
  return problems.length > 1 ? `${first} (+${problems.length - 1} more)` : first;
}

/** By jsonc-parser's code name (its enum is a const enum, which isolated modules cannot read). */
const PARSE_ERRORS: Record<string, string> = {
  ValueExpected: 'a value is expected',
  PropertyNameExpected: 'a property name in double quotes is expected',
  ColonExpected: 'a colon is expected',
  CommaExpected: 'a comma is expected',
  CloseBraceExpected: 'a closing brace is expected',
  CloseBracketExpected: 'a closing bracket is expected',
  EndOfFileExpected: 'nothing may follow the closing brace',
  InvalidCommentToken: 'comments are not allowed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfComment: 'comments are not allowed',
  InvalidSymbol: 'unexpected character',
};

function parseErrorText(code: ParseErrorCode): string {
  const name = printParseErrorCode(code);
  return PARSE_ERRORS[name] ?? name;
}

/**
 * The JSON pointer a schema issue starts with: validate.ts formats them as
 * "(root) must have …", "/scripts/0/format must be …" or "/x: unknown property "y"".
 */
function pointerOf(issue: string): string[] {
  const m = /^(\/[^\s:]*)/.exec(issue);
  if (!m?.[1]) return [];
  return m[1]
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Where semanticIssues' messages point (they carry no path; their wording names the field). */
function semanticPointer(issue: string): string[] {
  if (issue.startsWith('playbook_id')) return ['playbook_id'];
  if (issue.startsWith('version')) return ['version'];
  if (issue.startsWith('script') || issue.startsWith('a script')) return ['scripts'];
  if (issue.startsWith('parameter')) return ['parameters'];
  return [];
}

function nodeFor(tree: Node, pointer: string[], message: string): Node | undefined {
  const path = pointer.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const node = path.length ? findNodeAtLocation(tree, path) : tree;
  // An unknown property: point at its key rather than at the whole object that holds it.
  const unknown = /unknown property "(.*)"$/.exec(message)?.[1];
  if (node?.type === 'object' && unknown !== undefined) {
    const prop = node.children?.find((p) => p.children?.[0]?.value === unknown);
    if (prop?.children?.[0]) return prop.children[0];
  }
  // A missing required property belongs to the object's first line, not its whole body.
  if (node?.type === 'object' && /must have required property/.test(message)) return { ...node, length: 1 };
  return node;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function positionAt(starts: number[], offset: number): TextPosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo]! };
}
