import { createHash, createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { PLAYBOOK_ID } from '../core/shared/safe-path';
import { ApiError } from './api-error';

/**
 * Roles a tenant token carries:
 *   author    publishes; an uploaded_trusted version still lands pending (a person must review it)
 *   trusted   an author whose uploaded_trusted versions land approved (e.g. a CI identity)
 *   reviewer  an author who may also approve or reject versions someone else published
 * The admin token is a reviewer for any tenant named in X-Escher-Tenant.
 */
export type Role = 'author' | 'trusted' | 'reviewer';

export interface Caller {
  tenant: string;
  admin: boolean;
  role: Role;
  /** Who is calling, without revealing the token: "admin" or "key-" + 16 hex of HMAC(server key, token). */
  principal: string;
}

/** token -> tenant, one map per role. */
export interface TokenGrants {
  authors: Record<string, string>;
  trusted: Record<string, string>;
  reviewers: Record<string, string>;
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Bearer tokens with their tenant and role, plus an optional admin token that reaches
 * /api/admin/*. Tokens are kept only as sha256 digests, so a Map lookup never compares secrets
 * byte by byte. The principal recorded with a publish or a review is keyed by the server's
 * secret, so a short token cannot be guessed back from it.
 */
export class Authenticator {
  private readonly byDigest = new Map<string, { tenant: string; role: Role; principal: string }>();
  private readonly adminDigest: string | undefined;

  constructor(grants: Partial<TokenGrants>, adminToken: string | undefined, serverKey: Buffer) {
    const roles: Array<[Role, Record<string, string> | undefined]> = [
      ['author', grants.authors],
      ['trusted', grants.trusted],
      ['reviewer', grants.reviewers],
    ];
    for (const [role, tokens] of roles) {
      for (const [token, tenant] of Object.entries(tokens ?? {})) {
        if (!token) throw new Error('empty token');
        if (!PLAYBOOK_ID.test(tenant)) throw new Error(`tenant id "${tenant}" must be a lower-case slug (letters, digits, single hyphens)`);
        const d = digest(token);
        const prior = this.byDigest.get(d);
        if (prior) throw new Error(`a ${role} token of tenant ${tenant} is also given as a ${prior.role} token of tenant ${prior.tenant}; give each token one role`);
        this.byDigest.set(d, { tenant, role, principal: `key-${createHmac('sha256', serverKey).update(`principal\n${token}`).digest('hex').slice(0, 16)}` });
      }
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
      return { tenant: named, admin: true, role: 'reviewer', principal: 'admin' };
    }
    const grant = this.byDigest.get(d);
    if (!grant) throw new ApiError(401, 'UNAUTHENTICATED', 'unknown bearer token');
    if (!named) throw new ApiError(400, 'MISSING_TENANT', 'X-Escher-Tenant header is required');
    // Names the tenant asked for, never the token or the token's own tenant: a client shows this as is.
    if (named !== grant.tenant) throw new ApiError(403, 'TENANT_MISMATCH', `this token is not valid for tenant "${named}"`);
    return { tenant: grant.tenant, admin: false, role: grant.role, principal: grant.principal };
  }

  /** /api/admin/* */
  admin(req: FastifyRequest): void {
    if (!this.adminDigest) throw new ApiError(403, 'ADMIN_DISABLED', 'admin endpoints are disabled (start the server with --admin-token-file or ESCHER_ADMIN_TOKEN)');
    if (this.bearer(req) !== this.adminDigest) throw new ApiError(403, 'FORBIDDEN', 'admin token required');
  }
}
