import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/core/shared/errors';
import { loadTokens, parseTokenList, TokenSourceError } from '../../src/dev-server/tokens';

/** The reference server's tenant tokens from a 0600 file or the environment, never only argv. */
const SECRET = 'tok-Zq9-secret';

test('a token list: TENANT=TOKEN or bare TOKEN, separated by spaces or lines, # comments in files', () => {
  assert.deepEqual(parseTokenList(`# tenants\nacme=${SECRET}\n\n  globex=tok-g other-bare\n# globex=commented-out\n`, 'f').authors, { [SECRET]: 'acme', 'tok-g': 'globex', 'other-bare': 'default' });
});

test('a role prefix makes an entry a reviewer or a trusted token; a doubled or unknown one is refused', () => {
  assert.deepEqual(parseTokenList(`reviewer:acme=${SECRET}\ntrusted:acme=tok-ci\nacme=tok-a`, 'f'), { authors: { 'tok-a': 'acme' }, reviewers: { [SECRET]: 'acme' }, trusted: { 'tok-ci': 'acme' } });
  assert.throws(() => parseTokenList(`reviewer:trusted:acme=${SECRET}`, 'f'), (e: unknown) => e instanceof TokenSourceError && /give the role once/.test(e.message) && !e.message.includes(SECRET));
  assert.throws(() => parseTokenList(`owner:acme=${SECRET}`, 'f'), (e: unknown) => e instanceof TokenSourceError && /tenant id before "="/.test(e.message) && !e.message.includes(SECRET));
});

test('a malformed entry is named by its position, never by its text', () => {
  for (const [text, expected] of [
    [`acme=ok ${SECRET}=Not_A_Tenant`, /entry 2: the tenant id before "=" must be a lower-case slug/],
    [`Not-A-Slug=${SECRET}`, /entry 1: the tenant id/],
    [`acme=`, /entry 1: expected TOKEN or TENANT=TOKEN/],
  ] as const) {
    assert.throws(
      () => parseTokenList(text, 'ESCHER_DEV_SERVER_TOKENS'),
      (e: unknown) => e instanceof TokenSourceError && expected.test(e.message) && !e.message.includes(SECRET) && !e.message.includes('Not_A_Tenant'),
      text,
    );
  }
});

test('--token-file must be 0600 and exist; the file, the environment and argv add up', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-tokens-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'tokens');
  await fs.writeFile(file, `acme=${SECRET}\n`, { mode: 0o600 });
  assert.deepEqual(await loadTokens({ file, env: { ESCHER_DEV_SERVER_TOKENS: 'globex=tok-g reviewer:globex=tok-r' }, argv: { authors: { 'tok-d': 'default' }, trusted: { 'tok-t': 'acme' } } }), {
    authors: { [SECRET]: 'acme', 'tok-g': 'globex', 'tok-d': 'default' },
    reviewers: { 'tok-r': 'globex' },
    trusted: { 'tok-t': 'acme' },
  });

  await fs.chmod(file, 0o640);
  await assert.rejects(loadTokens({ file, env: {} }), (e: unknown) => e instanceof ConfigError && /its permissions are 0640/.test(e.message) && /chmod 600/.test(e.hint ?? '') && !e.message.includes(SECRET));
  await assert.rejects(loadTokens({ file: path.join(dir, 'missing'), env: {} }), (e: unknown) => e instanceof TokenSourceError && /does not exist/.test(e.message));
  await fs.writeFile(path.join(dir, 'empty'), '# nothing yet\n', { mode: 0o600 });
  await assert.rejects(loadTokens({ file: path.join(dir, 'empty'), env: {} }), /holds no token/);
});
