import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { contentHash } from '../../../src/core/escher-api/content-hash';
import { libraryS3Path } from '../../../src/core/escher-api/s3-path';
import type { EscherApi, LibraryEntry, LibraryListing } from '../../../src/core/escher-api/types';
import { NetworkError } from '../../../src/core/shared/errors';
import { LibraryCatalog } from '../../../src/core/team-catalog/library-catalog';
import { makeMetadata } from '../../dev-server/fixtures';
import { tempDir } from '../../helpers/temp-dir';

/**
 * LibraryCatalog against a scripted listing: pages are followed, the ETag makes an unchanged
 * library one request, a server whose `next` does not move cannot loop it, and a failure keeps the
 * last-known listing.
 */
function entry(id: string): LibraryEntry {
  const md = makeMetadata(id, '1.0.0', { 'shell/run.sh': 'echo\n' }, { source: 'library' });
  const withPaths = { ...md, scripts: md.scripts.map((s) => ({ ...s, s3_path: libraryS3Path(id, '1.0.0', s.path) })) };
  return { playbook_id: id, latest_version: '1.0.0', versions: ['1.0.0'], metadata: { ...withPaths, content_hash: contentHash(withPaths) }, review_status: 'not_required' };
}

function scripted(answer: (o: { after?: string; etag?: string }) => LibraryListing | Error): { api: EscherApi; calls: Array<{ after?: string; etag?: string }> } {
  const calls: Array<{ after?: string; etag?: string }> = [];
  const api = {
    listLibrary: async (o: { after?: string; etag?: string } = {}) => {
      calls.push(o);
      const a = answer(o);
      if (a instanceof Error) throw a;
      return a;
    },
  } as unknown as EscherApi;
  return { api, calls };
}

const page = (ids: string[], next: string | null, etag: string | null = '"v1"'): LibraryListing => ({ notModified: false, entries: ids.map(entry), rejected: [], next, etag });

test('pages are followed by id; with the stored ETag an unchanged library is one request', async (t) => {
  const dir = await tempDir(t);
  const { api, calls } = scripted((o) => (o.etag === '"v1"' ? { notModified: true } : o.after === undefined ? page(['a', 'b'], 'b') : page(['c'], null)));
  const cat = new LibraryCatalog({ dir: path.join(dir, 'library'), server: async () => api, serverUrl: 'http://127.0.0.1:1' });
  const first = await cat.refresh();
  assert.deepEqual([first.online, first.requests, first.changed], [true, 2, 3]);
  assert.deepEqual((await cat.list()).map((e) => e.playbook_id), ['a', 'b', 'c']);
  const again = await cat.refresh();
  assert.deepEqual([again.online, again.requests, again.changed], [true, 1, 0]);
  assert.deepEqual(calls.map((c) => c.etag ?? null), [null, null, '"v1"']);
});

test('a server whose next does not move is read once per page, not forever; a failure keeps the last-known listing', async (t) => {
  const dir = await tempDir(t);
  let failing = false;
  const { api, calls } = scripted((o) => (failing ? new NetworkError('library listing: connection refused') : o.after === undefined ? page(['a'], 'a', null) : page(['a'], 'a', null)));
  const cat = new LibraryCatalog({ dir: path.join(dir, 'library'), server: async () => api, serverUrl: 'http://127.0.0.1:1' });
  const r = await cat.refresh();
  assert.equal(r.online, true);
  assert.ok(calls.length <= 2, `${calls.length} requests`);
  failing = true;
  const down = await cat.refresh();
  assert.deepEqual([down.online, down.error], [false, 'library listing: connection refused']);
  assert.deepEqual((await cat.list()).map((e) => e.playbook_id), ['a']);
  const other = new LibraryCatalog({ dir: path.join(dir, 'library'), server: async () => api, serverUrl: 'http://127.0.0.1:2' });
  assert.deepEqual(await other.list(), [], 'another server: the listing on disk is not its');
});
