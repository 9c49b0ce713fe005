import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FetchedStream } from '../escher-api/fetch-stream';
import { IntegrityError, isEscherError, NetworkError } from '../shared/errors';

/**
 * Writes one downloaded body to `dest` (a fresh temp file) while hashing and counting it: memory
 * stays at a few stream buffers whatever the size. Nothing here touches the cache; the caller
 * renames `dest` into place only after this resolved, i.e. size AND sha256 matched.
 *
 * The HTTP side is the API client's `fetchStream` (escher-api/fetch-stream.ts: axios with
 * `responseType: 'stream'`, URL policy, status mapping, retries before the body starts, and a
 * NetworkError when the body stalls or ends short of Content-Length).
 */
export interface VerifiedWrite {
  fetched: FetchedStream;
  dest: string;
  expected: { sha256: string; size: number };
  /** Shown in errors, e.g. the cache key. */
  what: string;
}

const NOTHING_CACHED = 'nothing was cached; report it to the Escher administrator if it persists';

export async function writeVerified(job: VerifiedWrite): Promise<{ sha256: string; size: number }> {
  const { fetched, expected, what } = job;
  if (fetched.size !== undefined && fetched.size !== expected.size) {
    fetched.stream.destroy();
    throw new IntegrityError(`The server is sending ${fetched.size} bytes for ${what}, but promised ${expected.size}`, { hint: NOTHING_CACHED });
  }
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > expected.size) {
        cb(new IntegrityError(`${what} is longer than the ${expected.size} bytes the server promised`, { hint: NOTHING_CACHED }));
        return;
      }
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(fetched.stream, meter, createWriteStream(job.dest, { flags: 'wx', mode: 0o644 }));
  } catch (e) {
    if (isEscherError(e)) throw e;
    throw new NetworkError(`Download of ${what} failed after ${size} of ${expected.size} bytes: ${(e as Error).message}`, { hint: 'retry', cause: e });
  }
  if (size !== expected.size) {
    throw new NetworkError(`Download of ${what} was cut short: got ${size} of ${expected.size} bytes`, { hint: 'nothing was cached; retry' });
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== expected.sha256) {
    throw new IntegrityError(`${what} does not match its SHA-256: the server promised ${expected.sha256.slice(0, 12)}…, the bytes hash to ${sha256.slice(0, 12)}…`, {
      hint: 'the server copy is damaged or was tampered with; nothing was cached — report it to the Escher administrator',
    });
  }
  return { sha256, size };
}
