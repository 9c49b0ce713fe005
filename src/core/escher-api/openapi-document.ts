import { PLAYBOOK_ID_PATTERN, SHA256_PATTERN, wireSchemas, type JsonSchema } from './wire-schemas';

/**
 * Builds the OpenAPI 3.1 document of the Escher server from the wire schemas. The committed
 * api/escher-server.openapi.yaml is this object as YAML (`node dist/dev-server.js --print-openapi`
 * writes it; test/dev-server/openapi.test.ts fails when the two differ, and validates the real
 * server's responses against the YAML).
 */
type Obj = Record<string, unknown>;

const schemaRef = (name: string): JsonSchema => {
  if (!(name in wireSchemas)) throw new Error(`no wire schema ${name}`);
  return { $ref: `#/components/schemas/${name}` };
};
const json = (name: string): Obj => ({ 'application/json': { schema: schemaRef(name) } });
const errorResponse = (description: string): Obj => ({ description, content: json('Error') });
const r = (name: string): Obj => ({ $ref: `#/components/responses/${name}` });
const p = (name: string): Obj => ({ $ref: `#/components/parameters/${name}` });

const ETAG = { ETag: { description: 'The record revision, quoted.', schema: { type: 'string' } } };
const authErrors = { '401': r('Unauthenticated'), '403': r('Forbidden'), '500': r('ServerError') };
const tenant = [p('Tenant')];
const mutationParams = [p('Tenant'), p('IfMatch'), p('IdempotencyKey')];

function ok(description: string, schema: string, headers?: Obj): Obj {
  return { description, content: json(schema), ...(headers ? { headers } : {}) };
}

