import type { FastifyInstance } from 'fastify';
import { wireRef } from '../core/escher-api/wire-validate';
import { badRequest } from './api-error';
import type { Authenticator } from './auth';
import type { ServerContext } from './context';
import { isFaultName, type FaultSpec } from './faults';

/**
 * Run-time fault injection (admin token only). The access hook (access.ts) already refuses other
 * callers; each handler checks again itself, so a routing mistake cannot open fault injection to a
 * tenant. Admin routes themselves are never faulted.
 */
export function registerAdminRoutes(app: FastifyInstance, ctx: ServerContext, auth: Authenticator): void {
  const admin = { config: { access: 'admin' as const } };

  app.get('/api/admin/faults', admin, async (req) => {
    auth.admin(req);
    return { faults: ctx.faults.list() };
  });

  app.post('/api/admin/faults', { ...admin, schema: { body: wireRef('FaultRequest') } }, async (req) => {
    auth.admin(req);
    const { name, ...opts } = req.body as FaultSpec;
    ctx.faults.set(name, opts);
    return { faults: ctx.faults.list() };
  });

  app.delete('/api/admin/faults', admin, async (req) => {
    auth.admin(req);
    const name = (req.query as Record<string, unknown>).name;
    if (name !== undefined && (typeof name !== 'string' || !isFaultName(name))) throw badRequest('unknown fault name');
    ctx.faults.clear(name as FaultSpec['name'] | undefined);
    return { faults: ctx.faults.list() };
  });
}
