import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../core/shared/errors';
import { redact } from '../core/shared/logger';
import { FAULT_NAMES, isFaultName, type FaultSpec } from './faults';
import { openApiYaml } from './openapi-yaml';
import { grantCount, loadAdminToken, loadTokens, parseTokenEntry, TOKENS_ENV, TokenSourceError } from './tokens';
import { SERVER_VERSION, startDevServer } from './server';

/**
 * node dist/dev-server.js --port <n|0> --data <dir> [--library <dir>]
 *                         [--token-file FILE] [--token <t> | --token TENANT=TOKEN ...]  (or ESCHER_DEV_SERVER_TOKENS)
 *                         [--reviewer-token TENANT=TOKEN ...] [--trusted-token TENANT=TOKEN ...]
 *                         [--admin-token-file FILE | --admin-token <t>] (or ESCHER_ADMIN_TOKEN) [--fault NAME[:count=N,seconds=S,match=/prefix]] ...
 *                         [--tls-cert cert.pem --tls-key key.pem]
 * Prints its base URL as the FIRST line on stdout (tests and scripts read it), logs to stderr.
 */
const tokenOption =
  (flag: string) =>
  (value: string, prev: Record<string, string> | undefined): Record<string, string> => {
    if (/^(reviewer|trusted):/.test(value)) throw new InvalidArgumentError(`${flag} takes TENANT=TOKEN; the role comes from the flag`);
    try {
      const [token, tenant] = parseTokenEntry(value, flag);
      return { ...(prev ?? {}), [token]: tenant };
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };

function parseFault(value: string, prev: FaultSpec[] | undefined): FaultSpec[] {
  const [name, opts] = value.split(':', 2) as [string, string | undefined];
  if (!isFaultName(name)) throw new InvalidArgumentError(`unknown fault "${name}" (one of ${FAULT_NAMES.join(', ')})`);
  const spec: FaultSpec = { name };
  for (const kv of (opts ?? '').split(',').filter(Boolean)) {
    const [k, v = ''] = kv.split('=', 2) as [string, string | undefined];
    if (k === 'count' && /^\d+$/.test(v) && Number(v) > 0) spec.count = Number(v);
    else if (k === 'seconds' && Number.isFinite(Number(v)) && v !== '') spec.seconds = Number(v);
    else if (k === 'match' && v.startsWith('/')) spec.match = v;
    else throw new InvalidArgumentError(`bad fault option "${kv}" (count=N, seconds=S, match=/prefix)`);
  }
  return [...(prev ?? []), spec];
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('port must be 0-65535');
  return n;
}

function parseTtl(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 7 * 24 * 3600) throw new InvalidArgumentError('seconds must be 1-604800');
  return n;
}

