import type { FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson } from '../core/escher-api/content-hash';
import type { PlaybookRecord } from '../core/escher-api/types';
import { sha256 } from '../core/shared/hash';
import { ApiError } from './api-error';
import type { Tenant } from './context';

/**
 * Preconditions and idempotency keys, shared by every mutating route.
 *
 * If-Match: "<revision>" (or *), If-None-Match: * (first publish). A mutation without either gets
 * 428: the server never lets a client overwrite a record it has not seen. A tombstone counts as
 * "no record" for If-None-Match: *, so a deleted playbook can be published again.
 *
 * Idempotency-Key: the first successful (2xx) response is stored with a fingerprint of the
 * request (method, path, body); a retry with the same key gets that response again (header
 * Idempotent-Replayed: true) without applying anything twice. The same key with a different
 * request is 422. Failed attempts are not stored: they changed nothing, so a retry re-runs.
 */
export interface Precondition {
  ifMatch?: string;
  ifNoneMatch?: '*';
}

export function readPrecondition(req: FastifyRequest): Precondition {
  const pre: Precondition = {};
  const im = req.headers['if-match'];
  if (typeof im === 'string' && im.trim()) {
    const v = im.trim();
    if (v === '*') pre.ifMatch = '*';
    else {
      const m = /^(?:W\/)?"([^"]{1,128})"$/.exec(v) ?? /^([A-Za-z0-9._-]{1,128})$/.exec(v);
      if (!m) throw new ApiError(400, 'BAD_PRECONDITION', 'If-Match must be a quoted revision, e.g. If-Match: "12-ab34cd"');
      pre.ifMatch = m[1] as string;
    }
  }
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string' && inm.trim()) {
    if (inm.trim() !== '*') throw new ApiError(400, 'BAD_PRECONDITION', 'only If-None-Match: * is supported (first publish of an id)');
    pre.ifNoneMatch = '*';
  }
  if (pre.ifMatch && pre.ifNoneMatch) throw new ApiError(400, 'BAD_PRECONDITION', 'send If-Match or If-None-Match, not both');
  return pre;
}

/** Throws 428/412 unless `pre` holds for `current`. */
export function checkPrecondition(current: PlaybookRecord | undefined, pre: Precondition, what: string): void {
  if (!pre.ifMatch && !pre.ifNoneMatch) {
    throw new ApiError(428, 'PRECONDITION_REQUIRED', `${what} needs If-Match: "<revision>" (or If-None-Match: * for a first publish)`, current ?? null);
  }
  const live = current && !current.deleted ? current : undefined;
  if (pre.ifNoneMatch) {
    if (live) throw new ApiError(412, 'PRECONDITION_FAILED', `playbook ${live.playbook_id} already exists (revision ${live.revision})`, live);
    return;
  }
  if (pre.ifMatch === '*') {
    if (!live) throw new ApiError(412, 'PRECONDITION_FAILED', 'If-Match: * but the playbook does not exist', current ?? null);
    return;
  }
  if (!current || current.revision !== pre.ifMatch) {
    throw new ApiError(412, 'PRECONDITION_FAILED', `revision moved: you sent ${pre.ifMatch}, the server has ${current?.revision ?? 'no record'}`, current ?? null);
  }
}

export interface MutationResult {
  status: number;
  body: unknown;
  etag?: string;
}

/** Runs `fn` exclusively for the tenant, honouring Idempotency-Key; sends the result. */
export async function runMutation(req: FastifyRequest, reply: FastifyReply, tenant: Tenant, fn: () => Promise<MutationResult>): Promise<unknown> {
  const header = req.headers['idempotency-key'];
  const key = typeof header === 'string' ? header : undefined;
  if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) throw new ApiError(400, 'BAD_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-200 visible ASCII characters');
  const result = await tenant.store.exclusive(async (): Promise<MutationResult & { replayed?: boolean }> => {
    if (key === undefined) return fn();
    const fingerprint = sha256(`${req.method} ${req.url.split('?')[0]}\n${canonicalJson(req.body ?? null)}`);
    const prior = await tenant.store.idempotent(key);
    if (prior) {
      if (prior.fingerprint !== fingerprint) throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request');
      const etag = (prior.body as { revision?: unknown } | null)?.revision;
      return { status: prior.status, body: prior.body, etag: typeof etag === 'string' ? etag : undefined, replayed: true };
    }
    const r = await fn();
    if (r.status >= 200 && r.status < 300) await tenant.store.rememberIdempotent(key, { fingerprint, status: r.status, body: r.body });
    return r;
  });
  if (result.etag) reply.header('etag', `"${result.etag}"`);
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  reply.code(result.status);
  return result.body;
}
