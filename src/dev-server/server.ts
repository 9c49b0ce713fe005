import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { formatAjvErrors, wireAjv } from '../core/escher-api/wire-validate';
import type { Clock } from '../core/shared/clock';
import { systemClock } from '../core/shared/clock';
import { ValidationError } from '../core/shared/errors';
import { silentLogger, type Logger } from '../core/shared/logger';
import { ApiError } from './api-error';
import { guardRoutes } from './access';
import { Authenticator, type Caller } from './auth';
import { lockDataDir } from './data-lock';
import { loadServerKey, TenantRegistry, type ServerContext } from './context';
import { FaultSet, type FaultName, type FaultOptions, type FaultSpec } from './faults';
import { Library } from './library';
import { registerAdminRoutes } from './routes-admin';
import { registerLibraryRoutes } from './routes-library';
import { registerPlaybookRoutes } from './routes-playbooks';
import { registerScriptRoutes } from './routes-scripts';
import { UrlSigner } from './url-signer';

/**
 * The reference Escher server (fastify 5): the whole contract of api/escher-server.openapi.yaml
 * over file-backed storage in `dataDir`, with fault injection for tests. Request bodies are
 * validated by fastify with the wire schemas (src/core/escher-api/wire-schemas.ts), the same
 * objects the OpenAPI document is generated from.
 */
export const SERVER_VERSION = '1.0.0';

export interface DevServerOptions {
  dataDir: string;
  libraryDir?: string;
  /** Author tokens: token -> tenant id (roles: auth.ts). */
  tokens?: Record<string, string>;
  /** Reviewer tokens: token -> tenant id. */
  reviewerTokens?: Record<string, string>;
  /** Trusted author tokens (uploaded_trusted lands approved): token -> tenant id. */
  trustedTokens?: Record<string, string>;
  adminToken?: string;
  port?: number;
  host?: string;
  /** Base URL clients reach this server at, for pre-signed URLs (default: the bound address; set it when binding 0.0.0.0 or behind a proxy). */
  publicUrl?: string;
  /** Lifetime of pre-signed download URLs (default 300 s). */
  urlTtlSeconds?: number;
  /** Largest accepted script upload (default 1 GiB). */
  maxUploadBytes?: number;
  faults?: Array<{ name: FaultName } & FaultOptions>;
  /** Serve https with this key pair (PEM) instead of plain http. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** fsync every write (default true); benchmarks that seed 10k records may turn it off. */
  durable?: boolean;
  clock?: Clock;
  logger?: Logger;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
}

export interface DevServer {
  url: string;
  setFault(name: FaultName, opts?: FaultOptions): void;
  clearFaults(name?: FaultName): void;
  /** The faults still armed (a fault with a count is gone once it has fired that often). */
  faults(): FaultSpec[];
  /** Requests answered since start (or the last resetRequests), oldest first; at most 100k kept. */
  requests(): RequestLogEntry[];
  resetRequests(): void;
  /** Every route the server answers (method + fastify URL pattern), HEAD excluded. */
  routes: ReadonlyArray<{ method: string; url: string }>;
  /** Problems found while loading --library (versions left out). */
  libraryProblems: readonly string[];
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir);
  try {
    return await start(options, dataDir, unlock);
  } catch (e) {
    await unlock();
    throw e;
  }
}

