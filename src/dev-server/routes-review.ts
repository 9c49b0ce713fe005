import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decisionFor } from '../core/escher-api/review';
import type { VersionRecord } from '../core/escher-api/types';
import { wireRef } from '../core/escher-api/wire-validate';
import { ApiError } from './api-error';
import type { Caller } from './auth';
import type { Tenant } from './context';
import { liveVersion } from './live-version';
import { checkPrecondition, readPrecondition, runMutation } from './mutation';
import { playbookId, versionParam } from './params';

/**
 * Review: the queue of pending versions and the decision on one. Only a reviewer token (or the
 * admin token) decides, never on a version it published itself; the decision is recorded with the
 * exact content it covers (see src/core/escher-api/review.ts) and a later change to that content
 * makes the version pending again (PATCH in routes-playbooks.ts).
 */
type TenantOf = (req: FastifyRequest) => Promise<Tenant>;

function mayReview(caller: Caller | null, v: VersionRecord, what: string): Caller {
  if (!caller || caller.role !== 'reviewer') {
    throw new ApiError(403, 'NOT_A_REVIEWER', `only a reviewer may ${what}: this token is an ${caller?.role ?? 'unknown'} token (the server's --reviewer-token gives the right)`);
  }
  if (v.published_by !== undefined && v.published_by === caller.principal) {
    throw new ApiError(403, 'SELF_REVIEW', `you published ${v.metadata.playbook_id}@${v.version} yourself; another reviewer must ${what}`);
  }
  return caller;
}

export function registerReviewRoutes(app: FastifyInstance, tenantOf: TenantOf, nowIso: () => string): void {
  app.get('/api/review-queue', { config: { access: 'tenant' } }, async (req) => {
    const tenant = await tenantOf(req);
    const items = [];
    for (const rec of tenant.store.all()) {
      if (rec.deleted) continue;
      for (const v of Object.values(rec.versions)) {
        if (v.review_status !== 'pending') continue;
        items.push({
          playbook_id: rec.playbook_id,
          version: v.version,
          name: v.metadata.name,
          content_hash: v.metadata.content_hash,
          published_at: v.published_at,
          ...(v.published_by ? { published_by: v.published_by } : {}),
          ...(v.review ? { last_decision: v.review } : {}),
        });
      }
    }
    items.sort((a, b) => a.published_at.localeCompare(b.published_at) || a.playbook_id.localeCompare(b.playbook_id));
    return { items };
  });

  app.post('/api/playbooks/:id/versions/:version/review', { config: { access: 'tenant' }, schema: { body: wireRef('ReviewRequest') } }, async (req, reply) => {
    const params = req.params as Record<string, unknown>;
    const id = playbookId(params.id);
    const version = versionParam(params.version);
    const body = req.body as { status: 'approved' | 'rejected'; comment?: string };
    const tenant = await tenantOf(req);
    const pre = readPrecondition(req);
    return runMutation(req, reply, tenant, async () => {
      const { current, v } = liveVersion(tenant, id, version);
      const caller = mayReview(req.caller, v, body.status === 'approved' ? 'approve it' : 'reject it');
      if (pre.ifMatch || pre.ifNoneMatch) checkPrecondition(current, pre, 'review');
      const { review_comment: _old, ...rest } = v;
      const review = decisionFor(v.metadata, { status: body.status, reviewer: caller.principal, kind: 'review', at: nowIso(), ...(body.comment !== undefined ? { comment: body.comment } : {}) });
      const next: VersionRecord = { ...rest, review_status: body.status, review, ...(body.comment !== undefined ? { review_comment: body.comment } : {}) };
      const versions = { ...current.versions, [version]: next };
      const record = await tenant.store.commit({ playbook_id: id, deleted: false, latest_version: current.latest_version, versions });
      return { status: 200, body: record, etag: record.revision };
    });
  });
}
