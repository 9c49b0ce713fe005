import { createReadStream } from 'node:fs';
import { promises as fs } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseS3Path, tenantS3Path } from '../core/escher-api/s3-path';
import type { DownloadTicket, UploadResult } from '../core/escher-api/types';
import { wireRef } from '../core/escher-api/wire-validate';
import { ValidationError } from '../core/shared/errors';
import { validateRelativePath } from '../core/shared/safe-path';
import { ApiError, badRequest, notFound } from './api-error';
import type { ServerContext, Tenant } from './context';
import { playbookId, versionParam } from './params';

/**
 * Script storage: upload (streamed, verified, content-addressed), the "which do you lack" check,
 * download tickets (pre-signed, expiring URLs on this server) and the /blob/ route that serves
 * them. Blob URLs need no bearer token: the HMAC signature is the authorisation, as with S3.
 */
type TenantOf = (req: FastifyRequest) => Promise<Tenant>;

const SHA_RE = /^[0-9a-f]{64}$/;
const FORMATS = new Set(['shell', 'cloudformation', 'arm', 'terraform', 'python']);

export function registerScriptRoutes(app: FastifyInstance, ctx: ServerContext, tenantOf: TenantOf): void {
  app.post('/api/playbook/upload', { config: { access: 'tenant' } }, async (req, reply) => {
    let id: string;
    let version: string;
    let scriptPath: string;
    let sha: string;
    let size: number | undefined;
    try {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the script as Content-Type: application/octet-stream');
      }
      const q = req.query as Record<string, unknown>;
      id = playbookId(q.playbook_id);
      version = versionParam(q.version);
      try {
        scriptPath = validateRelativePath('path', q.path);
      } catch (e) {
        throw badRequest((e as Error).message, 'BAD_PATH');
      }
      if (!FORMATS.has(scriptPath.split('/')[0] as string) || !scriptPath.includes('/')) throw badRequest('path must be <format>/<file>, e.g. shell/stop.sh', 'BAD_PATH');
      const header = req.headers['x-content-sha256'];
      if (typeof header !== 'string' || !SHA_RE.test(header)) throw badRequest('X-Content-SHA256 header must be the lower-case hex sha256 of the body', 'BAD_CHECKSUM_HEADER');
      sha = header;
      const lengthHeader = req.headers['content-length'];
      size = lengthHeader === undefined ? undefined : Number(lengthHeader);
      if (size !== undefined && size > ctx.maxUploadBytes) throw new ApiError(413, 'TOO_LARGE', `script is ${size} bytes, the server accepts at most ${ctx.maxUploadBytes}`);
    } catch (e) {
      // Refused before reading the body: close the connection rather than drain what could be 100 MB.
      reply.header('connection', 'close');
      throw e;
    }
    const tenant = await tenantOf(req);
    // fastify skips the parser for an empty body: an empty script is still a script.
    const body = (req.body as Readable | undefined) ?? Readable.from([]);
    const ref = await tenant.blobs.putStream(body, { sha256: sha, size, maxBytes: ctx.maxUploadBytes }).catch((e: unknown) => {
      if (e instanceof ApiError) reply.header('connection', 'close');
      throw e;
    });
    // Scripts of a published version are immutable: its metadata (and everyone's caches) name their sha256.
    const published = tenant.store.get(id);
    const listed = published && !published.deleted ? published.versions[version]?.metadata.scripts.find((x) => x.path === scriptPath) : undefined;
    if (listed && listed.sha256 !== ref.sha256) {
      throw new ApiError(409, 'VERSION_EXISTS', `${id}@${version} is published with a different ${scriptPath}; publish the change as a new version`, published ?? null);
    }
    await tenant.store.exclusive(() => tenant.blobs.link(id, version, { [scriptPath]: ref }));
    return { s3_path: tenantS3Path(tenant.id, id, version, scriptPath), sha256: ref.sha256, size: ref.size } satisfies UploadResult;
  });

  app.post('/api/playbook/upload/check', { config: { access: 'tenant' }, schema: { body: wireRef('UploadCheckRequest') } }, async (req) => {
    const { sha256 } = req.body as { sha256: string[] };
    const tenant = await tenantOf(req);
    const missing: string[] = [];
    for (const s of new Set(sha256)) if (!(await tenant.blobs.hasBlob(s))) missing.push(s);
    return { missing };
  });

  app.get('/api/script/download', { config: { access: 'tenant' } }, async (req) => {
    const raw = (req.query as Record<string, unknown>).s3_path;
    let loc;
    try {
      loc = parseS3Path(raw);
    } catch (e) {
      if (e instanceof ValidationError) throw badRequest(e.message, 'BAD_S3_PATH');
      throw e;
    }
    let sha: string;
    let size: number;
    let blobPath: string;
    if (loc.kind === 'tenant') {
      const tenant = await tenantOf(req);
      if (loc.tenant !== tenant.id) throw new ApiError(403, 'FORBIDDEN', `s3_path belongs to another tenant`);
      const obj = await tenant.blobs.object(loc.playbookId, loc.version, loc.path);
      if (!obj || !(await tenant.blobs.hasBlob(obj.sha256))) throw notFound(`no script at ${String(raw)}`);
      ({ sha256: sha, size } = obj);
      blobPath = `/blob/t/${tenant.id}/${sha}`;
    } else {
      await tenantOf(req); // authenticated callers only, even for the library
      const s = ctx.library.get(loc.playbookId, loc.version)?.scripts.get(loc.path);
      if (!s) throw notFound(`no library script at ${String(raw)}`);
      ({ sha256: sha, size } = s);
      blobPath = `/blob/lib/${sha}`;
    }
    const nowS = Math.floor(ctx.clock.now() / 1000);
    const exp = ctx.faults.take('expired-url', req.url) ? nowS - 60 : nowS + ctx.urlTtlSeconds;
    let base = ctx.baseUrl;
    if (ctx.faults.take('foreign-url', req.url)) {
      const u = new URL(ctx.baseUrl);
      u.hostname = u.hostname === '127.0.0.2' ? '127.0.0.3' : '127.0.0.2';
      base = u.origin;
    }
    const url = `${base}${blobPath}?exp=${exp}&sig=${ctx.signer.sign(blobPath, exp)}`;
    return { url, expires_at: new Date(exp * 1000).toISOString(), sha256: sha, size } satisfies DownloadTicket;
  });

  /** Verifies the signature first: nothing about the URL is looked up for an unsigned request. */
  const serveBlob = async (req: FastifyRequest, reply: FastifyReply, locate: () => Promise<string | undefined>): Promise<unknown> => {
    const pathname = req.url.split('?')[0] as string;
    const q = req.query as Record<string, string | undefined>;
    const verdict = ctx.signer.verify(pathname, q.exp, q.sig, ctx.clock.now());
    if (verdict === 'expired') throw new ApiError(403, 'URL_EXPIRED', 'this download URL has expired; request a new one');
    if (verdict !== 'ok') throw new ApiError(403, 'BAD_SIGNATURE', 'download URL signature is invalid');
    const file = await locate();
    if (!file) throw notFound('blob not found');
    let size: number;
    try {
      size = (await fs.stat(file)).size;
    } catch {
      throw notFound('blob not found');
    }
    const sha = pathname.slice(pathname.lastIndexOf('/') + 1);
    reply.header('content-type', 'application/octet-stream').header('content-length', String(size)).header('x-content-sha256', sha).header('cache-control', 'private, no-store');
    if (ctx.faults.take('truncate', pathname)) return truncated(reply, file, size, sha);
    let stream: Readable = createReadStream(file);
    if (ctx.faults.take('corrupt', pathname)) stream = stream.pipe(flipByte(Math.floor(size / 2)));
    return reply.send(stream);
  };

  app.get('/blob/t/:tenant/:sha', { config: { access: 'signed' } }, async (req, reply) => {
    const { tenant, sha } = req.params as Record<string, string>;
    if (!SHA_RE.test(sha ?? '') || !/^[a-z0-9-]{1,64}$/.test(tenant ?? '')) throw notFound('blob not found');
    return serveBlob(req, reply, async () => (await ctx.tenants.get(tenant as string)).blobs.blobFile(sha as string));
  });

  app.get('/blob/lib/:sha', { config: { access: 'signed' } }, async (req, reply) => {
    const { sha } = req.params as Record<string, string>;
    if (!SHA_RE.test(sha ?? '')) throw notFound('blob not found');
    return serveBlob(req, reply, async () => ctx.library.blobFile(sha as string));
  });
}

/** Same length, one byte changed: only a hash check can notice. */
function flipByte(at: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (at >= seen && at < seen + chunk.length) {
        const copy = Buffer.from(chunk);
        copy[at - seen] = (copy[at - seen] as number) ^ 0xff;
        chunk = copy;
      }
      seen += chunk.length;
      cb(null, chunk);
    },
  });
}

/** Advertise the full Content-Length, send half, then cut the connection. */
async function truncated(reply: FastifyReply, file: string, size: number, sha: string): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size), 'x-content-sha256': sha });
  const half = Math.floor(size / 2);
  if (half > 0) {
    for await (const chunk of createReadStream(file, { start: 0, end: half - 1 })) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
  }
  await new Promise<void>((r) => res.write('', () => r()));
  res.destroy();
}
