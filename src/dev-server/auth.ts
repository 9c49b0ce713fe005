import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { PLAYBOOK_ID } from '../core/shared/safe-path';
import { ApiError } from './api-error';

export interface Caller {
  tenant: string;
  admin: boolean;
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Bearer tokens, one tenant each (`tokens: {token: tenant}`), plus an optional admin token that
 * may act as a reviewer for any tenant named in X-Escher-Tenant and reach /api/admin/*. Tokens
 * are kept only as sha256 digests, so a Map lookup never compares secrets byte by byte.
 */
export class Authenticator {
  private readonly tenantsByDigest = new Map<string, string>();
  private readonly adminDigest: string | undefined;

  constructor(tokens: Record<string, string>, adminToken?: string) {
    for (const [token, tenant] of Object.entries(tokens)) {
      if (!token) throw new Error('empty token');
      if (!PLAYBOOK_ID.test(tenant)) throw new Error(`tenant id "${tenant}" must be a lower-case slug (letters, digits, single hyphens)`);
      this.tenantsByDigest.set(digest(token), tenant);
    }
    this.adminDigest = adminToken ? digest(adminToken) : undefined;
  }

  private bearer(req: FastifyRequest): string {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer ([\x21-\x7e]+)$/i.exec(h.trim()) : null;
    if (!m) throw new ApiError(401, 'UNAUTHENTICATED', 'missing bearer token (send Authorization: Bearer <token>)');
    return digest(m[1] as string);
  }

  /** Who is calling an /api/* route, or a 401/403. */
  caller(req: FastifyRequest): Caller {
    const d = this.bearer(req);
    const header = req.headers['x-escher-tenant'];
    const named = typeof header === 'string' ? header : undefined;
    if (named !== undefined && !PLAYBOOK_ID.test(named)) throw new ApiError(400, 'BAD_TENANT', 'X-Escher-Tenant is not a valid tenant id');
    if (this.adminDigest && d === this.adminDigest) {
      if (!named) throw new ApiError(400, 'MISSING_TENANT', 'X-Escher-Tenant header is required');
      return { tenant: named, admin: true };
    }
    const tenant = this.tenantsByDigest.get(d);
    if (!tenant) throw new ApiError(401, 'UNAUTHENTICATED', 'unknown bearer token');
    if (!named) throw new ApiError(400, 'MISSING_TENANT', 'X-Escher-Tenant header is required');
    // Names the tenant asked for, never the token or the token's own tenant: a client shows this as is.
    if (named !== tenant) throw new ApiError(403, 'TENANT_MISMATCH', `this token is not valid for tenant "${named}"`);
    return { tenant, admin: false };
  }

  /** /api/admin/* */
  admin(req: FastifyRequest): void {
    if (!this.adminDigest) throw new ApiError(403, 'ADMIN_DISABLED', 'admin endpoints are disabled (start the server with --admin-token)');
    if (this.bearer(req) !== this.adminDigest) throw new ApiError(403, 'FORBIDDEN', 'admin token required');
  }
}
