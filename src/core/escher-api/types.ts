import type { Readable } from 'node:stream';
import type { PlaybookMetadata, StorageStrategy } from '../playbook-store/metadata';

/**
 * Wire types of the Escher server contract (api/escher-server.openapi.yaml is the normative
 * document; docs/server-protocol.md explains it). The reference server (src/dev-server) and the
 * client (./client.ts) both use these.
 */

export type ReviewStatus = 'pending' | 'approved' | 'rejected' | 'not_required';

/** Metadata as published: no script bodies, scripts carry s3_path; sensitive defaults stripped. */
export type PublishedMetadata = Omit<PlaybookMetadata, 'storage_strategy'> & {
  storage_strategy: Exclude<StorageStrategy, 'local_only'>;
  /** sha256 over the canonical metadata (incl. script sha256s): the change detector. Compute with contentHash() in ./content-hash.ts; the server verifies it. */
  content_hash: string;
};

/**
 * The last review decision on a version, bound to the content it was made on. The version is
 * approved only while `content_hash` and every script's sha256 here equal the version's metadata
 * (see reviewHolds in ./review.ts); a change to the content makes the server set it pending again.
 */
export interface ReviewDecision {
  playbook_id: string;
  version: string;
  status: 'approved' | 'rejected';
  content_hash: string;
  scripts: Array<{ path: string; sha256: string }>;
  /** The reviewer's principal ("admin" or "key-…"); for a trusted upload, the uploader's. */
  reviewer: string;
  /** "review": a reviewer decided; "trusted_upload": a trusted token published it as uploaded_trusted. */
  kind: 'review' | 'trusted_upload';
  at: string;
  comment?: string;
}

export interface VersionRecord {
  version: string;
  metadata: PublishedMetadata;
  review_status: ReviewStatus;
  review_comment?: string;
  /** The last decision (it may be about earlier content: compare its content_hash). */
  review?: ReviewDecision;
  /** Principal of the token that published this version: it may not review it. */
  published_by?: string;
  published_at: string;
  /** Whether the server holds a vector for it in the tenant collection. */
  has_vector: boolean;
}

/** One playbook in the tenant collection. `revision` changes on every mutation (ETag). */
export interface PlaybookRecord {
  playbook_id: string;
  revision: string;
  /** Monotonic per tenant; the changes feed is ordered by it. */
  seq: number;
  deleted: boolean;
  latest_version: string | null;
  versions: Record<string, VersionRecord>;
  updated_at: string;
}

export interface ChangesPage {
  changes: PlaybookRecord[];
  /** Pass as `since` next time. */
  next: number;
  more: boolean;
}

/** A changes-feed record the client refused (changes-page.ts): kept out of `changes`, reported. */
export interface RejectedRecord {
  /** Only when well-formed (the record is hostile or broken; never print more than this). */
  playbook_id: string | null;
  seq: number | null;
  revision: string | null;
  latest_version: string | null;
  issues: string[];
}

/** A changes page as the client hands it on: the valid records, and the refused ones when any. */
export interface ChangesFeedPage extends ChangesPage {
  rejected?: RejectedRecord[];
}

export interface UploadResult {
  s3_path: string;
  sha256: string;
  size: number;
}

export interface DownloadTicket {
  /** Pre-signed, expiring URL (HMAC). Must be https, or http on loopback, and on the server's host. */
  url: string;
  expires_at: string;
  sha256: string;
  size: number;
}

export interface PublishRequest {
  metadata: PublishedMetadata;
  vector?: number[];
  vector_model?: string;
}

export interface Precondition {
  /** Expected current revision (If-Match). */
  ifMatch?: string;
  /** First publish of this id (If-None-Match: *). */
  ifNoneMatch?: '*';
  /** Same key on retry => the server applies the mutation at most once. */
  idempotencyKey?: string;
}

export interface FetchedMetadata {
  source: 'tenant' | 'library';
  metadata: PublishedMetadata;
  review_status?: ReviewStatus;
  /** The last decision on this version (tenant only). */
  review?: ReviewDecision;
}

export interface ReviewQueueItem {
  playbook_id: string;
  version: string;
  name: string;
  content_hash: string;
  published_by?: string;
  published_at: string;
  last_decision?: ReviewDecision;
}

/** One Escher Library playbook as the listing gives it (its latest version; approved by definition). */
export interface LibraryEntry {
  playbook_id: string;
  latest_version: string;
  versions: string[];
  metadata: PublishedMetadata;
  review_status: 'not_required';
}

/** One page of GET /api/library, entries checked one by one (library-page.ts). */
export type LibraryListing =
  | { notModified: true }
  | { notModified: false; entries: LibraryEntry[]; rejected: Array<{ playbook_id: string | null; issues: string[] }>; next: string | null; etag: string | null };

export interface ServerSearchHit {
  playbook_id: string;
  version: string;
  source: 'tenant' | 'library';
  name: string;
  score: number;
}

/**
 * One script upload. The bytes come from `body` (called once per attempt: a request body stream
 * cannot be replayed), or are streamed from `file` as it is. The publisher always passes `body`,
 * fed from a file it opened and checked (or from memory, for a decrypted sensitive script); `file`
 * is for callers that made the file themselves.
 */
export type UploadScriptArgs = { playbookId: string; version: string; path: string; sha256: string; size: number } & ({ file: string } | { body: () => Readable });

/** Per-call options of the read calls a caller may cut short. */
export interface CallOptions {
  /** Aborts the call, retries included; it then fails with a NetworkError ("timed out"). */
  signal?: AbortSignal;
}

/** What the core needs from the server. One implementation talks HTTP (axios); tests use the real reference server. */
export interface EscherApi {
  health(): Promise<{ ok: boolean; version: string }>;
  uploadScript(args: UploadScriptArgs): Promise<UploadResult>;
  /** Which of these sha256s tenant storage does not hold yet. */
  missingBlobs(sha256s: string[]): Promise<string[]>;
  publishMetadata(req: PublishRequest, pre: Precondition): Promise<PlaybookRecord>;
  getRecord(playbookId: string): Promise<PlaybookRecord | null>;
  /** One page of the feed; records that break the contract are in `rejected`, not in `changes`. */
  getChanges(since: number, limit?: number, options?: CallOptions): Promise<ChangesFeedPage>;
  deletePlaybook(playbookId: string, pre: Precondition): Promise<PlaybookRecord>;
  deleteVersion(playbookId: string, version: string, pre: Precondition): Promise<PlaybookRecord>;
  fetchMetadata(playbookId: string, version: string | 'latest', source?: 'tenant' | 'library' | 'any', options?: CallOptions): Promise<FetchedMetadata>;
  requestDownload(s3Path: string, options?: CallOptions): Promise<DownloadTicket>;
  search(query: string, limit?: number): Promise<ServerSearchHit[]>;
  /** One page of the Escher Library listing; `etag` (first page only) may answer "not modified". */
  listLibrary(o?: { after?: string; limit?: number; etag?: string } & CallOptions): Promise<LibraryListing>;
  /** Versions waiting for review in this tenant, oldest first. */
  reviewQueue(): Promise<ReviewQueueItem[]>;
  /** Approve or reject a version (reviewer tokens only; never one's own upload). */
  review(playbookId: string, version: string, status: 'approved' | 'rejected', comment?: string): Promise<PlaybookRecord>;
}
