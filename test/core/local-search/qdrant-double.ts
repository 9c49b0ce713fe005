import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { SHARED_DATA } from './runbook-corpus';

/**
 * A stand-in Qdrant on 127.0.0.1, for machines where no Qdrant server can run. The real
 * @qdrant/js-client-rest talks real HTTP to it. It does two jobs:
 *  1. Contract checking: every request is validated against Qdrant's own OpenAPI description
 *     (../shared/data/qdrant-openapi-v1.19.json: path, method, query parameters, JSON body) and
 *     every response it sends is validated against the documented 200 schema. Any mismatch is
 *     recorded in `violations` (tests assert it stays empty) and the request is answered 400.
 *  2. Behaviour: an in-memory implementation of the operations the adapter uses (collections,
 *     payload indexes, upsert/delete/retrieve/scroll/count/query with cosine scores and `must`
 *     match filters), so the shared store contract suite can run against the adapter.
 * It is not Qdrant: when QDRANT_URL is set the same suite also runs against a real server.
 */
export const QDRANT_SPEC = SHARED_DATA ? path.join(SHARED_DATA, 'qdrant-openapi-v1.19.json') : undefined;

type Json = Record<string, unknown>;

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  operationId: string;
  /** Compiled on first use: compiling all ~100 operations up front takes seconds. */
  body?: () => ValidateFunction;
  response?: () => ValidateFunction;
  query: Map<string, () => ValidateFunction>;
}

function once<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= make());
}

export class QdrantOpenApi {
  readonly ops: Operation[] = [];

  constructor(specFile: string) {
    const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { paths: Record<string, Record<string, Json>>; components: Json };
    // OpenAPI 3.0 schemas: `nullable`, `example` and numeric formats (uint64, float …) are not
    // JSON Schema; Ajv understands `nullable`, ignores the rest with strict off, and the numeric
    // formats are accepted (their *types* are still checked).
    const ajv = new Ajv({ strict: false, allErrors: true, formats: Object.fromEntries(['uint64', 'uint', 'uint32', 'uint16', 'uint8', 'int64', 'int32', 'float', 'double', 'uuid', 'date-time', 'partial-date-time', 'uri'].map((f) => [f, true])) });
    ajv.addSchema({ $id: 'qdrant.json', components: fixNullable(spec.components) });
    const rebase = (schema: unknown): unknown => fixNullable(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"qdrant.json#/components/')));
    for (const [template, methods] of Object.entries(spec.paths)) {
      for (const [method, opRaw] of Object.entries(methods)) {
        const op = opRaw as {
          operationId: string;
          requestBody?: { content?: { 'application/json'?: { schema?: unknown } } };
          responses?: Record<string, { content?: { 'application/json'?: { schema?: unknown } } }>;
          parameters?: { name: string; in: string; schema?: unknown }[];
        };
        const bodySchema = op.requestBody?.content?.['application/json']?.schema;
        const respSchema = op.responses?.['200']?.content?.['application/json']?.schema;
        const query = new Map<string, () => ValidateFunction>();
        for (const p of op.parameters ?? []) if (p.in === 'query' && p.schema) query.set(p.name, once(() => ajv.compile(rebase(p.schema) as Json)));
        this.ops.push({
          method: method.toUpperCase(),
          template,
          regex: new RegExp('^' + template.replace(/\{[^}]+\}/g, '([^/]+)') + '$'),
          operationId: op.operationId,
          ...(bodySchema ? { body: once(() => ajv.compile(rebase(bodySchema) as Json)) } : {}),
          ...(respSchema ? { response: once(() => ajv.compile(rebase(respSchema) as Json)) } : {}),
          query,
        });
      }
    }
  }

  /** Most specific match first: literal paths ("…/points/scroll") beat templated ones ("…/points/{id}"). */
  match(method: string, pathname: string): { op: Operation; params: string[] } | undefined {
    const cands = this.ops.filter((o) => o.method === method && o.regex.test(pathname));
    cands.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
    const op = cands[0];
    return op ? { op, params: op.regex.exec(pathname)!.slice(1).map(decodeURIComponent) } : undefined;
  }

