import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncDir } from '../core/shared/atomic-fs';
import { resolveInside } from '../core/shared/safe-path';
import { ApiError } from './api-error';
import { readJson, writeJson } from './persist';

/**
 * A tenant's script storage (what S3 is in production), content-addressed like cacache:
 *   blobs/<sha[0:2]>/<sha256>                               the bytes, written once, never modified
 *   objects/<playbook id>/<version>/<format>/<file>.json    {"sha256", "size"}: the s3 key -> blob
 *   tmp/                                                    uploads in flight (same filesystem, so the final rename is atomic)
 * Uploads stream to tmp/ while hashing (constant memory at any size), and only bytes whose
 * sha256 and size match what the client declared are renamed into blobs/.
 */
export interface ObjectRef {
  sha256: string;
  size: number;
}

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

  /** Points the s3 key (playbook/version/path) at a blob the store holds. */
  async link(playbookId: string, version: string, scriptPath: string, ref: ObjectRef): Promise<void> {
    const existing = await this.object(playbookId, version, scriptPath);
    if (existing && existing.sha256 === ref.sha256 && existing.size === ref.size) return;
    await writeJson(this.objectFile(playbookId, version, scriptPath), ref, this.durable);
  }

  async object(playbookId: string, version: string, scriptPath: string): Promise<ObjectRef | undefined> {
    return readJson<ObjectRef>(this.objectFile(playbookId, version, scriptPath));
  }

  private objectFile(playbookId: string, version: string, scriptPath: string): string {
    return resolveInside(path.join(this.dir, 'objects'), `${playbookId}/${version}/${scriptPath}.json`, 's3 key');
  }
}
