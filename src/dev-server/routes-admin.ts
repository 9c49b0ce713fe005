import type { FastifyInstance } from 'fastify';
import { wireRef } from '../core/escher-api/wire-validate';
import { badRequest } from './api-error';
import type { Authenticator } from './auth';
import type { ServerContext } from './context';
import { isFaultName, type FaultSpec } from './faults';

/** Run-time fault injection (admin token only). Admin routes themselves are never faulted. */
export function registerAdminRoutes(app: FastifyInstance, ctx: ServerContext, auth: Authenticator): void {
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/admin/')) auth.admin(req);
  });

  app.get('/api/admin/faults', async () => ({ faults: ctx.faults.list() }));

  app.post('/api/admin/faults', { schema: { body: wireRef('FaultRequest') } }, async (req) => {
    const { name, ...opts } = req.body as FaultSpec;
    ctx.faults.set(name, opts);
    return { faults: ctx.faults.list() };
  });

  app.delete('/api/admin/faults', async (req) => {
    const name = (req.query as Record<string, unknown>).name;
    if (name !== undefined && (typeof name !== 'string' || !isFaultName(name))) throw badRequest('unknown fault name');
    ctx.faults.clear(name as FaultSpec['name'] | undefined);
    return { faults: ctx.faults.list() };
  });
}