  validateRequest(method: string, url: URL, body: unknown): { op?: Operation; params: string[]; errors: string[] } {
    const m = this.match(method, url.pathname);
    if (!m) return { params: [], errors: [`${method} ${url.pathname} is not in the Qdrant API`] };
    const errors: string[] = [];
    for (const [k, v] of url.searchParams) {
      const check = m.op.query.get(k)?.();
      if (!check) errors.push(`${m.op.operationId}: unknown query parameter ${k}`);
      else if (!check(coerce(v))) errors.push(`${m.op.operationId}: query ${k}=${v}: ${JSON.stringify(check.errors)}`);
    }
    const validateBody = m.op.body?.();
    if (validateBody && body !== undefined && !validateBody(body)) errors.push(`${m.op.operationId} request body: ${JSON.stringify(validateBody.errors?.slice(0, 3))}`);
    if (m.op.body && body === undefined) errors.push(`${m.op.operationId}: missing JSON body`);
    return { op: m.op, params: m.params, errors };
  }

  validateResponse(op: Operation, body: unknown): string[] {
    const validate = op.response?.();
    if (!validate || validate(body)) return [];
    return [`${op.operationId} response: ${JSON.stringify(validate.errors?.slice(0, 3))}`];
  }
}

/**
 * OpenAPI 3.0's `nullable` is only meaningful next to `type`; Qdrant's description also writes
 * `{ "nullable": true }` alone (in `anyOf`, meaning "or null") and next to `$ref`/`anyOf`.
 * Rewrites those into JSON Schema proper so Ajv checks them instead of refusing the schema.
 */
function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (typeof node !== 'object' || node === null) return node;
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) o[k] = fixNullable(v);
  if (o.nullable === true && o.type === undefined) {
    delete o.nullable;
    const rest = Object.keys(o).filter((k) => !['description', 'default', 'example'].includes(k));
    return rest.length === 0 ? { type: 'null' } : { anyOf: [o, { type: 'null' }] };
  }
  return o;
}

function coerce(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v;
}

interface StoredPoint {
  id: string | number;
  vector: number[];
  payload: Json;
}

interface Collection {
  size: number;
  metadata: Json;
  points: Map<string, StoredPoint>;
  indexes: Map<string, string>;
}

export interface QdrantDouble {
  url: string;
  /** Contract violations seen so far (requests or responses that do not match the OpenAPI). */
  violations: string[];
  /** operationIds of every request, in order. */
  calls: string[];
  collections: Map<string, Collection>;
  close(): Promise<void>;
}

