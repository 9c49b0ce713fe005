import type { FastifyInstance } from 'fastify';
import type { Authenticator } from './auth';

/**
 * Who may call a route, declared on the route itself (`config: { access }`) and enforced by one
 * onRequest hook that reads the route the router MATCHED, never the raw URL: the router decodes
 * `%61`, so any prefix test on `req.url` can be walked around (`/%61pi/%61dmin/faults`).
 *   public  no token (health)
 *   tenant  a tenant's bearer token or the admin token, with X-Escher-Tenant (sets req.caller)
 *   admin   the admin token only (the handlers check again: see requireAdmin)
 *   signed  no bearer token; the handler verifies the URL's HMAC signature (blobs)
 * A route registered without `access` stops the server at start, so a new route cannot be open by
 * omission.
 */
export type Access = 'public' | 'tenant' | 'admin' | 'signed';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

const ACCESS: ReadonlySet<string> = new Set<Access>(['public', 'tenant', 'admin', 'signed']);

export function guardRoutes(app: FastifyInstance, auth: Authenticator): void {
  app.addHook('onRoute', (r) => {
    const access = (r.config as { access?: unknown } | undefined)?.access;
    if (typeof access !== 'string' || !ACCESS.has(access)) throw new Error(`route ${String(r.method)} ${r.url} declares no access (config.access: public|tenant|admin|signed)`);
  });
  app.addHook('onRequest', async (req) => {
    // Unmatched requests carry no access and go on to the 404 handler.
    const access = req.routeOptions.config.access;
    if (access === 'tenant') req.caller = auth.caller(req);
    else if (access === 'admin') auth.admin(req);
  });
}
