import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextStep } from '../../../src/extension/watch/next-step';

test('a missing folder is waited for one level at a time, from the deepest folder that exists', () => {
  const existing = new Set(['/', '/home', '/home/u']);
  const exists = (p: string) => existing.has(p);
  assert.deepEqual(nextStep('/home/u/.escher/playbooks', exists), { parent: '/home/u', child: '.escher' });
  existing.add('/home/u/.escher');
  assert.deepEqual(nextStep('/home/u/.escher/playbooks', exists), { parent: '/home/u/.escher', child: 'playbooks' });
  existing.add('/home/u/.escher/playbooks');
  assert.equal(nextStep('/home/u/.escher/playbooks', exists), undefined);
  // Nothing but the root exists: wait at the root.
  assert.deepEqual(nextStep('/a/b', (p) => p === '/'), { parent: '/', child: 'a' });
});