const paths: Obj = {
  '/api/health': {
    get: { operationId: 'health', summary: 'Liveness and protocol version', security: [], responses: { '200': ok('Server is up', 'Health'), '500': r('ServerError') } },
  },
  '/api/session': {
    get: {
      operationId: 'session',
      summary: 'Check a server URL, tenant and token together: who this token is for the tenant named',
      description:
        'One request, no side effect: 200 when the token belongs to the tenant in X-Escher-Tenant (or is the admin token), 401 for an unknown token, 403 TENANT_MISMATCH naming the tenant when the token is not valid for it. Clients call it before saving a connection.',
      parameters: tenant,
      responses: { '200': ok('The tenant this token acts for', 'Session'), '400': r('BadRequest'), ...authErrors },
    },
  },
  '/api/playbook/upload': {
    post: {
      operationId: 'uploadScript',
      summary: 'Upload one script to tenant storage (content-addressed, idempotent)',
      description: 'The body is streamed to disk while hashed; only bytes matching X-Content-SHA256 (and Content-Length) are stored.',
      parameters: [
        ...tenant,
        { name: 'playbook_id', in: 'query', required: true, schema: { type: 'string', pattern: PLAYBOOK_ID_PATTERN } },
        { name: 'version', in: 'query', required: true, schema: { type: 'string' }, description: 'Semantic version, e.g. 1.0.0' },
        { name: 'path', in: 'query', required: true, schema: { type: 'string' }, description: '<format>/<file>, e.g. shell/stop.sh' },
        { name: 'X-Content-SHA256', in: 'header', required: true, schema: { type: 'string', pattern: SHA256_PATTERN } },
      ],
      requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
      responses: {
        '200': ok('Stored (or already stored)', 'UploadResult'),
        '400': r('BadRequest'),
        '409': errorResponse('VERSION_EXISTS: that version is published with different bytes at this path (scripts of a published version are immutable)'),
        '413': errorResponse('Larger than the server accepts'),
        '415': errorResponse('Not application/octet-stream'),
        '422': errorResponse('CHECKSUM_MISMATCH: the bytes do not hash to X-Content-SHA256'),
        ...authErrors,
      },
    },
  },
  '/api/playbook/upload/check': {
    post: {
      operationId: 'missingBlobs',
      summary: 'Which of these sha256s tenant storage lacks',
      parameters: tenant,
      requestBody: { required: true, content: json('UploadCheckRequest') },
      responses: { '200': ok('The missing ones', 'UploadCheckResponse'), '400': r('BadRequest'), ...authErrors },
    },
  },
  '/api/playbook/metadata/publish': {
    post: {
      operationId: 'publishMetadata',
      summary: 'Publish one version (metadata + optional vector) to the tenant collection',
      description:
        'Identical content (same version and content_hash, no new vector) is a no-op 200. Otherwise If-None-Match: * (first publish) or If-Match: "<revision>" is required. Scripts must already be in tenant storage.',
      parameters: [...mutationParams, p('IfNoneMatch')],
      requestBody: { required: true, content: json('PublishRequest') },
      responses: {
        '200': ok('The record after publishing', 'PlaybookRecord', ETAG),
        '400': r('BadRequest'),
        '409': r('VersionConflict'),
        '412': r('PreconditionFailed'),
        '422': errorResponse('LOCAL_ONLY, INVALID_METADATA, CONTENT_HASH_MISMATCH, SCRIPT_NOT_UPLOADED, FOREIGN_S3_PATH, INVALID_VECTOR or IDEMPOTENCY_KEY_REUSED'),
        '428': r('PreconditionRequired'),
        ...authErrors,
      },
    },
  },
  '/api/changes': {
    get: {
      operationId: 'getChanges',
      summary: 'Incremental feed: full records (tombstones included) with seq > since, ascending',
      parameters: [
        ...tenant,
        { name: 'since', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 500 } },
      ],
      responses: { '200': ok('One page', 'ChangesPage'), '400': r('BadRequest'), ...authErrors },
    },
  },
  '/api/playbooks/{id}': {
    parameters: [p('PlaybookId')],
    get: {
      operationId: 'getRecord',
      summary: "A playbook's record (a tombstone when deleted)",
      parameters: tenant,
      responses: { '200': ok('The record', 'PlaybookRecord', ETAG), '400': r('BadRequest'), '404': r('NotFound'), ...authErrors },
    },
    delete: {
      operationId: 'deletePlaybook',
      summary: 'Delete every version, leaving a tombstone in the changes feed',
      parameters: mutationParams,
      responses: { '200': ok('The tombstone', 'PlaybookRecord', ETAG), '400': r('BadRequest'), '404': r('NotFound'), '412': r('PreconditionFailed'), '428': r('PreconditionRequired'), ...authErrors },
    },
  },
  '/api/playbooks/{id}/versions/{version}': {
    parameters: [p('PlaybookId'), { name: 'version', in: 'path', required: true, schema: { type: 'string' }, description: 'Semantic version, or "latest" (GET only)' }],
    get: {
      operationId: 'fetchMetadata',
      summary: 'Metadata of one version, from the tenant collection and/or the Escher Library',
      parameters: [...tenant, { name: 'source', in: 'query', schema: { type: 'string', enum: ['tenant', 'library', 'any'], default: 'any' } }],
      responses: { '200': ok('The metadata', 'FetchedMetadata'), '400': r('BadRequest'), '404': r('NotFound'), ...authErrors },
    },
    patch: {
      operationId: 'patchVersion',
      summary: 'Edit descriptive fields (recomputes content_hash; an approved or rejected version becomes pending again)',
      parameters: mutationParams,
      requestBody: { required: true, content: json('FieldPatch') },
      responses: { '200': ok('The record', 'PlaybookRecord', ETAG), '400': r('BadRequest'), '404': r('NotFound'), '412': r('PreconditionFailed'), '428': r('PreconditionRequired'), ...authErrors },
    },
    delete: {
      operationId: 'deleteVersion',
      summary: 'Delete one version (the last one leaves a tombstone)',
      parameters: mutationParams,
      responses: { '200': ok('The record', 'PlaybookRecord', ETAG), '400': r('BadRequest'), '404': r('NotFound'), '412': r('PreconditionFailed'), '428': r('PreconditionRequired'), ...authErrors },
    },
  },
  '/api/playbooks/{id}/versions/{version}/review': {
    parameters: [p('PlaybookId'), { name: 'version', in: 'path', required: true, schema: { type: 'string' } }],
    post: {
      operationId: 'reviewVersion',
      summary: 'Approve or reject a version (reviewer tokens only, never your own upload; If-Match optional)',
      description:
        'The decision is recorded against the exact content (content_hash and every script sha256) as VersionRecord.review. A later change to the content (PATCH) makes the version pending again.',
      parameters: mutationParams,
      requestBody: { required: true, content: json('ReviewRequest') },
      responses: {
        '200': ok('The record', 'PlaybookRecord', ETAG),
        '400': r('BadRequest'),
        '403': errorResponse('NOT_A_REVIEWER (an author or trusted token), SELF_REVIEW (the caller published this version), or FORBIDDEN (another tenant)'),
        '404': r('NotFound'),
        '412': r('PreconditionFailed'),
        '401': r('Unauthenticated'),
        '500': r('ServerError'),
      },
    },
  },
  '/api/review-queue': {
    get: {
      operationId: 'reviewQueue',
      summary: 'Versions waiting for review in this tenant, oldest first',
      parameters: tenant,
      responses: { '200': ok('The queue', 'ReviewQueue'), ...authErrors },
    },
  },
  '/api/playbooks/search': {
    post: {
      operationId: 'search',
      summary: 'Keyword (BM25) search over the tenant collection and the Escher Library; returns references',
      parameters: tenant,
      requestBody: { required: true, content: json('SearchRequest') },
      responses: { '200': ok('Ranked references', 'SearchResponse'), '400': r('BadRequest'), ...authErrors },
    },
  },
  '/api/library': {
    get: {
      operationId: 'listLibrary',
      summary: 'The Escher Library: read-only playbooks served to every tenant, by id, in pages',
      description:
        'Each entry is a library playbook\'s latest version (older versions: GET /api/playbooks/{id}/versions/{version}?source=library). The ETag names the whole library; a first page asked with a matching If-None-Match is answered 304 with no body, so a client that is up to date spends one small request.',
      parameters: [
        ...tenant,
        { name: 'after', in: 'query', schema: { type: 'string', pattern: PLAYBOOK_ID_PATTERN }, description: 'Entries with ids after this one (the previous page\'s `next`).' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 500 } },
        { name: 'If-None-Match', in: 'header', schema: { type: 'string' }, description: 'The ETag of a previous listing (first page only).' },
      ],
      responses: {
        '200': ok('One page of the library', 'LibraryPage', { ETag: { description: 'The library\'s version, quoted.', schema: { type: 'string' } } }),
        '304': { description: 'The library is unchanged since the ETag given' },
        '400': r('BadRequest'),
        ...authErrors,
      },
    },
  },
  '/api/script/download': {
    get: {
      operationId: 'requestDownload',
      summary: 'A pre-signed, expiring URL for one script, with its sha256 and size',
      parameters: [...tenant, { name: 's3_path', in: 'query', required: true, schema: { type: 'string', maxLength: 1024 } }],
      responses: { '200': ok('The ticket', 'DownloadTicket'), '400': errorResponse('BAD_S3_PATH: malformed or traversing s3_path'), '404': r('NotFound'), ...authErrors },
    },
  },
  '/blob/t/{tenant}/{sha256}': {
    get: {
      operationId: 'getTenantBlob',
      summary: 'The bytes behind a pre-signed tenant URL',
      security: [],
      parameters: [{ name: 'tenant', in: 'path', required: true, schema: { type: 'string' } }, p('Sha256'), p('Exp'), p('Sig')],
      responses: blobResponses(),
    },
  },
  '/blob/lib/{sha256}': {
    get: {
      operationId: 'getLibraryBlob',
      summary: 'The bytes behind a pre-signed library URL',
      security: [],
      parameters: [p('Sha256'), p('Exp'), p('Sig')],
      responses: blobResponses(),
    },
  },
  '/api/admin/faults': {
    get: { operationId: 'listFaults', summary: 'Active faults', security: [{ adminBearer: [] }], responses: adminResponses() },
    post: {
      operationId: 'setFault',
      summary: 'Inject a fault (tests only)',
      security: [{ adminBearer: [] }],
      requestBody: { required: true, content: json('FaultRequest') },
      responses: { ...adminResponses(), '400': r('BadRequest') },
    },
    delete: {
      operationId: 'clearFaults',
      summary: 'Clear one fault (?name=) or all',
      security: [{ adminBearer: [] }],
      parameters: [{ name: 'name', in: 'query', schema: { type: 'string' } }],
      responses: { ...adminResponses(), '400': r('BadRequest') },
    },
  },
};

