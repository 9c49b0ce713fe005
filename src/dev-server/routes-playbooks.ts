import type { FastifyInstance, FastifyRequest } from 'fastify';
import { contentHash } from '../core/escher-api/content-hash';
import type { FetchedMetadata, PublishedMetadata, VersionRecord } from '../core/escher-api/types';
import { wireRef } from '../core/escher-api/wire-validate';
import { badRequest, notFound } from './api-error';
import type { ServerContext, Tenant } from './context';
import { checkPrecondition, readPrecondition, runMutation } from './mutation';
import { intParam, playbookId, versionParam } from './params';
import { latestOf, registerPublishRoute } from './publish';
import { liveVersion } from './live-version';
import { registerReviewRoutes } from './routes-review';

/**
 * The tenant collection: publish (publish.ts), review (routes-review.ts), records, the changes
 * feed, versions (fetch, edits, delete) and search. Semantics are in docs/server-protocol.md.
 */
type TenantOf = (req: FastifyRequest) => Promise<Tenant>;

export function registerPlaybookRoutes(app: FastifyInstance, ctx: ServerContext, tenantOf: TenantOf): void {
  const nowIso = (): string => new Date(ctx.clock.now()).toISOString();
  registerPublishRoute(app, ctx, tenantOf);
  registerReviewRoutes(app, tenantOf, nowIso);

  app.get('/api/changes', { config: { access: 'tenant' } }, async (req) => {
    const q = req.query as Record<string, unknown>;
    const since = intParam(q.since, 'since', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(q.limit, 'limit', 500, 1, 1000);
    return (await tenantOf(req)).store.changes(since, limit);
  });

  app.get('/api/playbooks/:id', { config: { access: 'tenant' } }, async (req, reply) => {
    const id = playbookId((req.params as Record<string, unknown>).id);
    const rec = (await tenantOf(req)).store.get(id);
    if (!rec) throw notFound(`playbook ${id} was never published`);
    reply.header('etag', `"${rec.revision}"`);
    return rec;
  });

  app.get('/api/playbooks/:id/versions/:version', { config: { access: 'tenant' } }, async (req) => {
    const params = req.params as Record<string, unknown>;
    const id = playbookId(params.id);
    const version = versionParam(params.version, true);
    const source = (req.query as Record<string, unknown>).source ?? 'any';
    if (source !== 'tenant' && source !== 'library' && source !== 'any') throw badRequest('source must be tenant, library or any');
    if (source !== 'library') {
      const rec = (await tenantOf(req)).store.get(id);
      const v = rec && !rec.deleted ? rec.versions[version === 'latest' ? (rec.latest_version ?? '') : version] : undefined;
      if (v) return { source: 'tenant', metadata: v.metadata, review_status: v.review_status, ...(v.review ? { review: v.review } : {}) } satisfies FetchedMetadata;
    }
    if (source !== 'tenant') {
      const lib = ctx.library.get(id, version);
      if (lib) return { source: 'library', metadata: lib.metadata, review_status: 'not_required' } satisfies FetchedMetadata;
    }
    throw notFound(`playbook ${id} version ${version} not found (${source === 'any' ? 'tenant or library' : source})`);
  });

  app.patch('/api/playbooks/:id/versions/:version', { config: { access: 'tenant' }, schema: { body: wireRef('FieldPatch') } }, async (req, reply) => {
    const params = req.params as Record<string, unknown>;
    const id = playbookId(params.id);
    const version = versionParam(params.version);
    const patch = req.body as Partial<Pick<PublishedMetadata, 'name' | 'description' | 'keywords' | 'resource_types' | 'cloud_provider'>>;
    const tenant = await tenantOf(req);
    const pre = readPrecondition(req);
    return runMutation(req, reply, tenant, async () => {
      const { current, v } = liveVersion(tenant, id, version);
      checkPrecondition(current, pre, 'editing a version');
      const metadata: PublishedMetadata = { ...v.metadata, ...patch, updated_at: nowIso() };
      metadata.content_hash = contentHash(metadata);
      // A decision covers the content it was made on: changed content waits for a new review.
      const { review_comment: _c, ...rest } = v;
      const versions = { ...current.versions, [version]: { ...rest, metadata, review_status: v.review_status === 'not_required' ? v.review_status : 'pending' } satisfies VersionRecord };
      const record = await tenant.store.commit({ playbook_id: id, deleted: false, latest_version: current.latest_version, versions });
      return { status: 200, body: record, etag: record.revision };
    });
  });

  app.delete('/api/playbooks/:id', { config: { access: 'tenant' } }, async (req, reply) => {
    const id = playbookId((req.params as Record<string, unknown>).id);
    const tenant = await tenantOf(req);
    const pre = readPrecondition(req);
    return runMutation(req, reply, tenant, async () => {
      const current = tenant.store.get(id);
      if (!current) throw notFound(`playbook ${id} was never published`);
      if (current.deleted) return { status: 200, body: current, etag: current.revision };
      checkPrecondition(current, pre, 'delete');
      const record = await tenant.store.commit({ playbook_id: id, deleted: true, latest_version: null, versions: {} });
      return { status: 200, body: record, etag: record.revision };
    });
  });

  app.delete('/api/playbooks/:id/versions/:version', { config: { access: 'tenant' } }, async (req, reply) => {
    const params = req.params as Record<string, unknown>;
    const id = playbookId(params.id);
    const version = versionParam(params.version);
    const tenant = await tenantOf(req);
    const pre = readPrecondition(req);
    return runMutation(req, reply, tenant, async () => {
      const { current } = liveVersion(tenant, id, version);
      checkPrecondition(current, pre, 'delete');
      const { [version]: _gone, ...versions } = current.versions;
      const latest = latestOf(versions);
      const record = await tenant.store.commit({ playbook_id: id, deleted: latest === null, latest_version: latest, versions });
      return { status: 200, body: record, etag: record.revision };
    });
  });

  app.post('/api/playbooks/search', { config: { access: 'tenant' }, schema: { body: wireRef('SearchRequest') } }, async (req) => {
    const { query, limit } = req.body as { query: string; limit?: number };
    const tenant = await tenantOf(req);
    const results = tenant.search.search(query, limit ?? 10, tenant.store.maxSeq, function* () {
      for (const rec of tenant.store.all()) {
        const v = !rec.deleted && rec.latest_version ? rec.versions[rec.latest_version] : undefined;
        if (v && v.review_status !== 'rejected') yield { source: 'tenant' as const, metadata: v.metadata };
      }
      for (const metadata of ctx.library.latest()) yield { source: 'library' as const, metadata };
    });
    return { results };
  });
}
