import { readPrivateFile } from '../core/shared/private-file';
import { PLAYBOOK_ID } from '../core/shared/safe-path';

/**
 * Where the reference server's tenant tokens come from. A token on the command line (`--token`) is
 * visible to every user of the machine through `ps`, so they can also come from
 *   --token-file FILE             mode 0600 (a looser file is refused), owned by the server's user
 *   ESCHER_DEV_SERVER_TOKENS      the environment (not shown by `ps` to other users)
 * both holding entries separated by whitespace or newlines, each `TENANT=TOKEN` or a bare `TOKEN`
 * (tenant "default"); in the file, lines starting with `#` are comments. All sources add up.
 * Errors name the source and the entry's position, never its text (it may be a token).
 */
export const TOKENS_ENV = 'ESCHER_DEV_SERVER_TOKENS';

export class TokenSourceError extends Error {}

/** `TOKEN` or `TENANT=TOKEN` -> [token, tenant]. `where` names the entry in an error. */
export function parseTokenEntry(entry: string, where: string): [token: string, tenant: string] {
  const eq = entry.indexOf('=');
  const [tenant, token] = eq >= 0 ? [entry.slice(0, eq), entry.slice(eq + 1)] : ['default', entry];
  if (!token || !/^[\x21-\x7e]+$/.test(token)) throw new TokenSourceError(`${where}: expected TOKEN or TENANT=TOKEN (a token is printable ASCII without spaces)`);
  if (!PLAYBOOK_ID.test(tenant)) throw new TokenSourceError(`${where}: the tenant id before "=" must be a lower-case slug (letters, digits, single hyphens); is it TENANT=TOKEN, in that order?`);
  return [token, tenant];
}

export function parseTokenList(text: string, source: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .split(/\s+/)
    .filter(Boolean);
  const out: Record<string, string> = {};
  entries.forEach((entry, i) => {
    const [token, tenant] = parseTokenEntry(entry, `${source}, entry ${i + 1}`);
    out[token] = tenant;
  });
  return out;
}

export async function loadTokens(sources: { argv?: Record<string, string>; file?: string; env: NodeJS.ProcessEnv }): Promise<Record<string, string>> {
  const fromFile = sources.file === undefined ? {} : await tokenFile(sources.file);
  const envText = sources.env[TOKENS_ENV];
  const fromEnv = envText ? parseTokenList(envText, TOKENS_ENV) : {};
  return { ...fromEnv, ...fromFile, ...(sources.argv ?? {}) };
}

async function tokenFile(file: string): Promise<Record<string, string>> {
  const text = await readPrivateFile(file, 'the tokens');
  if (text === undefined) throw new TokenSourceError(`--token-file ${file} does not exist`);
  const tokens = parseTokenList(text, `--token-file ${file}`);
  if (Object.keys(tokens).length === 0) throw new TokenSourceError(`--token-file ${file} holds no token`);
  return tokens;
}