export async function startQdrantDouble(specFile: string): Promise<QdrantDouble> {
  const api = new QdrantOpenApi(specFile);
  const collections = new Map<string, Collection>();
  const violations: string[] = [];
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: unknown;
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        violations.push(`${req.method} ${url.pathname}: body is not JSON`);
      }
      const v = api.validateRequest(req.method ?? 'GET', url, body);
      const send = (status: number, payload: Json) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (v.errors.length || !v.op) {
        violations.push(...v.errors);
        send(400, { status: { error: v.errors.join('; ') }, time: 0 });
        return;
      }
      calls.push(v.op.operationId);
      try {
        const out = handle(v.op.operationId, v.params, body as Json, collections);
        if (out.status === 200) violations.push(...api.validateResponse(v.op, out.body));
        send(out.status, out.body);
      } catch (e) {
        send(500, { status: { error: (e as Error).message }, time: 0 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    violations,
    calls,
    collections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ok = (result: unknown) => ({ status: 200, body: { result, status: 'ok', time: 0.0001 } as Json });
const notFound = (what: string) => ({ status: 404, body: { status: { error: `Not found: ${what}` }, time: 0 } as Json });

function handle(op: string, params: string[], body: Json, cols: Map<string, Collection>): { status: number; body: Json } {
  const name = params[0]!;
  const col = cols.get(name);
  switch (op) {
    case 'collection_exists':
      return ok({ exists: cols.has(name) });
    case 'create_collection': {
      const vectors = body.vectors as { size: number };
      cols.set(name, { size: vectors.size, metadata: (body.metadata as Json) ?? {}, points: new Map(), indexes: new Map() });
      return ok(true);
    }
    case 'delete_collection':
      return ok(cols.delete(name));
    case 'get_collection':
      if (!col) return notFound(`Collection \`${name}\` doesn't exist!`);
      return ok({
        status: 'green',
        optimizer_status: 'ok',
        indexed_vectors_count: 0,
        points_count: col.points.size,
        segments_count: 1,
        config: {
          params: { vectors: { size: col.size, distance: 'Cosine' }, shard_number: 1, replication_factor: 1, write_consistency_factor: 1, on_disk_payload: true },
          hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
          optimizer_config: { deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0, max_segment_size: null, memmap_threshold: null, indexing_threshold: 10000, flush_interval_sec: 5, max_optimization_threads: null },
          wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
          quantization_config: null,
          metadata: col.metadata,
        },
        payload_schema: Object.fromEntries([...col.indexes].map(([f, t]) => [f, { data_type: t, points: col.points.size }])),
      });
    case 'create_field_index':
      if (!col) return notFound(name);
      col.indexes.set(body.field_name as string, body.field_schema as string);
      return ok({ operation_id: 1, status: 'completed' });
    case 'upsert_points': {
      if (!col) return notFound(name);
      for (const p of body.points as { id: string | number; vector: number[]; payload: Json }[]) {
        if (p.vector.length !== col.size) return { status: 400, body: { status: { error: `Wrong input: Vector dimension error: expected dim: ${col.size}, got ${p.vector.length}` }, time: 0 } };
        col.points.set(String(p.id), { id: p.id, vector: p.vector, payload: p.payload });
      }
      return ok({ operation_id: 2, status: 'completed' });
    }
    case 'delete_points':
      if (!col) return notFound(name);
      for (const id of (body.points as (string | number)[]) ?? []) col.points.delete(String(id));
      return ok({ operation_id: 3, status: 'completed' });
    case 'get_points': {
      if (!col) return notFound(name);
      const withVec = body.with_vector === true;
      const out = [];
      for (const id of body.ids as (string | number)[]) {
        const p = col.points.get(String(id));
        if (p) out.push({ id: p.id, payload: selectPayload(p.payload, body.with_payload), ...(withVec ? { vector: p.vector } : {}) });
      }
      return ok(out);
    }
    case 'scroll_points': {
      if (!col) return notFound(name);
      const all = [...col.points.values()].sort((a, b) => String(a.id).localeCompare(String(b.id)));
      const start = body.offset === undefined || body.offset === null ? 0 : all.findIndex((p) => String(p.id) >= String(body.offset));
      const limit = (body.limit as number | undefined) ?? 10;
      const page = all.slice(start, start + limit);
      const next = all[start + limit];
      return ok({ points: page.map((p) => ({ id: p.id, payload: selectPayload(p.payload, body.with_payload) })), next_page_offset: next ? next.id : null });
    }
    case 'count_points':
      if (!col) return notFound(name);
      return ok({ count: col.points.size });
    case 'query_points': {
      if (!col) return notFound(name);
      const q = body.query as number[];
      const scored = [...col.points.values()]
        .filter((p) => matches(p.payload, body.filter as Json | undefined))
        .map((p) => ({ p, score: cosine(q, p.vector) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, (body.limit as number | undefined) ?? 10);
      return ok({ points: scored.map(({ p, score }) => ({ id: p.id, version: 1, score, payload: selectPayload(p.payload, body.with_payload) })) });
    }
    default:
      return { status: 501, body: { status: { error: `${op} is not implemented by the test double` }, time: 0 } };
  }
}

function selectPayload(payload: Json, sel: unknown): Json | null {
  if (sel === false || sel === undefined) return null;
  if (Array.isArray(sel)) return Object.fromEntries(sel.filter((k: string) => k in payload).map((k: string) => [k, payload[k]]));
  return payload;
}

function matches(payload: Json, filter: Json | undefined): boolean {
  if (!filter) return true;
  for (const c of (filter.must as { key: string; match: { value: unknown } }[]) ?? []) {
    const v = payload[c.key];
    if (Array.isArray(v) ? !v.includes(c.match.value) : v !== c.match.value) return false;
  }
  return true;
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(na * nb) || 1);
}

export function qdrantSpecAvailable(): boolean {
  return QDRANT_SPEC !== undefined && existsSync(QDRANT_SPEC);
}