function blobResponses(): Obj {
  return {
    '200': {
      description: 'The script bytes',
      headers: { 'X-Content-SHA256': { schema: { type: 'string' } }, 'Content-Length': { schema: { type: 'integer' } } },
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    },
    '403': errorResponse('URL_EXPIRED or BAD_SIGNATURE'),
    '404': r('NotFound'),
  };
}

function adminResponses(): Obj {
  return { '200': ok('Active faults', 'FaultList'), '401': r('Unauthenticated'), '403': r('Forbidden') };
}

export function buildOpenApiDocument(version: string): Obj {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Escher server',
      version,
      description:
        'Tenant playbook collection (publish, incremental sync, conflicts, review), script storage with pre-signed downloads, and the Escher Library. Generated from src/core/escher-api/wire-schemas.ts and openapi-document.ts; docs/server-protocol.md explains it.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A tenant token with one role: author (publishes; uploaded_trusted still lands pending), trusted (its uploaded_trusted versions land approved) or reviewer (also approves/rejects versions others published). Send X-Escher-Tenant too.',
        },
        adminBearer: { type: 'http', scheme: 'bearer', description: 'The admin token: /api/admin/*, and reviewer actions for any tenant.' },
      },
      parameters: {
        Tenant: { name: 'X-Escher-Tenant', in: 'header', required: true, schema: { type: 'string' }, description: 'Must be the tenant of the bearer token (403 otherwise).' },
        IfMatch: { name: 'If-Match', in: 'header', schema: { type: 'string' }, description: '"<revision>" as last seen, or *.' },
        IfNoneMatch: { name: 'If-None-Match', in: 'header', schema: { type: 'string', enum: ['*'] }, description: 'First publish of an id (a tombstone counts as absent).' },
        IdempotencyKey: { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 200 }, description: 'The first 2xx response is replayed for retries with the same key.' },
        PlaybookId: { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        Sha256: { name: 'sha256', in: 'path', required: true, schema: { type: 'string', pattern: SHA256_PATTERN } },
        Exp: { name: 'exp', in: 'query', required: true, schema: { type: 'integer' }, description: 'Expiry, unix seconds.' },
        Sig: { name: 'sig', in: 'query', required: true, schema: { type: 'string' }, description: 'hex HMAC-SHA256 of "<path>\\n<exp>".' },
      },
      responses: {
        BadRequest: errorResponse('Malformed request (VALIDATION, BAD_PLAYBOOK_ID, BAD_VERSION, MISSING_TENANT, ...)'),
        Unauthenticated: errorResponse('Missing or unknown bearer token'),
        Forbidden: errorResponse('TENANT_MISMATCH: the token is not valid for the tenant named in X-Escher-Tenant; FORBIDDEN: the path belongs to another tenant'),
        NotFound: errorResponse('No such playbook, version, script or route'),
        VersionConflict: errorResponse('The version exists with another content_hash; `current` is the record'),
        PreconditionFailed: errorResponse('The revision moved; `current` is the record (null when none)'),
        PreconditionRequired: errorResponse('Send If-Match (or If-None-Match: * for a first publish)'),
        ServerError: errorResponse('Server failure'),
      },
      schemas: wireSchemas,
    },
  };
}
