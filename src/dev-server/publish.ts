import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as semver from 'semver';
import { contentHash } from '../core/escher-api/content-hash';
import { parseS3Path, tenantS3Path } from '../core/escher-api/s3-path';
import type { PublishedMetadata, PublishRequest, ReviewStatus, VersionRecord } from '../core/escher-api/types';
import { formatAjvErrors, wireRef } from '../core/escher-api/wire-validate';
import { scriptPathIssues } from '../core/playbook-store/names';
import { ApiError, unprocessable } from './api-error';
import type { ServerContext, Tenant } from './context';
import { checkPrecondition, readPrecondition, runMutation } from './mutation';
import { vectorHash, type VectorInfo } from './tenant-store';

/**
 * POST /api/playbook/metadata/publish. Order of checks, each failing before anything is stored:
 * local_only (422), request shape (422), content_hash (422), script paths (422: names.ts
 * scriptPathIssues, the store's rule); then, exclusively for the tenant:
 * identical content -> 200 no-op; preconditions (428/412); same version, other content (409);
 * scripts in tenant storage (422); store the version (+ vector) with the next seq and revision.
 */
type ScriptEntryWire = PublishedMetadata['scripts'][number];

/** The highest semver among a record's versions (not the last published). */
export function latestOf(versions: Record<string, VersionRecord>): string | null {
  return Object.keys(versions).sort(semver.rcompare)[0] ?? null;
}

export function registerPublishRoute(app: FastifyInstance, ctx: ServerContext, tenantOf: (req: FastifyRequest) => Promise<Tenant>): void {
  const nowIso = (): string => new Date(ctx.clock.now()).toISOString();
  app.post('/api/playbook/metadata/publish', { config: { access: 'tenant' }, schema: { body: wireRef('PublishRequest') }, attachValidation: true }, async (req, reply) => {
    const body = req.body as PublishRequest | undefined;
    if ((body?.metadata as { storage_strategy?: unknown } | undefined)?.storage_strategy === 'local_only') {
      throw unprocessable('LOCAL_ONLY', 'local_only playbooks are never uploaded; change the storage strategy to publish it');
    }
    if (req.validationError) {
      throw unprocessable('INVALID_METADATA', `publish request is invalid: ${formatAjvErrors(req.validationError.validation as never, 5, body).join('; ')}`);
    }
    const request = body as PublishRequest;
    const m = request.metadata;
    const expectedHash = contentHash(m);
    if (m.content_hash !== expectedHash) throw unprocessable('CONTENT_HASH_MISMATCH', `content_hash is ${m.content_hash}, the metadata hashes to ${expectedHash} (see content-hash.ts)`);
    for (const s of m.scripts) {
      if (s.path.split('/')[0] !== s.format) throw unprocessable('INVALID_METADATA', `script ${s.path} is in the wrong folder for format ${s.format}`);
    }
    // The same rule as the store's: a version every device can write as one folder, on any OS.
    const pathIssues = scriptPathIssues(m.scripts.map((s) => s.path));
    if (pathIssues.length) throw unprocessable('INVALID_METADATA', `script paths: ${pathIssues.slice(0, 3).join('; ')}`);
    if (request.vector?.some((x) => !Number.isFinite(x))) throw unprocessable('INVALID_VECTOR', 'vector must hold finite numbers');
    const tenant = await tenantOf(req);
    const pre = readPrecondition(req);
    const id = m.playbook_id;
    return runMutation(req, reply, tenant, async () => {
      const { store } = tenant;
      const current = store.get(id);
      const live = current && !current.deleted ? current : undefined;
      const existing = live?.versions[m.version];
      const newVector = request.vector ? vectorHash(request.vector) : undefined;
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
      if (request.vector) vectors[m.version] = await store.saveVector(id, m.version, request.vector_model ?? null, request.vector);
      const review: ReviewStatus = m.storage_strategy === 'uploaded_trusted' ? 'approved' : 'pending';
      const versionRecord: VersionRecord = existing
        ? { ...existing, has_vector: existing.has_vector || request.vector !== undefined }
        : { version: m.version, metadata: { ...m, scripts }, review_status: review, published_at: nowIso(), has_vector: request.vector !== undefined };
      const versions = { ...(live?.versions ?? {}), [m.version]: versionRecord };
      const record = await store.commit({ playbook_id: id, deleted: false, latest_version: latestOf(versions), versions }, vectors);
      return { status: 200, body: record, etag: record.revision };
    });
  });
}

/**
 * Every script must already be in tenant storage (uploaded, or the same bytes uploaded before:
 * storage is content-addressed). A script without s3_path gets this version's canonical path; one
 * with an s3_path must name an object of this tenant holding the same bytes.
 */
async function linkScripts(tenant: Tenant, m: PublishedMetadata): Promise<ScriptEntryWire[]> {
  const out: ScriptEntryWire[] = [];
  const toLink: Record<string, { sha256: string; size: number }> = {};
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
    toLink[s.path] = { sha256: s.sha256, size: s.size };
    out.push({ ...s, s3_path: canonical });
  }
  await tenant.blobs.link(m.playbook_id, m.version, toLink);
  return out;
}
