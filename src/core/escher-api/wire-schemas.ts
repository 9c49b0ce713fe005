import metadataSchema from '../../../schemas/metadata.schema.json';
import { ONE_LINE_PATTERN, TEXT_PATTERN } from '../shared/text-rules';

/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 uses) of every body on the wire. This is the ONE source of
 * truth: the OpenAPI document (api/escher-server.openapi.yaml) is generated from it
 * (openapi-document.ts, checked by a test), the reference server validates requests with it and
 * the client validates responses with it. Schemas refer to each other as
 * `#/components/schemas/<Name>`, exactly as they appear in the OpenAPI document, so the same
 * objects work inside the document and inside Ajv (see wire-validate.ts).
 *
 * The metadata shapes are derived from schemas/metadata.schema.json (never copied by hand).
 */

export type JsonSchema = Record<string, unknown>;

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export const SHA256_PATTERN = '^[0-9a-f]{64}$';
export const PLAYBOOK_ID_PATTERN = metadataSchema.properties.playbook_id.pattern;
export const VERSION_PATTERN = metadataSchema.properties.version.pattern;
/** Tenant ids: the same slug rules as playbook ids. */
export const TENANT_PATTERN = PLAYBOOK_ID_PATTERN;

/** A metadata field's schema, as the metadata schema states it (FieldPatch edits those fields). */
const metadataField = (name: 'name' | 'description' | 'keywords' | 'resource_types' | 'cloud_provider'): JsonSchema => {
  const { description: _d, ...schema } = metadataSchema.properties[name] as JsonSchema;
  return structuredClone(schema);
};
/** Server-supplied text shown to users: the same character rules as metadata (src/core/shared/text-rules.ts). */
const oneLine = { type: 'string', pattern: ONE_LINE_PATTERN };
const comment = { type: 'string', maxLength: 2000, pattern: TEXT_PATTERN };

/** Deep-copies `value`, rewriting draft-07 `#/definitions/x` references to `#/components/schemas/X`. */
function rewriteRefs(value: unknown, names: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, names));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) {
        const name = names[v.slice('#/definitions/'.length)];
        if (!name) throw new Error(`metadata schema: unknown definition ${v}`);
        out[k] = `#/components/schemas/${name}`;
      } else out[k] = rewriteRefs(v, names);
    }
    return out;
  }
  return value;
}

const DEFINITION_NAMES: Record<string, string> = { script: 'ScriptEntry', parameter: 'ParameterSpec', encrypted: 'EncryptedValue' };

function metadataComponents(): Record<string, JsonSchema> {
  const { definitions, $schema: _s, $id: _i, ...root } = metadataSchema as unknown as JsonSchema & { definitions: Record<string, unknown> };
  const out: Record<string, JsonSchema> = {};
  for (const [def, name] of Object.entries(DEFINITION_NAMES)) out[name] = rewriteRefs(definitions[def], DEFINITION_NAMES) as JsonSchema;
  const published = rewriteRefs(root, DEFINITION_NAMES) as JsonSchema & { properties: Record<string, JsonSchema>; required: string[] };
  published.title = 'Published playbook metadata';
  published.description =
    'metadata.json as it travels to the server: no script bodies (scripts carry path, sha256, size and s3_path), never local_only, plus content_hash.';
  published.properties.storage_strategy = { type: 'string', enum: ['uploaded_for_review', 'uploaded_trusted'] };
  published.properties.content_hash = {
    type: 'string',
    pattern: SHA256_PATTERN,
    description: 'sha256 of the canonical metadata (see src/core/escher-api/content-hash.ts); the server verifies it.',
  };
  published.required = [...published.required, 'content_hash'];
  out.PublishedMetadata = published;
  return out;
}

const errorBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
    current: { oneOf: [ref('PlaybookRecord'), { type: 'null' }], description: 'The record as the server holds it now (409 and 412 only).' },
  },
};

const dateTime = { type: 'string', format: 'date-time' };
/** Who published or reviewed: "admin" or "key-" + 16 hex (never a token). */
const principal = { type: 'string', pattern: '^(admin|key-[0-9a-f]{16})$' };
const scriptPath = structuredClone((metadataSchema.definitions.script.properties as Record<string, JsonSchema>).path) as JsonSchema;

