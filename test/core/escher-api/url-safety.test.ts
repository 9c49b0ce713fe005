import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSafeDownloadUrl, assertSafeServerUrl, isLoopbackHost } from '../../../src/core/escher-api/url-safety';
import { UnsafeUrlError } from '../../../src/core/shared/errors';

test('loopback means 127.0.0.0/8, ::1 and localhost, nothing that merely looks like it', () => {
  for (const h of ['127.0.0.1', '127.255.0.9', 'localhost', 'LOCALHOST', 'api.localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['128.0.0.1', '127.0.0.1.evil.com', 'localhost.evil.com', '0.0.0.0', '::', '10.0.0.1', '[::2]', 'example.com']) assert.ok(!isLoopbackHost(h), h);
});

test('server URLs: https anywhere, http only on loopback; normalised without a trailing slash', () => {
  assert.equal(assertSafeServerUrl('https://escher.example.com/'), 'https://escher.example.com');
  assert.equal(assertSafeServerUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
  assert.throws(() => assertSafeServerUrl('http://escher.example.com'), (e: unknown) => e instanceof UnsafeUrlError && /plain http/.test(e.message));
});

test('download URLs must be on the server host and port, and never downgrade https', () => {
  const server = 'https://escher.example.com';
  assert.equal(assertSafeDownloadUrl('https://escher.example.com/blob/t/a/x?sig=1', server).pathname, '/blob/t/a/x');
  assert.equal(assertSafeDownloadUrl('https://ESCHER.example.com:443/blob', server).hostname, 'escher.example.com');
  const refused = [
    'https://evil.example.com/blob',
    'https://escher.example.com.evil.com/blob',
    'https://escher.example.com:8443/blob',
    'http://escher.example.com/blob',
    'https://user@escher.example.com/blob',
    'file:///etc/passwd',
  ];
  for (const u of refused) assert.throws(() => assertSafeDownloadUrl(u, server), UnsafeUrlError, u);
  const local = 'http://127.0.0.1:4000';
  assert.ok(assertSafeDownloadUrl('http://127.0.0.1:4000/blob/lib/x', local));
  assert.throws(() => assertSafeDownloadUrl('http://127.0.0.2:4000/blob/lib/x', local), (e: unknown) => e instanceof UnsafeUrlError && /not at the Escher server/.test(e.message));
  assert.throws(() => assertSafeDownloadUrl('http://127.0.0.1:4001/blob/lib/x', local), UnsafeUrlError);
});
