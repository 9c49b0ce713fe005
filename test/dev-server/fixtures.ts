import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { contentHash } from '../../src/core/escher-api/content-hash';
import type { EscherApi, PlaybookRecord, PublishedMetadata } from '../../src/core/escher-api/types';
import { sha256 } from '../../src/core/shared/hash';
import type { ScriptFormat } from '../../src/core/playbook-store/metadata';

/** Builders shared by the dev-server tests: metadata, scripts on disk, a published playbook, a library folder. */
export type Scripts = Record<string, string | Buffer>;

export function makeMetadata(id: string, version: string, scripts: Scripts, over: Partial<PublishedMetadata> = {}): PublishedMetadata {
  const md = {
    schema_version: 1 as const,
    playbook_id: id,
    version,
    name: `Playbook ${id}`,
    description: `Stops the ${id} resources on weekends`,
    keywords: ['weekend', 'shutdown'],
    cloud_provider: 'aws' as const,
    resource_types: ['rds'],
    storage_strategy: 'uploaded_trusted' as const,
    scripts: Object.entries(scripts).map(([p, body]) => ({ format: p.split('/')[0] as ScriptFormat, path: p, sha256: sha256(body), size: Buffer.byteLength(body) })),
    parameters: [],
    source: 'user' as const,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...over,
  };
  return { ...md, content_hash: contentHash(md) } as PublishedMetadata;
}

/** Re-hashes after a change, as the publisher would. */
export function rehash(md: PublishedMetadata): PublishedMetadata {
  return { ...md, content_hash: contentHash(md) };
}

export async function uploadScripts(api: EscherApi, dir: string, id: string, version: string, scripts: Scripts): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [p, body] of Object.entries(scripts)) {
    const file = path.join(dir, `${id}-${version}-${p.replace(/\//g, '_')}`);
    await fs.writeFile(file, body);
    await api.uploadScript({ playbookId: id, version, path: p, file, sha256: sha256(body), size: Buffer.byteLength(body) });
  }
}

/** Uploads the scripts and publishes a first version. */
export async function publishNew(
  api: EscherApi,
  dir: string,
  id: string,
  version = '1.0.0',
  scripts: Scripts = { 'shell/stop.sh': `#!/bin/sh\necho stop ${id}\n` },
  over: Partial<PublishedMetadata> = {},
): Promise<{ record: PlaybookRecord; metadata: PublishedMetadata }> {
  await uploadScripts(api, dir, id, version, scripts);
  const metadata = makeMetadata(id, version, scripts, over);
  const record = await api.publishMetadata({ metadata }, { ifNoneMatch: '*' });
  return { record, metadata };
}

/** A library folder in the store's layout: <dir>/<id>/v<version>/metadata.json + scripts. */
export async function writeLibraryPlaybook(dir: string, id: string, version: string, scripts: Scripts, over: Record<string, unknown> = {}): Promise<void> {
  const vdir = path.join(dir, id, `v${version}`);
  for (const [p, body] of Object.entries(scripts)) {
    await fs.mkdir(path.dirname(path.join(vdir, p)), { recursive: true });
    await fs.writeFile(path.join(vdir, p), body);
  }
  const { content_hash: _h, ...md } = makeMetadata(id, version, scripts, { source: 'library', ...over } as Partial<PublishedMetadata>);
  await fs.writeFile(path.join(vdir, 'metadata.json'), JSON.stringify(md, null, 2));
}

/** A raw HTTP call (no client logic): for endpoints EscherApi has no method for, and for error bodies. */
export async function raw(
  baseUrl: string,
  method: string,
  urlPath: string,
  opts: { body?: unknown; headers?: Record<string, string>; token?: string | null; tenant?: string | null } = {},
): Promise<{ status: number; body: unknown; text: string; headers: Record<string, string> }> {
  const { default: axios } = await import('axios');
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? 'test-token-acme'}`;
  if (opts.tenant !== null) headers['x-escher-tenant'] = opts.tenant ?? 'acme';
  const res = await axios.request<string>({
    baseURL: baseUrl,
    url: urlPath,
    method,
    data: opts.body,
    headers,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
    maxRedirects: 0,
  });
  let body: unknown;
  try {
    body = JSON.parse(res.data);
  } catch {
    body = undefined;
  }
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h[k] = v;
  return { status: res.status, body, text: res.data, headers: h };
}
