import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ValidationError } from '../../../src/core/shared/errors';
import { resolveInside, validatePlaybookId, validateRelativePath } from '../../../src/core/shared/safe-path';
import { slugify } from '../../../src/core/playbook-store/ids';

const ROOT = path.resolve('/srv/escher/playbooks/local/x/v1.0.0');
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom('..', '.', '/', '\\', 'a', 'shell', 'C:', '\0', '\n', ' ', 'con', '~', '%2e'), { maxLength: 12 }).map((a) => a.join('')),
);

test('property: any string either fails validation or resolves strictly inside the version folder', () => {
  fc.assert(
    fc.property(nasty, (rel) => {
      let full: string;
      try {
        full = resolveInside(ROOT, rel, 'Script path');
      } catch (e) {
        assert.ok(e instanceof ValidationError, `non-validation error for ${JSON.stringify(rel)}: ${String(e)}`);
        return;
      }
      assert.ok(full.startsWith(ROOT + path.sep), `${JSON.stringify(rel)} escaped to ${full}`);
      assert.ok(!rel.split('/').some((s) => s === '..' || s === '.' || s === ''));
    }),
    { numRuns: 3000 },
  );
});

test('property: an accepted playbook id is one safe path segment', () => {
  fc.assert(
    fc.property(nasty, (id) => {
      try {
        validatePlaybookId(id);
      } catch (e) {
        assert.ok(e instanceof ValidationError);
        return;
      }
      assert.match(id, /^[a-z0-9-]{1,64}$/);
      assert.equal(path.basename(id), id);
    }),
    { numRuns: 3000 },
  );
});

test('property: every name slugifies to a valid id', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (name) => {
      assert.equal(validatePlaybookId(slugify(name)), slugify(name));
    }),
    { numRuns: 2000 },
  );
});

test('relative paths are "/"-separated and never absolute', () => {
  assert.equal(validateRelativePath('p', 'shell/deep/run.sh'), 'shell/deep/run.sh');
  for (const bad of ['/abs', 'C:/x', 'a\\b', 'a//b', './a', 'a/..', '']) assert.throws(() => validateRelativePath('p', bad), ValidationError, bad);
});