/** Every named schema of the contract, as `components.schemas` of the OpenAPI document. */
export const wireSchemas: Record<string, JsonSchema> = {
  ...metadataComponents(),
  Error: errorBody,
  ReviewStatus: { type: 'string', enum: ['pending', 'approved', 'rejected', 'not_required'] },
  Health: {
    type: 'object',
    additionalProperties: false,
    required: ['ok', 'version'],
    properties: { ok: { type: 'boolean' }, version: { type: 'string' } },
  },
  ReviewDecision: {
    type: 'object',
    additionalProperties: false,
    description: 'The last review decision, bound to the exact content it was made on (content_hash and every script sha256).',
    required: ['playbook_id', 'version', 'status', 'content_hash', 'scripts', 'reviewer', 'kind', 'at'],
    properties: {
      playbook_id: { type: 'string', pattern: PLAYBOOK_ID_PATTERN },
      version: { type: 'string', pattern: VERSION_PATTERN },
      status: { type: 'string', enum: ['approved', 'rejected'] },
      content_hash: { type: 'string', pattern: SHA256_PATTERN },
      scripts: {
        type: 'array',
        maxItems: 1000,
        items: { type: 'object', additionalProperties: false, required: ['path', 'sha256'], properties: { path: scriptPath, sha256: { type: 'string', pattern: SHA256_PATTERN } } },
      },
      reviewer: principal,
      kind: { type: 'string', enum: ['review', 'trusted_upload'] },
      at: dateTime,
      comment,
    },
  },
  ReviewQueue: {
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: { items: { type: 'array', items: ref('ReviewQueueItem') } },
  },
  ReviewQueueItem: {
    type: 'object',
    additionalProperties: false,
    required: ['playbook_id', 'version', 'name', 'content_hash', 'published_at'],
    properties: {
      playbook_id: { type: 'string', pattern: PLAYBOOK_ID_PATTERN },
      version: { type: 'string', pattern: VERSION_PATTERN },
      name: oneLine,
      content_hash: { type: 'string', pattern: SHA256_PATTERN },
      published_by: principal,
      published_at: dateTime,
      last_decision: ref('ReviewDecision'),
    },
  },
  Session: {
    type: 'object',
    additionalProperties: false,
    required: ['tenant_id', 'server_version'],
    description: 'Who the bearer token is, for the tenant named in X-Escher-Tenant: the one request a client makes to check a URL, tenant and token together.',
    properties: { tenant_id: { type: 'string', pattern: TENANT_PATTERN }, server_version: oneLine },
  },
  VersionRecord: {
    type: 'object',
    additionalProperties: false,
    required: ['version', 'metadata', 'review_status', 'published_at', 'has_vector'],
    properties: {
      version: { type: 'string', pattern: VERSION_PATTERN },
      metadata: ref('PublishedMetadata'),
      review_status: ref('ReviewStatus'),
      review_comment: comment,
      review: ref('ReviewDecision'),
      published_by: principal,
      published_at: dateTime,
      has_vector: { type: 'boolean' },
    },
  },
  PlaybookRecord: {
    type: 'object',
    additionalProperties: false,
    required: ['playbook_id', 'revision', 'seq', 'deleted', 'latest_version', 'versions', 'updated_at'],
    properties: {
      playbook_id: { type: 'string', pattern: PLAYBOOK_ID_PATTERN },
      revision: { type: 'string', minLength: 1, maxLength: 128, description: 'Changes on every mutation; sent as the ETag.' },
      seq: { type: 'integer', minimum: 1, description: 'Monotonic per tenant; the changes feed is ordered by it.' },
      deleted: { type: 'boolean', description: 'A tombstone: the playbook was deleted (versions is then empty).' },
      latest_version: { type: ['string', 'null'] },
      versions: { type: 'object', additionalProperties: ref('VersionRecord') },
      updated_at: dateTime,
    },
  },
  ChangesPage: {
    type: 'object',
    additionalProperties: false,
    required: ['changes', 'next', 'more'],
    properties: {
      changes: { type: 'array', items: ref('PlaybookRecord') },
      next: { type: 'integer', minimum: 0, description: 'Pass as `since` next time.' },
      more: { type: 'boolean' },
    },
  },
  UploadResult: {
    type: 'object',
    additionalProperties: false,
    required: ['s3_path', 'sha256', 'size'],
    properties: { s3_path: { type: 'string' }, sha256: { type: 'string', pattern: SHA256_PATTERN }, size: { type: 'integer', minimum: 0 } },
  },
  UploadCheckRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['sha256'],
    properties: { sha256: { type: 'array', maxItems: 10000, items: { type: 'string', pattern: SHA256_PATTERN } } },
  },
  UploadCheckResponse: {
    type: 'object',
    additionalProperties: false,
    required: ['missing'],
    properties: { missing: { type: 'array', items: { type: 'string', pattern: SHA256_PATTERN } } },
  },
  PublishRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['metadata'],
    properties: {
      metadata: ref('PublishedMetadata'),
      vector: { type: 'array', minItems: 1, maxItems: 4096, items: { type: 'number' } },
      vector_model: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
  FieldPatch: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    description: 'A reviewer or another device edits these fields of one version.',
    properties: {
      name: metadataField('name'),
      description: metadataField('description'),
      keywords: metadataField('keywords'),
      resource_types: metadataField('resource_types'),
      cloud_provider: metadataField('cloud_provider'),
    },
  },
  ReviewRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['status'],
    properties: { status: { type: 'string', enum: ['approved', 'rejected'] }, comment },
  },
  FetchedMetadata: {
    type: 'object',
    additionalProperties: false,
    required: ['source', 'metadata'],
    properties: { source: { type: 'string', enum: ['tenant', 'library'] }, metadata: ref('PublishedMetadata'), review_status: ref('ReviewStatus'), review: ref('ReviewDecision') },
  },
  DownloadTicket: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'expires_at', 'sha256', 'size'],
    properties: {
      url: { type: 'string', format: 'uri', description: 'Pre-signed (HMAC), expiring; https, or http on loopback; same host as the API.' },
      expires_at: dateTime,
      sha256: { type: 'string', pattern: SHA256_PATTERN },
      size: { type: 'integer', minimum: 0 },
    },
  },
  SearchRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['query'],
    properties: { query: { type: 'string', minLength: 1, maxLength: 1000 }, limit: { type: 'integer', minimum: 1, maximum: 100 } },
  },
  ServerSearchHit: {
    type: 'object',
    additionalProperties: false,
    required: ['playbook_id', 'version', 'source', 'name', 'score'],
    properties: {
      playbook_id: { type: 'string', pattern: PLAYBOOK_ID_PATTERN },
      version: { type: 'string', pattern: VERSION_PATTERN },
      source: { type: 'string', enum: ['tenant', 'library'] },
      name: oneLine,
      score: { type: 'number' },
    },
  },
  SearchResponse: {
    type: 'object',
    additionalProperties: false,
    required: ['results'],
    properties: { results: { type: 'array', items: ref('ServerSearchHit') } },
  },
  LibraryEntry: {
    type: 'object',
    additionalProperties: false,
    required: ['playbook_id', 'latest_version', 'versions', 'metadata', 'review_status'],
    description: 'One Escher Library playbook: its latest version\'s metadata. Read-only and approved by definition (review_status not_required); the content is bound by metadata.content_hash and every script\'s sha256.',
    properties: {
      playbook_id: { type: 'string', pattern: PLAYBOOK_ID_PATTERN },
      latest_version: { type: 'string', pattern: VERSION_PATTERN },
      versions: { type: 'array', items: { type: 'string', pattern: VERSION_PATTERN }, minItems: 1, maxItems: 1000 },
      metadata: ref('PublishedMetadata'),
      review_status: { type: 'string', enum: ['not_required'] },
    },
  },
  LibraryPage: {
    type: 'object',
    additionalProperties: false,
    required: ['items', 'next'],
    properties: {
      items: { type: 'array', items: ref('LibraryEntry') },
      next: { type: ['string', 'null'], pattern: PLAYBOOK_ID_PATTERN, description: 'Pass as `after` for the next page; null on the last page.' },
    },
  },
  FaultRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', enum: ['corrupt', 'truncate', 'status500', 'slow', 'expired-url', 'foreign-url', 'garbage'] },
      count: { type: 'integer', minimum: 1, description: 'Fire only for the next N matching requests.' },
      seconds: { type: 'number', minimum: 0, maximum: 600, description: 'Delay of `slow`.' },
      match: { type: 'string', pattern: '^/', maxLength: 200, description: 'Only requests whose path starts with this.' },
    },
  },
  FaultList: {
    type: 'object',
    additionalProperties: false,
    required: ['faults'],
    properties: { faults: { type: 'array', items: ref('FaultRequest') } },
  },
};