function parseMb(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100_000) throw new InvalidArgumentError('must be 1-100000 (MB)');
  return n;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('escher-dev-server')
    .description('Reference Escher server: file-backed, with fault injection for tests')
    .version(SERVER_VERSION)
    .option('--data <dir>', 'data directory (created if missing); required unless --print-openapi')
    .option('--port <n>', 'port (0 = any free port)', parsePort, 0)
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--public-url <url>', 'base URL clients use (pre-signed URLs are built on it); default: the bound address')
    .option('--library <dir>', 'serve Escher Library playbooks from this folder (<id>/v<version>/metadata.json + scripts)')
    .option('--token-file <file>', `tokens, [reviewer:|trusted:]TENANT=TOKEN per line (mode 0600); or set ${TOKENS_ENV}`)
    .option('--token <token>', 'author token: TOKEN (tenant "default") or TENANT=TOKEN; repeatable (visible in ps: prefer --token-file)', tokenOption('--token'))
    .option('--reviewer-token <token>', 'reviewer token TENANT=TOKEN: approves or rejects versions others published; repeatable', tokenOption('--reviewer-token'))
    .option('--trusted-token <token>', 'trusted author token TENANT=TOKEN: its uploaded_trusted versions land approved; repeatable', tokenOption('--trusted-token'))
    .option('--admin-token-file <file>', 'the admin token, alone on a line, in a 0600 file; or set ESCHER_ADMIN_TOKEN')
    .option('--admin-token <token>', 'token for /api/admin/* and reviewer actions in any tenant (visible in ps: prefer --admin-token-file or ESCHER_ADMIN_TOKEN)')
    .option('--fault <name>', `inject a fault from the start: ${FAULT_NAMES.join('|')}[:count=N,seconds=S,match=/prefix]; repeatable`, parseFault)
    .option('--url-ttl <seconds>', 'lifetime of pre-signed URLs', parseTtl, 300)
    .option('--max-upload-mb <n>', 'largest script accepted', parseMb, 1024)
    .option('--tls-cert <file>', 'serve https with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--no-fsync', 'skip fsync on writes (benchmarks only)')
    .option('--verbose', 'log each request to stderr')
    .option('--print-openapi', 'print the OpenAPI document (api/escher-server.openapi.yaml) and exit');
  program.parse();
  const o = program.opts<{
    data?: string;
    printOpenapi?: boolean;
    port: number;
    host: string;
    library?: string;
    publicUrl?: string;
    token?: Record<string, string>;
    reviewerToken?: Record<string, string>;
    trustedToken?: Record<string, string>;
    tokenFile?: string;
    adminToken?: string;
    adminTokenFile?: string;
    fault?: FaultSpec[];
    urlTtl: number;
    maxUploadMb: number;
    fsync: boolean;
    tlsCert?: string;
    tlsKey?: string;
    verbose?: boolean;
  }>();
  if (o.printOpenapi) {
    process.stdout.write(openApiYaml());
    return;
  }
  if (!o.data) {
    process.stderr.write('escher-dev-server: --data <dir> is required\n');
    process.exit(2);
  }
  const argv = { authors: o.token ?? {}, reviewers: o.reviewerToken ?? {}, trusted: o.trustedToken ?? {} };
  const refuse = (e: unknown): never => {
    if (!(e instanceof TokenSourceError || e instanceof ConfigError)) throw e;
    process.stderr.write(`escher-dev-server: ${e.message}${e instanceof ConfigError && e.hint ? ` (${e.hint})` : ''}\n`);
    return process.exit(2);
  };
  const tokens = await loadTokens({ argv, file: o.tokenFile, env: process.env }).catch(refuse);
  const adminToken = await loadAdminToken({ argv: o.adminToken, file: o.adminTokenFile, env: process.env }).catch(refuse);
  if (grantCount(tokens) === 0) {
    process.stderr.write(`escher-dev-server: give at least one tenant token: --token-file FILE (TENANT=TOKEN lines, mode 0600), ${TOKENS_ENV}="TENANT=TOKEN …", or --token TENANT=TOKEN\n`);
    process.exit(2);
  }
  if (o.token || o.reviewerToken || o.trustedToken || o.adminToken) process.stderr.write('escher-dev-server: warning: a token on the command line is visible to other users (ps); use --token-file, ESCHER_DEV_SERVER_TOKENS, --admin-token-file or ESCHER_ADMIN_TOKEN\n');
  if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) {
    process.stderr.write('escher-dev-server: --tls-cert and --tls-key go together\n');
    process.exit(2);
  }
  const tls = o.tlsCert && o.tlsKey ? { cert: await readFile(o.tlsCert), key: await readFile(o.tlsKey) } : undefined;
  const logger = {
    debug: (m: string) => o.verbose && process.stderr.write(redact(m) + '\n'),
    info: (m: string) => o.verbose && process.stderr.write(redact(m) + '\n'),
    warn: (m: string) => process.stderr.write(redact(m) + '\n'),
    error: (m: string) => process.stderr.write(redact(m) + '\n'),
  };
  const server = await startDevServer({
    dataDir: o.data,
    libraryDir: o.library,
    publicUrl: o.publicUrl,
    tokens: tokens.authors,
    reviewerTokens: tokens.reviewers,
    trustedTokens: tokens.trusted,
    adminToken,
    port: o.port,
    host: o.host,
    urlTtlSeconds: o.urlTtl,
    maxUploadBytes: o.maxUploadMb * 1024 * 1024,
    faults: o.fault ?? [],
    durable: o.fsync,
    tls,
    logger,
  });
  process.stdout.write(server.url + '\n');
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`escher-dev-server: ${redact(e instanceof Error ? e.message : String(e))}\n`);
  process.exit(1);
});
