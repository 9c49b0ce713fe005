import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../core/shared/clock';
import type { Logger } from '../core/shared/logger';
import { BlobStore } from './blob-store';
import { FaultSet } from './faults';
import type { Library } from './library';
import { SearchIndex } from './search-index';
import { TenantStore } from './tenant-store';
import { UrlSigner } from './url-signer';

/** Everything a route handler needs, built once per server. */
export interface ServerContext {
  dataDir: string;
  /** e.g. http://127.0.0.1:43117 (set once listening; pre-signed URLs are built on it). */
  baseUrl: string;
  clock: Clock;
  logger: Logger;
  durable: boolean;
  urlTtlSeconds: number;
  maxUploadBytes: number;
  library: Library;
  signer: UrlSigner;
  faults: FaultSet;
  tenants: TenantRegistry;
}

export interface Tenant {
  id: string;
  store: TenantStore;
  blobs: BlobStore;
  search: SearchIndex;
}

/** Opens each tenant's store on first use (tenants are created by being named in a token). */
export class TenantRegistry {
  private readonly open = new Map<string, Promise<Tenant>>();

  constructor(
    private readonly dataDir: string,
    private readonly durable: boolean,
    private readonly now: () => number,
  ) {}

  get(id: string): Promise<Tenant> {
    let t = this.open.get(id);
    if (!t) {
      const dir = path.join(this.dataDir, 'tenants', id);
      t = TenantStore.open(dir, id, { durable: this.durable, now: this.now }).then((store) => ({
        id,
        store,
        blobs: new BlobStore(dir, this.durable),
        search: new SearchIndex(),
      }));
      t.catch(() => this.open.delete(id));
      this.open.set(id, t);
    }
    return t;
  }
}

/** <data>/server-key: 32 random bytes (hex), created on first start, mode 0600. */
export async function loadServerKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, 'server-key');
  try {
    const hex = (await fs.readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
    throw new Error(`${file} is not 64 hex characters; delete it to generate a new key (issued URLs become invalid)`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = randomBytes(32);
  await fs.mkdir(dataDir, { recursive: true });
  try {
    await fs.writeFile(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (e) {
    // Another server process on the same data dir won the race: use its key.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadServerKey(dataDir);
    throw e;
  }
}
