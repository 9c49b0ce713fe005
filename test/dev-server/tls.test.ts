import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { NetworkError } from '../../src/core/shared/errors';
import { startTestServer } from '../helpers/dev-server';
import { publishNew } from './fixtures';

/** The client over real TLS: the https path the HTTPS-only rule exists for. Certificates from openssl. */
const OPENSSL = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));

async function selfSigned(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(OPENSSL as string, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { key: await fs.readFile(key), cert: await fs.readFile(cert) };
}

test('over https: publish, download ticket and streamed download work with the server CA trusted, and fail clearly without it', async (t) => {
  if (!OPENSSL) return t.skip('openssl is absent: cannot make a test certificate');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-tls-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const tls = await selfSigned(dir);
  const s = await startTestServer({ tls });
  t.after(() => s.close());
  assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);

  const untrusted = s.client({ retry: { retries: 0 } });
  await assert.rejects(untrusted.health(), (e: unknown) => e instanceof NetworkError && /CERT|SELF_SIGNED/.test(e.message) && e.hintCode === 'tls-untrusted');

  const api = s.client({ ca: tls.cert });
  const { record } = await publishNew(api, dir, 'rds-stop', '1.0.0', { 'shell/stop.sh': 'echo over tls\n' });
  const ticket = await api.requestDownload(record.versions['1.0.0']?.metadata.scripts[0]?.s3_path as string);
  assert.match(ticket.url, /^https:\/\/127\.0\.0\.1:/);
  const h = createHash('sha256');
  for await (const c of (await api.fetchStream(ticket.url)).stream) h.update(c as Buffer);
  assert.equal(h.digest('hex'), ticket.sha256);
  // A downgrade to plain http on the same host and port is refused.
  await assert.rejects(api.fetchStream(ticket.url.replace('https:', 'http:')), /downgrades/);
});
