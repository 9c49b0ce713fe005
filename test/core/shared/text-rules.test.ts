import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import metadataSchema from '../../../schemas/metadata.schema.json';
import { wireIssues } from '../../../src/core/escher-api/wire-validate';
import { PlaybookStore } from '../../../src/core/playbook-store/store';
import type { CreatePlaybookInput } from '../../../src/core/playbook-store/types';
import { ValidationError } from '../../../src/core/shared/errors';
import { ONE_LINE_PATTERN, TEXT_PATTERN } from '../../../src/core/shared/text-rules';
import { makeMetadata } from '../../dev-server/fixtures';
import { MemorySecrets } from '../../helpers/memory-secrets';
import { ATTACKS, RAW_DANGER } from '../../helpers/terminal-attacks';

/**
 * Control characters are refused where text enters: the store's metadata validation (client) and
 * the wire schemas (server requests, client checks of server responses), one rule for both
 * (src/core/shared/text-rules.ts). Newline and tab stay allowed in descriptions and comments.
 */
async function store(t: TestContext): Promise<PlaybookStore> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-text-rules-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return new PlaybookStore({ playbooksDir: path.join(dir, 'playbooks'), secrets: new MemorySecrets() });
}

const base: CreatePlaybookInput = { playbook_id: 'rds-stop', name: 'Stop RDS', description: 'Stops RDS instances', keywords: ['rds'], resource_types: ['rds'] };
const FIELDS: Array<[string, (bad: string) => Partial<CreatePlaybookInput>]> = [
  ['/name', (bad) => ({ name: bad })],
  ['/description', (bad) => ({ description: bad })],
  ['/keywords/1', (bad) => ({ keywords: ['rds', bad] })],
  ['/resource_types/0', (bad) => ({ resource_types: [bad] })],
  ['/parameters/0/description', (bad) => ({ parameters: [{ name: 'db', type: 'string', description: bad }] })],
];

test('the store refuses a control character in every text field, names the field and the code point, and writes nothing', async (t) => {
  const s = await store(t);
  for (const [field, make] of FIELDS) {
    for (const [what, bad] of Object.entries(ATTACKS)) {
      await assert.rejects(
        s.createPlaybook({ ...base, ...make(bad) }),
        (e: unknown) => {
          assert.ok(e instanceof ValidationError, `${field} ${what}: ${String(e)}`);
          const issue = e.issues.find((i) => i.startsWith(field));
          assert.ok(issue, `${field} ${what}: ${e.issues.join('; ')}`);
          assert.match(issue, /control characters.*\(found U\+[0-9A-F]{4}\)/);
          assert.doesNotMatch(e.issues.join('\n'), RAW_DANGER, 'the refusal does not echo the character');
          return true;
        },
        `${field} ${what}`,
      );
    }
  }
  assert.deepEqual(await s.listPlaybooks(), [], 'nothing was written');
});

test('descriptions keep newlines and tabs; a carriage return or other control is refused there too', async (t) => {
  const s = await store(t);
  const p = await s.createPlaybook({ ...base, description: 'Line one\n\tindented line two', parameters: [{ name: 'db', type: 'string', description: 'the\tdatabase\nidentifier' }] });
  assert.equal(p.metadata.description, 'Line one\n\tindented line two');
  await assert.rejects(s.updatePlaybook('rds-stop', { description: 'windows\r\nline' }), /found U\+000D/);
  await assert.rejects(s.updatePlaybook('rds-stop', { name: 'two\nlines' }), /\/name must be one line.*found U\+000A/);
  assert.equal((await s.getPlaybook('rds-stop')).metadata.version, '1.0.0', 'no version was written');
});

test('the wire schemas apply the same rule: reviewer edits, review comments, records and search hits', () => {
  const osc = ATTACKS['OSC 52 clipboard write']!;
  assert.match(wireIssues('FieldPatch', { name: osc }).join(), /\/name must be one line.*found U\+001B/);
  assert.match(wireIssues('FieldPatch', { description: ATTACKS['C1 CSI (8-bit)'] }).join(), /found U\+009B/);
  assert.match(wireIssues('FieldPatch', { keywords: [ATTACKS['bidi override']] }).join(), /found U\+202E/);
  assert.deepEqual(wireIssues('FieldPatch', { description: 'a\n\tb' }), []);
  assert.match(wireIssues('ReviewRequest', { status: 'rejected', comment: ATTACKS['OSC 8 hyperlink'] }).join(), /\/comment.*found U\+001B/);
  assert.deepEqual(wireIssues('ReviewRequest', { status: 'rejected', comment: 'Please:\n\t- fix the region' }), []);
  assert.match(wireIssues('ServerSearchHit', { playbook_id: 'a', version: '1.0.0', source: 'tenant', name: ATTACKS['CSI cursor up and erase'], score: 1 }).join(), /\/name/);
  const record = { version: '1.0.0', metadata: makeMetadata('rds-stop', '1.0.0', {}), review_status: 'rejected', review_comment: ATTACKS['C1 OSC (8-bit)'], published_at: '2026-01-01T00:00:00Z', has_vector: false };
  assert.match(wireIssues('VersionRecord', record).join(), /^\/review_comment must not contain control characters.*found U\+009D/);
  assert.deepEqual(wireIssues('VersionRecord', { ...record, review_comment: 'fine\nby me' }), []);
});

test('every free-text string of the metadata schema carries one of the two text rules', () => {
  const missing: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'string' && n.enum === undefined && n.const === undefined && n.format === undefined && where !== '/properties/$schema') {
      if (n.pattern === undefined) missing.push(where);
      else if (n.pattern !== ONE_LINE_PATTERN && n.pattern !== TEXT_PATTERN && !/^\^\[?[A-Za-z0-9(]/.test(String(n.pattern))) missing.push(`${where} (unknown pattern)`);
    }
    for (const [k, v] of Object.entries(n)) walk(v, `${where}/${k}`);
  };
  walk(metadataSchema, '');
  assert.deepEqual(missing, []);
});
