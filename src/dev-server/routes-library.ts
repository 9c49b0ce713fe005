import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from './api-error';
import type { ServerContext, Tenant } from './context';
import { intParam, playbookId } from './params';

type TenantOf = (req: FastifyRequest) => Promise<Tenant>;

/**
 * GET /api/library: the Escher Library listing, by id, in pages. Any authenticated tenant may read
 * it. The library does not change while the server runs, so one ETag names all of it and a client
 * that is up to date spends one request answered 304 (docs/server-protocol.md).
 */
export function registerLibraryRoutes(app: FastifyInstance, ctx: ServerContext, tenantOf: TenantOf): void {
  app.get('/api/library', { config: { access: 'tenant' } }, async (req, reply) => {
    await tenantOf(req);
    const q = req.query as Record<string, unknown>;
    if (Array.isArray(q.after)) throw badRequest('after must be given once');
    const after = q.after === undefined ? undefined : playbookId(q.after);
    const limit = intParam(q.limit, 'limit', 500, 1, 1000);
    const etag = ctx.library.etag;
    reply.header('etag', etag);
    if (after === undefined && req.headers['if-none-match'] === etag) return reply.code(304).send();
    return ctx.library.page(after, limit);
  });
}