async function start(options: DevServerOptions, dataDir: string, unlock: () => Promise<void>): Promise<DevServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const durable = options.durable ?? true;
  const serverKey = await loadServerKey(dataDir);
  const auth = new Authenticator({ authors: options.tokens, reviewers: options.reviewerTokens, trusted: options.trustedTokens }, options.adminToken, serverKey);
  const faults = new FaultSet();
  for (const f of options.faults ?? []) faults.set(f.name, f);
  const ctx: ServerContext = {
    dataDir,
    baseUrl: '',
    clock,
    logger,
    durable,
    urlTtlSeconds: options.urlTtlSeconds ?? 300,
    maxUploadBytes: options.maxUploadBytes ?? 1024 * 1024 * 1024,
    library: await Library.load(options.libraryDir, logger),
    signer: new UrlSigner(serverKey),
    faults,
    tenants: new TenantRegistry(dataDir, durable, () => clock.now()),
  };

  const base = { logger: false, bodyLimit: 8 * 1024 * 1024, forceCloseConnections: true, return503OnClosing: true } as const;
  // Routes are written against the plain-http instance type; the https instance behaves the same.
  const app = options.tls ? (Fastify({ ...base, https: options.tls }) as unknown as FastifyInstance) : Fastify(base);
  // One Ajv holds the wire schemas; route schemas are {$ref} into it.
  app.setValidatorCompiler(({ schema }) => wireAjv().compile(schema as object));
  // Script uploads are streamed straight to disk (constant memory for any size): hand the handler the raw stream.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
  app.decorateRequest('caller', null);
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, url: r.url });
  });

  const log: RequestLogEntry[] = [];
  app.addHook('onResponse', async (req, reply) => {
    if (log.length >= 100_000) log.shift();
    log.push({ method: req.method, path: req.url.split('?')[0] as string, status: reply.statusCode });
    logger.debug(`${req.method} ${req.url.split('?')[0]} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`);
  });

  // Admin routes are never faulted, so tests can always clear faults. Faults come before
  // authentication, so a test can make a client with any token meet a failing server.
  const faultable = (req: FastifyRequest): boolean => req.routeOptions.config.access !== 'admin';
  app.addHook('onRequest', async (req) => {
    if (!faultable(req)) return;
    const p = req.url.split('?')[0] as string;
    const slow = ctx.faults.take('slow', p);
    if (slow) await new Promise((r) => setTimeout(r, (slow.seconds ?? 2) * 1000));
    if (ctx.faults.take('status500', p)) throw new ApiError(500, 'INJECTED_FAULT', 'injected fault: status500');
  });
  guardRoutes(app, auth);
  app.addHook('onSend', async (req, reply, payload) => {
    if (!faultable(req) || typeof payload !== 'string') return payload;
    if (!String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return payload;
    return ctx.faults.take('garbage', req.url.split('?')[0] as string) ? '{"ok": tru<html>garbage' : payload;
  });

  app.setErrorHandler((err: FastifyError | ApiError | Error, req, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send(err.body());
    if (err instanceof ValidationError) return reply.code(400).send({ error: { code: 'VALIDATION', message: err.message } });
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.code(400).send({ error: { code: 'VALIDATION', message: `request ${fe.validationContext ?? 'body'} is invalid: ${formatAjvErrors(fe.validation as never, 5, fe.validationContext === 'body' ? req.body : undefined).join('; ')}` } });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send({ error: { code: fe.code ?? 'BAD_REQUEST', message: fe.message } });
    }
    logger.error(`dev-server: ${req.method} ${req.url.split('?')[0]} failed: ${err.stack ?? err.message}`);
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal server error' } });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  const tenantOf = (req: FastifyRequest) => {
    if (!req.caller) throw new ApiError(401, 'UNAUTHENTICATED', 'missing bearer token');
    return ctx.tenants.get(req.caller.tenant);
  };
  app.get('/api/health', { config: { access: 'public' } }, async () => ({ ok: true, version: SERVER_VERSION }));
  // The access hook has already checked the token against X-Escher-Tenant: answering is the check.
  app.get('/api/session', { config: { access: 'tenant' } }, async (req) => {
    if (!req.caller) throw new ApiError(401, 'UNAUTHENTICATED', 'missing bearer token');
    return { tenant_id: req.caller.tenant, server_version: SERVER_VERSION };
  });
  registerPlaybookRoutes(app, ctx, tenantOf);
  registerScriptRoutes(app, ctx, tenantOf);
  registerLibraryRoutes(app, ctx, tenantOf);
  registerAdminRoutes(app, ctx, auth);

  // Load every known tenant before answering, so the first request is not the one paying for it
  // (and a corrupt record file stops the server at start, with the file named).
  const tenants = [options.tokens, options.reviewerTokens, options.trustedTokens].flatMap((m) => Object.values(m ?? {}));
  await Promise.all([...new Set(tenants)].map((t) => ctx.tenants.get(t)));

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('server did not bind a TCP port');
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  ctx.baseUrl = options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : `${options.tls ? 'https' : 'http'}://${shownHost}:${addr.port}`;

  return {
    url: ctx.baseUrl,
    setFault: (name, opts) => faults.set(name, opts),
    clearFaults: (name) => faults.clear(name),
    faults: () => faults.list(),
    requests: () => [...log],
    resetRequests: () => void log.splice(0),
    routes,
    libraryProblems: ctx.library.problems,
    close: async () => {
      await app.close();
      await unlock();
    },
  };
}
