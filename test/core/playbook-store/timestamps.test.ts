import assert from 'node:assert/strict';
import { test } from 'node:test';
import { versionTimestamps } from '../../../src/core/playbook-store/timestamps';

const NOW = { created_at: '2026-01-02T03:04:05.000Z', updated_at: '2026-01-02T03:04:05.000Z' };

test("the server's timestamps are kept as the same text when they are RFC 3339 dates", () => {
  assert.deepEqual(versionTimestamps({ created_at: '2025-05-01T10:00:00Z', updated_at: '2025-06-01T10:00:00.123+02:00' }, NOW), {
    created_at: '2025-05-01T10:00:00Z',
    updated_at: '2025-06-01T10:00:00.123+02:00',
  });
});

test('hostile or broken timestamps fall back to now, each on its own', () => {
  for (const bad of [undefined, null, 42, {}, '', 'yesterday', '2025-13-45T99:99:99Z', '2025-05-01', '2025-05-01T10:00:00Z\u001b[2J', ' 2025-05-01T10:00:00Z']) {
    assert.deepEqual(versionTimestamps({ created_at: bad, updated_at: '2025-06-01T10:00:00Z' }, NOW), { created_at: NOW.created_at, updated_at: '2025-06-01T10:00:00Z' }, String(bad));
  }
  assert.deepEqual(versionTimestamps(undefined, NOW), NOW);
});
