import type { QdrantClient } from '@qdrant/js-client-rest' with { 'resolution-mode': 'import' };
import { assertSafeQdrantUrl, isLoopbackHost } from '../escher-api/url-safety';
import { sha256 } from '../shared/hash';
import type { PlaybookPayload, SearchFilter } from './payload';
import type { CatalogEntry, CollectionIdentity, OpenResult, VectorHit, VectorPoint, VectorStore } from './vector-store';

export const COLLECTION = 'user_playbooks';
export const COLLECTION_FORMAT = 'escher-user-playbooks/v1';
/** Payload fields searched by filters, each with a keyword index. */
export const INDEXED_FIELDS = ['playbook_id', 'cloud_provider', 'resource_types_lc', 'formats', 'area'] as const;
const CATALOG_FIELDS = ['playbook_id', 'version', 'area', 'content_hash', 'embed_hash'];
const PAGE = 256;

export interface QdrantStoreOptions {
  url: string;
  /** The API key, or where to get it (the SecretStore's escher.qdrantApiKey); read on first connect. */
  apiKey?: string | (() => Promise<string | undefined>);
  collection?: string;
  /** Per-request timeout; a slow or absent server must not stall search (the caller falls back). */
  timeoutMs?: number;
}

export function pointId(playbookId: string): string {
  const h = sha256(`escher-playbook:${playbookId}`);
  // RFC 4122 layout with version nibble 5 and the variant bits set, like a name-based UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

export function toQdrantFilter(f: SearchFilter | undefined): { must: { key: string; match: { value: string } }[] } | undefined {
  if (!f) return undefined;
  const must: { key: string; match: { value: string } }[] = [];
  if (f.cloud) must.push({ key: 'cloud_provider', match: { value: f.cloud } });
  if (f.area) must.push({ key: 'area', match: { value: f.area } });
  if (f.format) must.push({ key: 'formats', match: { value: f.format } });
  if (f.resourceType) must.push({ key: 'resource_types_lc', match: { value: f.resourceType.toLowerCase() } });
  return must.length ? { must } : undefined;
}

/**
 * The user_playbooks collection in Qdrant (the seed's "local Qdrant"), through the official REST
 * client. Cosine distance; one point per playbook with the full PlaybookPayload (metadata and
 * small script bodies); keyword payload indexes on the filter fields.
 *
 * Point ids: Qdrant accepts only unsigned integers or UUIDs, so a point's id is a UUID made from
 * sha256(playbook_id) (stable across machines); the playbook id itself is in the payload.
 * The model id and dimension are kept in the collection's `metadata` (Qdrant >= 1.16); a
 * collection built with another model, or without that metadata, is dropped and recreated.
 *
 * The URL follows the Escher client's rule (escher-api/url-safety.ts): https, or plain http on
 * loopback only. It is checked before the first request and before the API key is even read, so
 * neither the key nor a playbook goes over plain http to another machine. `onThisMachine` (a
 * loopback URL) tells the mirror it may hold local_only playbooks (remote-mirror.ts).
 */
export class QdrantVectorStore implements VectorStore {
  readonly kind = 'qdrant' as const;
  readonly collection: string;
  /** A Qdrant on loopback: the user's own machine. */
  readonly onThisMachine: boolean;
  private client: QdrantClient | undefined;
  private identity: CollectionIdentity | undefined;

  constructor(private readonly options: QdrantStoreOptions) {
    this.collection = options.collection ?? COLLECTION;
    let host = '';
    try {
      host = new URL(options.url).hostname;
    } catch {
      // An unparsable URL is refused by connect(), with the reason.
    }
    this.onThisMachine = isLoopbackHost(host);
  }

  get location(): string {
    const u = new URL(this.options.url);
    u.username = '';
    u.password = '';
    return `${u.origin}${u.pathname.replace(/\/$/, '')} (collection ${this.collection})`;
  }

  async open(identity: CollectionIdentity): Promise<OpenResult> {
    this.identity = identity;
    const client = await this.connect();
    const { exists } = await client.collectionExists(this.collection);
    if (exists) {
      const info = await client.getCollection(this.collection);
      const meta = (info.config.metadata ?? {}) as Record<string, unknown>;
      const vectors = info.config.params.vectors as { size?: number; distance?: string } | undefined;
      if (meta.format === COLLECTION_FORMAT && meta.model_id === identity.modelId && vectors?.size === identity.dimension && vectors.distance === 'Cosine') {
        return { reset: false };
      }
      await client.deleteCollection(this.collection);
      await this.create(client, identity);
      return { reset: true, reason: `Qdrant collection ${this.collection} was built with ${String(meta.model_id ?? 'an unknown model')}; recreated for ${identity.modelId}` };
    }
    await this.create(client, identity);
    return { reset: true, reason: `created Qdrant collection ${this.collection}` };
  }

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    if (!points.length) return;
    await this.need().upsert(this.collection, {
      wait: true,
      points: points.map((p) => ({ id: pointId(p.id), vector: Array.from(p.vector), payload: p.payload as unknown as Record<string, unknown> })),
    });
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.need().delete(this.collection, { wait: true, points: ids.map(pointId) });
  }

  async search(vector: Float32Array, options: { limit: number; filter?: SearchFilter }): Promise<VectorHit[]> {
    const filter = toQdrantFilter(options.filter);
    const res = await this.need().query(this.collection, {
      query: Array.from(vector),
      limit: options.limit,
      with_payload: true,
      ...(filter ? { filter } : {}),
    });
    return res.points.map((p) => {
      const payload = p.payload as unknown as PlaybookPayload;
      return { id: payload.playbook_id, score: p.score, payload };
    });
  }

  async catalog(): Promise<CatalogEntry[]> {
    const out: CatalogEntry[] = [];
    let offset: string | number | undefined;
    do {
      const page = await this.need().scroll(this.collection, { limit: PAGE, with_payload: CATALOG_FIELDS, with_vector: false, ...(offset !== undefined ? { offset } : {}) });
      for (const p of page.points) {
        const x = p.payload as Partial<CatalogEntry> & { playbook_id?: string };
        if (typeof x.playbook_id !== 'string') continue;
        out.push({ id: x.playbook_id, version: String(x.version), area: x.area as CatalogEntry['area'], content_hash: String(x.content_hash), embed_hash: String(x.embed_hash) });
      }
      const next = page.next_page_offset;
      offset = typeof next === 'string' || typeof next === 'number' ? next : undefined;
    } while (offset !== undefined);
    return out;
  }

  async get(ids: readonly string[]): Promise<VectorPoint[]> {
    if (!ids.length) return [];
    const res = await this.need().retrieve(this.collection, { ids: ids.map(pointId), with_payload: true, with_vector: true });
    return res.map((p) => {
      const payload = p.payload as unknown as PlaybookPayload;
      return { id: payload.playbook_id, payload, vector: Float32Array.from(p.vector as number[]) };
    });
  }

  async count(): Promise<number> {
    return (await this.need().count(this.collection, { exact: true })).count;
  }

  async clear(): Promise<void> {
    const client = this.need();
    await client.deleteCollection(this.collection);
    await this.create(client, this.identity!);
  }

  async flush(): Promise<void> {
    // Every write already waited for Qdrant to apply it (`wait: true`).
  }

  async close(): Promise<void> {
    this.client = undefined;
  }

  private async connect(): Promise<QdrantClient> {
    if (!this.client) {
      assertSafeQdrantUrl(this.options.url);
      // The client is only loaded when a Qdrant URL is configured.
      const { QdrantClient: Client } = await import('@qdrant/js-client-rest');
      const k = this.options.apiKey;
      const apiKey = typeof k === 'function' ? await k() : k;
      this.client = new Client({
        url: this.options.url,
        ...(apiKey ? { apiKey } : {}),
        timeout: this.options.timeoutMs ?? 5000,
        // The version probe is one more round trip on every start; the requests used here exist since 1.10.
        checkCompatibility: false,
      });
    }
    return this.client;
  }

  private need(): QdrantClient {
    if (!this.client || !this.identity) throw new Error('QdrantVectorStore used before open()');
    return this.client;
  }

  private async create(client: QdrantClient, identity: CollectionIdentity): Promise<void> {
    // Through the generated API: the 1.18 client's createCollection() drops `metadata` (it copies
    // only the fields it knows); 1.19, which passes it, requires Node >= 22.
    await client.api().createCollection({
      collection_name: this.collection,
      vectors: { size: identity.dimension, distance: 'Cosine' },
      metadata: { format: COLLECTION_FORMAT, model_id: identity.modelId, dimension: identity.dimension },
    });
    for (const field of INDEXED_FIELDS) {
      await client.createPayloadIndex(this.collection, { field_name: field, field_schema: 'keyword', wait: true });
    }
  }
}
