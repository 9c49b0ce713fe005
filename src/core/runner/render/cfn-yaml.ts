import { type CollectionTag, parseDocument, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * CloudFormation templates as data: JSON, or YAML whose short forms (`!Ref X`, `!Sub "…"`,
 * `!GetAtt A.Arn`, `!Join [..]`…) are read with the yaml package's custom tags into the long
 * forms (`{"Ref": "X"}`, `{"Fn::Sub": "…"}`, `{"Fn::GetAtt": ["A", "Arn"]}`), as CloudFormation
 * itself reads them.
 */
const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'ForEach',
  'GetAZs',
  'GetAtt',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
  'And',
  'Equals',
  'Not',
  'Or',
] as const;

function longName(short: string): string {
  return short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`;
}

function tagsFor(short: string): Array<ScalarTag | CollectionTag> {
  const key = longName(short);
  const tag = `!${short}`;
  const scalar: ScalarTag = {
    tag,
    resolve: (s: string) => ({ [key]: short === 'GetAtt' ? splitOnce(s) : s }),
  };
  const seq: CollectionTag = { tag, collection: 'seq', resolve: (node) => ({ [key]: (node as YAMLSeq).toJSON() }) as never };
  const map: CollectionTag = { tag, collection: 'map', resolve: (node) => ({ [key]: (node as YAMLMap).toJSON() }) as never };
  return [scalar, seq, map];
}

function splitOnce(s: string): string[] {
  const dot = s.indexOf('.');
  return dot === -1 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

let tags: Array<ScalarTag | CollectionTag> | undefined;

export function cfnTags(): Array<ScalarTag | CollectionTag> {
  tags ??= [...FUNCTIONS, 'Ref', 'Condition'].flatMap(tagsFor);
  return tags;
}

/** The template as data, or the first parse error with its line. */
export function parseTemplate(text: string): { data: unknown; error?: { message: string; line?: number } } {
  if (/^\s*\{/.test(text)) {
    try {
      return { data: JSON.parse(text) as unknown };
    } catch (e) {
      return { data: undefined, error: { message: `not valid JSON: ${(e as Error).message}` } };
    }
  }
  const doc = parseDocument(text, { customTags: cfnTags(), prettyErrors: false });
  const err = doc.errors[0];
  if (err) return { data: undefined, error: { message: `not valid YAML: ${err.message.split('\n')[0]}`, line: err.linePos?.[0].line } };
  return { data: doc.toJS({ maxAliasCount: 100 }) as unknown };
}
