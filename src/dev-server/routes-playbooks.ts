import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as semver from 'semver';
import { contentHash } from '../core/escher-api/content-hash';
import { parseS3Path, tenantS3Path } from '../core/escher-api/s3-path';
import type {
  FetchedMetadata,
  PlaybookRecord,
  PublishedMetadata,
  PublishRequest,
  ReviewStatus,
  VersionRecord,
} from '../core/escher-api/types';
import { formatAjvErrors, wireRef } from '../core/escher-api/wire-validate';
import { PLAYBOOK_ID } from '../core/shared/safe-path';
import { ApiError, badRequest, notFound, unprocessable } from './api-error';
import type { ServerContext, Tenant } from './context';
import { checkPrecondition, readPrecondition, runMutation } from './mutation';
import { vectorHash, type VectorInfo } from './tenant-store';

/**
 * The tenant collection: publish, records, the changes feed, versions (fetch, reviewer edits,
 * review, delete) and search. Semantics are documented in docs/server-protocol.md.
 */
type ScriptEntryWire = PublishedMetadata['scripts'][number];
type TenantOf = (req: FastifyRequest) => Promise<Tenant>;

const VERSION_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function playbookId(raw: unknown): string {
  if (typeof raw !== 'string' || !PLAYBOOK_ID.test(raw)) throw badRequest('playbook id must be a lower-case slug', 'BAD_PLAYBOOK_ID');
  return raw;
}

export function versionParam(raw: unknown, allowLatest = false): string {
  if (allowLatest && raw === 'latest') return 'latest';
  if (typeof raw !== 'string' || !VERSION_RE.test(raw)) throw badRequest('version must be a semantic version such as 1.0.0' + (allowLatest ? ' or "latest"' : ''), 'BAD_VERSION');
  return raw;
}

function intParam(raw: unknown, name: string, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw badRequest(`${name} must be a non-negative integer`);
  const n = Number(raw);
  if (n < min || n > max) throw badRequest(`${name} must be between ${min} and ${max}`);
  return n;
}

function latestOf(versions: Record<string, VersionRecord>): string | null {
  return Object.keys(versions).sort(semver.rcompare)[0] ?? null;
}

