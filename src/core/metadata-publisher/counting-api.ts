import type { CallOptions, DownloadTicket, EscherApi, FetchedMetadata, LibraryListing, PlaybookRecord, Precondition, PublishRequest, ReviewQueueItem, ServerSearchHit, UploadResult, UploadScriptArgs } from '../escher-api/types';

/**
 * Wraps the server client to count what a sync costs: requests made and request-body bytes sent
 * (JSON bodies as serialised, script uploads by size). Header bytes are not counted. The
 * publisher reports these figures in SyncReport, and the bench reads them.
 */
export class CountingApi implements EscherApi {
  requests = 0;
  bytesSent = 0;

  constructor(private readonly inner: EscherApi) {}

  reset(): { requests: number; bytesSent: number } {
    const r = { requests: this.requests, bytesSent: this.bytesSent };
    this.requests = 0;
    this.bytesSent = 0;
    return r;
  }

  private count(bodyBytes = 0): void {
    this.requests += 1;
    this.bytesSent += bodyBytes;
  }

  health(): Promise<{ ok: boolean; version: string }> {
    this.count();
    return this.inner.health();
  }
  uploadScript(args: UploadScriptArgs): Promise<UploadResult> {
    this.count(args.size);
    return this.inner.uploadScript(args);
  }
  missingBlobs(sha256s: string[]): Promise<string[]> {
    this.count(JSON.stringify({ sha256: sha256s }).length);
    return this.inner.missingBlobs(sha256s);
  }
  publishMetadata(req: PublishRequest, pre: Precondition): Promise<PlaybookRecord> {
    this.count(Buffer.byteLength(JSON.stringify(req)));
    return this.inner.publishMetadata(req, pre);
  }
  getRecord(playbookId: string): Promise<PlaybookRecord | null> {
    this.count();
    return this.inner.getRecord(playbookId);
  }
  getChanges(since: number, limit?: number, options?: CallOptions) {
    this.count();
    return this.inner.getChanges(since, limit, options);
  }
  deletePlaybook(playbookId: string, pre: Precondition): Promise<PlaybookRecord> {
    this.count();
    return this.inner.deletePlaybook(playbookId, pre);
  }
  deleteVersion(playbookId: string, version: string, pre: Precondition): Promise<PlaybookRecord> {
    this.count();
    return this.inner.deleteVersion(playbookId, version, pre);
  }
  fetchMetadata(playbookId: string, version: string, source?: 'tenant' | 'library' | 'any'): Promise<FetchedMetadata> {
    this.count();
    return this.inner.fetchMetadata(playbookId, version, source);
  }
  requestDownload(s3Path: string): Promise<DownloadTicket> {
    this.count();
    return this.inner.requestDownload(s3Path);
  }
  search(query: string, limit?: number): Promise<ServerSearchHit[]> {
    this.count(JSON.stringify({ query, limit }).length);
    return this.inner.search(query, limit);
  }
  listLibrary(o?: { after?: string; limit?: number; etag?: string } & CallOptions): Promise<LibraryListing> {
    this.count();
    return this.inner.listLibrary(o);
  }
  reviewQueue(): Promise<ReviewQueueItem[]> {
    this.count();
    return this.inner.reviewQueue();
  }
  review(playbookId: string, version: string, status: 'approved' | 'rejected', comment?: string): Promise<PlaybookRecord> {
    this.count(JSON.stringify({ status, comment }).length);
    return this.inner.review(playbookId, version, status, comment);
  }
}
