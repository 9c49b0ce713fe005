import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncDir } from '../core/shared/atomic-fs';
import { resolveInside } from '../core/shared/safe-path';
import { ApiError } from './api-error';
import { readJson, writeJson } from './persist';

export interface ObjectRef {
  sha256: string;
  size: number;
}

/**
 * A tenant's script storage (what S3 is in production), content-addressed like cacache:
 *   blobs/<sha[0:2]>/<sha256>                               the bytes, written once, never modified
 *   objects/<playbook id>/<version>.json    {"<format>/<file>": {"sha256", "size"}, ...}: s3 keys -> blobs
 *                                           (one manifest per version: a publish writes one file, not one per script)
 *   tmp/                                                    uploads in flight (same filesystem, so the final rename is atomic)
 * Uploads stream to tmp/ while hashing (constant memory at any size), and only bytes whose
 * sha256 and size match what the client declared are renamed into blobs/.
 */
export class BlobStore {
  constructor(
    readonly dir: string,
    private readonly durable: boolean,
  ) {}

  blobFile(sha: string): string {
    return path.join(this.dir, 'blobs', sha.slice(0, 2), sha);
  }

  async hasBlob(sha: string, size?: number): Promise<boolean> {
    try {
      const st = await fs.stat(this.blobFile(sha));
      return size === undefined || st.size === size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  /** Streams `body` into the store; rejects with 422 when the bytes are not what was declared. */
  async putStream(body: Readable, expected: { sha256: string; size: number | undefined; maxBytes: number }): Promise<ObjectRef> {
    const tmpDir = path.join(this.dir, 'tmp');
    await fs.mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > expected.maxBytes) return cb(new ApiError(413, 'TOO_LARGE', `script is larger than the server's limit of ${expected.maxBytes} bytes`));
        if (expected.size !== undefined && size > expected.size) return cb(new ApiError(400, 'SIZE_MISMATCH', `body is longer than Content-Length ${expected.size}`));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      const out = createWriteStream(tmp, { flags: 'wx' });
      await pipeline(body, meter, out);
      if (expected.size !== undefined && size !== expected.size) throw new ApiError(400, 'SIZE_MISMATCH', `received ${size} bytes, Content-Length said ${expected.size}`);
      const actual = hash.digest('hex');
      if (actual !== expected.sha256) {
        throw new ApiError(422, 'CHECKSUM_MISMATCH', `uploaded bytes have sha256 ${actual}, X-Content-SHA256 said ${expected.sha256}`);
      }
      if (this.durable) {
        const h = await fs.open(tmp, 'r');
        try {
          await h.sync();
        } finally {
          await h.close();
        }
      }
      const final = this.blobFile(actual);
      if (!(await this.hasBlob(actual, size))) {
        await fs.mkdir(path.dirname(final), { recursive: true });
        await fs.rename(tmp, final);
        if (this.durable) await fsyncDir(path.dirname(final));
      }
      return { sha256: actual, size };
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /**
   * Points s3 keys (playbook/version/path) at blobs the store holds. Read-modify-write of the
   * version manifest: callers serialise it per tenant (TenantStore.exclusive).
   */
  async link(playbookId: string, version: string, refs: Record<string, ObjectRef>): Promise<void> {
    const file = this.manifestFile(playbookId, version);
    const manifest = (await readJson<Record<string, ObjectRef>>(file)) ?? {};
    const changed = Object.entries(refs).filter(([p, r]) => manifest[p]?.sha256 !== r.sha256 || manifest[p]?.size !== r.size);
    if (changed.length === 0) return;
    for (const [p, r] of changed) manifest[p] = { sha256: r.sha256, size: r.size };
    await writeJson(file, manifest, this.durable);
  }

  async object(playbookId: string, version: string, scriptPath: string): Promise<ObjectRef | undefined> {
    const manifest = await readJson<Record<string, ObjectRef>>(this.manifestFile(playbookId, version));
    return manifest && Object.hasOwn(manifest, scriptPath) ? manifest[scriptPath] : undefined;
  }

  private manifestFile(playbookId: string, version: string): string {
    return resolveInside(path.join(this.dir, 'objects'), `${playbookId}/${version}.json`, 's3 key');
  }
}