export function registerPlaybookRoutes(app: FastifyInstance, ctx: ServerContext, tenantOf: TenantOf): void {
  const nowIso = (): string => new Date(ctx.clock.now()).toISOString();

  app.post('/api/playbook/metadata/publish', { schema: { body: wireRef('PublishRequest') }, attachValidation: true }, async (req, reply) => {
    const body = req.body as PublishRequest | undefined;
    if ((body?.metadata as { storage_strategy?: unknown } | undefined)?.storage_strategy === 'local_only') {
      throw unprocessable('LOCAL_ONLY', 'local_only playbooks are never uploaded; change the storage strategy to publish it');
    }
    if (req.validationError) {
      throw unprocessable('INVALID_METADATA', `publish request is invalid: ${formatAjvErrors(req.validationError.validation as never).join('; ')}`);
    }
    const req2 = body as PublishRequest;
    const m = req2.metadata;
    const expectedHash = contentHash(m);
    if (m.content_hash !== expectedHash) throw unprocessable('CONTENT_HASH_MISMATCH', `content_hash is ${m.content_hash}, the metadata hashes to ${expectedHash} (see content-hash.ts)`);
    const paths = new Set<string>();
    for (const s of m.scripts) {
      if (paths.has(s.path)) throw unprocessable('INVALID_METADATA', `script path ${s.path} is listed twice`);
      paths.add(s.path);
      if (s.path.split('/')[0] !== s.format) throw unprocessable('INVALID_METADATA', `script ${s.path} is in the wrong folder for format ${s.format}`);
    }
    if (req2.vector?.some((x) => !Number.isFinite(x))) throw unprocessable('INVALID_VECTOR', 'vector must hold finite numbers');
    const tenant = await tenantOf(req);
    const pre = readPrecondition(req);
    const id = m.playbook_id;
    return runMutation(req, reply, tenant, async () => {
      const { store } = tenant;
      const current = store.get(id);
      const live = current && !current.deleted ? current : undefined;
      const existing = live?.versions[m.version];
      const newVector = req2.vector ? vectorHash(req2.vector) : undefined;
      const storedVector = store.vectorInfo(id, m.version);
      // Identical content (and no new vector): nothing to do, whatever the preconditions say.
      if (live && existing && existing.metadata.content_hash === m.content_hash && (!newVector || storedVector?.sha256 === newVector)) {
        return { status: 200, body: live, etag: live.revision };
      }
      checkPrecondition(current, pre, 'publish');
      if (existing && existing.metadata.content_hash !== m.content_hash) {
        throw new ApiError(409, 'VERSION_EXISTS', `version ${m.version} of ${id} already exists with different content; publish it as a new version`, live ?? null);
      }
      const scripts = existing ? existing.metadata.scripts : await linkScripts(tenant, m);
      const vectors: Record<string, VectorInfo> = {};
      if (req2.vector) vectors[m.version] = await store.saveVector(id, m.version, req2.vector_model ?? null, req2.vector);
      const review: ReviewStatus = m.storage_strategy === 'uploaded_trusted' ? 'approved' : 'pending';
      const versionRecord: VersionRecord = existing
        ? { ...existing, has_vector: existing.has_vector || req2.vector !== undefined }
        : { version: m.version, metadata: { ...m, scripts }, review_status: review, published_at: nowIso(), has_vector: req2.vector !== undefined };
      const versions = { ...(live?.versions ?? {}), [m.version]: versionRecord };
      const record = await store.commit({ playbook_id: id, deleted: false, latest_version: latestOf(versions), versions }, vectors);
      return { status: 200, body: record, etag: record.revision };
    });
  });

  app.get('/api/changes', async (req) => {
    const q = req.query as Record<string, unknown>;
    const since = intParam(q.since, 'since', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(q.limit, 'limit', 500, 1, 1000);
    return (await tenantOf(req)).store.changes(since, limit);
  });

  app.get('/api/playbooks/:id', async (req, reply) => {
    const id = playbookId((req.params as Record<string, unknown>).id);
    const rec = (await tenantOf(req)).store.get(id);
    if (!rec) throw notFound(`playbook ${id} was never published`);
    reply.header('etag', `"${rec.revision}"`);
    return rec;
  });

  app.get('/api/playbooks/:id/versions/:version', async (req) => {
    const params = req.params as Record<string, unknown>;
    const id = playbookId(params.id);
    const version = versionParam(params.version, true);
    const source = (req.query as Record<string, unknown>).source ?? 'any';
    if (source !== 'tenant' && source !== 'library' && source !== 'any') throw badRequest('source must be tenant, library or any');
    if (source !== 'library') {
      const rec = (await tenantOf(req)).store.get(id);
      const v = rec && !rec.deleted ? rec.versions[version === 'latest' ? (rec.latest_version ?? '') : version] : undefined;
      if (v) return { source: 'tenant', metadata: v.metadata, review_status: v.review_status } satisfies FetchedMetadata;
    }
    if (source !== 'tenant') {
      const lib = ctx.library.get(id, version);
      if (lib) return { source: 'library', metadata: lib.metadata, review_status: 'not_required' } satisfies FetchedMetadata;
    }
    throw notFound(`playbook ${id} version ${version} not found (${source === 'any' ? 'tenant or library' : source})`);
  });

  app.patch('/api/playbooks/:id/versions/:version', { schema: { body: wireRef('FieldPatch') } }, async (req, reply) => {
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
      const versions = { ...current.versions, [version]: { ...v, metadata } };
      const record = await tenant.store.commit({ playbook_id: id, deleted: false, latest_version: current.latest_version, versions });
      return { status: 200, body: record, etag: record.revision };
    });
  });

  app.post('/api/playbooks/:id/versions/:version/review', { schema: { body: wireRef('ReviewRequest') } }, async (req, reply) => {
    const params = req.params as Record<string, unknown>;
    const id = playbookId(params.id);
    const version = versionParam(params.version);
    const body = req.body as { status: 'approved' | 'rejected'; comment?: string };
    const tenant = await tenantOf(req);
    const pre = readPrecondition(req);
    return runMutation(req, reply, tenant, async () => {
      const { current, v } = liveVersion(tenant, id, version);
      if (pre.ifMatch || pre.ifNoneMatch) checkPrecondition(current, pre, 'review');
      const { review_comment: _old, ...rest } = v;
      const next: VersionRecord = body.comment !== undefined ? { ...rest, review_status: body.status, review_comment: body.comment } : { ...rest, review_status: body.status };
      const versions = { ...current.versions, [version]: next };
      const record = await tenant.store.commit({ playbook_id: id, deleted: false, latest_version: current.latest_version, versions });
      return { status: 200, body: record, etag: record.revision };
    });
  });

  app.delete('/api/playbooks/:id', async (req, reply) => {
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

  app.delete('/api/playbooks/:id/versions/:version', async (req, reply) => {
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

  app.post('/api/playbooks/search', { schema: { body: wireRef('SearchRequest') } }, async (req) => {
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

function liveVersion(tenant: Tenant, id: string, version: string): { current: PlaybookRecord; v: VersionRecord } {
  const current = tenant.store.get(id);
  if (!current || current.deleted) throw notFound(`playbook ${id} not found`);
  const v = current.versions[version];
  if (!v) throw notFound(`playbook ${id} has no version ${version}`);
  return { current, v };
}

/**
 * Every script must already be in tenant storage (uploaded, or the same bytes uploaded before:
 * storage is content-addressed). A script without s3_path gets this version's canonical path; one
 * with an s3_path must name an object of this tenant holding the same bytes.
 */
async function linkScripts(tenant: Tenant, m: PublishedMetadata): Promise<ScriptEntryWire[]> {
  const out: ScriptEntryWire[] = [];
  for (const s of m.scripts) {
    if (!(await tenant.blobs.hasBlob(s.sha256, s.size))) {
      throw unprocessable('SCRIPT_NOT_UPLOADED', `script ${s.path} (sha256 ${s.sha256.slice(0, 12)}…, ${s.size} bytes) is not in tenant storage; upload it first (POST /api/playbook/upload)`);
    }
    const canonical = tenantS3Path(tenant.id, m.playbook_id, m.version, s.path);
    if (s.s3_path && s.s3_path !== canonical) {
      let loc;
      try {
        loc = parseS3Path(s.s3_path);
      } catch (e) {
        throw unprocessable('INVALID_METADATA', (e as Error).message);
      }
      if (loc.kind !== 'tenant' || loc.tenant !== tenant.id) throw unprocessable('FOREIGN_S3_PATH', `script ${s.path}: s3_path ${s.s3_path} is not in this tenant's storage`);
      const obj = await tenant.blobs.object(loc.playbookId, loc.version, loc.path);
      if (!obj || obj.sha256 !== s.sha256) throw unprocessable('SCRIPT_NOT_UPLOADED', `script ${s.path}: ${s.s3_path} does not hold sha256 ${s.sha256.slice(0, 12)}…`);
      out.push(s);
      continue;
    }
    await tenant.blobs.link(m.playbook_id, m.version, s.path, { sha256: s.sha256, size: s.size });
    out.push({ ...s, s3_path: canonical });
  }
  return out;
}
