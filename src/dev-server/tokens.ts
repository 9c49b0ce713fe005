import { readPrivateFile } from '../core/shared/private-file';
import { PLAYBOOK_ID } from '../core/shared/safe-path';
import type { Role, TokenGrants } from './auth';

/**
 * Where the reference server's tokens come from. A token on the command line (`--token`,
 * `--reviewer-token`, `--trusted-token`) is visible to every user of the machine through `ps`, so
 * they can also come from
 *   --token-file FILE             mode 0600 (a looser file is refused), owned by the server's user
 *   ESCHER_DEV_SERVER_TOKENS      the environment (not shown by `ps` to other users)
 * both holding entries separated by whitespace or newlines, each `[ROLE:]TENANT=TOKEN` or a bare
 * `TOKEN` (tenant "default", role author), ROLE being `reviewer` or `trusted` (see auth.ts); in
 * the file, lines starting with `#` are comments. All sources add up.
 * Errors name the source and the entry's position, never its text (it may be a token).
 */
export const TOKENS_ENV = 'ESCHER_DEV_SERVER_TOKENS';

export class TokenSourceError extends Error {}

const PREFIXES: Record<string, Role> = { 'reviewer:': 'reviewer', 'trusted:': 'trusted' };
const GRANT_KEY: Record<Role, keyof TokenGrants> = { author: 'authors', trusted: 'trusted', reviewer: 'reviewers' };

export const emptyGrants = (): TokenGrants => ({ authors: {}, trusted: {}, reviewers: {} });

/** `[ROLE:]TENANT=TOKEN` or `TOKEN` -> [token, tenant, role]. `where` names the entry in an error. */
export function parseTokenEntry(entry: string, where: string, role: Role = 'author'): [token: string, tenant: string, role: Role] {
  for (const [prefix, r] of Object.entries(PREFIXES)) {
    if (entry.startsWith(prefix)) {
      if (role !== 'author') throw new TokenSourceError(`${where}: give the role once`);
      return parseTokenEntry(entry.slice(prefix.length), where, r);
    }
  }
  const eq = entry.indexOf('=');
  const [tenant, token] = eq >= 0 ? [entry.slice(0, eq), entry.slice(eq + 1)] : ['default', entry];
  if (!token || !/^[\x21-\x7e]+$/.test(token)) throw new TokenSourceError(`${where}: expected TOKEN or TENANT=TOKEN, optionally prefixed reviewer: or trusted: (a token is printable ASCII without spaces)`);
  if (!PLAYBOOK_ID.test(tenant)) throw new TokenSourceError(`${where}: the tenant id before "=" must be a lower-case slug (letters, digits, single hyphens); is it TENANT=TOKEN, in that order?`);
  return [token, tenant, role];
}

export function parseTokenList(text: string, source: string): TokenGrants {
  const entries = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .split(/\s+/)
    .filter(Boolean);
  const out = emptyGrants();
  entries.forEach((entry, i) => {
    const [token, tenant, role] = parseTokenEntry(entry, `${source}, entry ${i + 1}`);
    out[GRANT_KEY[role]][token] = tenant;
  });
  return out;
}

export function grantCount(g: TokenGrants): number {
  return Object.keys(g.authors).length + Object.keys(g.trusted).length + Object.keys(g.reviewers).length;
}

function merge(...all: TokenGrants[]): TokenGrants {
  const out = emptyGrants();
  for (const g of all) for (const k of ['authors', 'trusted', 'reviewers'] as const) Object.assign(out[k], g[k]);
  return out;
}

export async function loadTokens(sources: { argv?: Partial<TokenGrants>; file?: string; env: NodeJS.ProcessEnv }): Promise<TokenGrants> {
  const fromFile = sources.file === undefined ? emptyGrants() : await tokenFile(sources.file);
  const envText = sources.env[TOKENS_ENV];
  const fromEnv = envText ? parseTokenList(envText, TOKENS_ENV) : emptyGrants();
  return merge(fromEnv, fromFile, { ...emptyGrants(), ...(sources.argv ?? {}) });
}

async function tokenFile(file: string): Promise<TokenGrants> {
  const text = await readPrivateFile(file, 'the tokens');
  if (text === undefined) throw new TokenSourceError(`--token-file ${file} does not exist`);
  const tokens = parseTokenList(text, `--token-file ${file}`);
  if (grantCount(tokens) === 0) throw new TokenSourceError(`--token-file ${file} holds no token`);
  return tokens;
}

/**
 * The admin token (fault injection, any tenant's review): `--admin-token` (visible in `ps`),
 * `--admin-token-file FILE` (mode 0600, its first non-comment line) or ESCHER_ADMIN_TOKEN. One
 * source only: two that disagree would leave the operator guessing which one is live.
 */
export async function loadAdminToken(sources: { argv?: string; file?: string; env: NodeJS.ProcessEnv }): Promise<string | undefined> {
  const given = [sources.argv, sources.file, sources.env.ESCHER_ADMIN_TOKEN].filter((x) => x !== undefined && x !== '');
  if (given.length > 1) throw new TokenSourceError('give the admin token once: --admin-token, --admin-token-file or ESCHER_ADMIN_TOKEN');
  if (sources.file === undefined) return sources.argv || sources.env.ESCHER_ADMIN_TOKEN || undefined;
  const text = await readPrivateFile(sources.file, 'the admin token');
  if (text === undefined) throw new TokenSourceError(`--admin-token-file ${sources.file} does not exist`);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length !== 1 || !/^[\x21-\x7e]+$/.test(lines[0]!)) throw new TokenSourceError(`--admin-token-file ${sources.file}: expected one line holding the token (printable ASCII without spaces; # starts a comment)`);
  return lines[0];
}
