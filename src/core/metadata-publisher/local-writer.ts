import * as path from 'node:path';
import * as semver from 'semver';
import type { PublishedMetadata } from '../escher-api/types';
import type { ParameterSpec, PlaybookMetadata } from '../playbook-store/metadata';
import { METADATA_FILE } from '../playbook-store/layout';
import { listVersions } from '../playbook-store/store-folders';
import type { Playbook, PlaybookStoreApi, ScriptInput, VersionTimestamps } from '../playbook-store/types';
import { readInside } from '../shared/contained-fs';
import { sha256 } from '../shared/hash';
import { type MergeView, deepEqual, toMergeView } from './three-way-merge';

/** Fetches a script's bytes from the server, verified against sha256 and size. */
export type ScriptFetcher = (script: { s3_path: string; sha256: string; size: number }) => Promise<Buffer>;

/** sha256 of a version's metadata.json bytes: what PlaybookSummary.content_hash reports. */
export async function localContentHash(playbook: Playbook): Promise<string> {
  return sha256(await readInside(path.dirname(playbook.dir), path.join(playbook.dir, METADATA_FILE), METADATA_FILE));
}

/**
 * Writes `target` as a NEW local version of `id` (versions are immutable; nothing is rewritten):
 * fields from the view, scripts carried over when the bytes are already local (same path and
 * sha256), downloaded from `remote` otherwise, dropped when the target does not have them.
 * Sensitive parameter defaults never travel, so the local encrypted ones are re-attached by name.
 *
 * The version is the remote one when that is newer than everything local (the common
 * fast-forward), else one patch above the newest of both sides (a merge).
 */
export async function writeLocalVersion(args: {
  store: PlaybookStoreApi;
  fetchScript: ScriptFetcher;
  id: string;
  local: Playbook | undefined;
  target: MergeView;
  remote: PublishedMetadata | undefined;
  /** Area for a playbook that does not exist locally yet. */
  area?: 'synced' | 'local';
}): Promise<Playbook> {
  const { store, local, target, remote } = args;
  const localMeta = local?.metadata;
  const remoteVersion = remote?.version;
  const scripts: ScriptInput[] = [];
  const localByPath = new Map((localMeta?.scripts ?? []).map((s) => [s.path, s]));
  for (const want of target.scripts) {
    const have = localByPath.get(want.path);
    if (local && have && have.sha256 === want.sha256) continue;
    const source = remote?.scripts.find((s) => s.path === want.path && s.sha256 === want.sha256);
    if (!source?.s3_path) {
      // Only reachable when the target came from local content, which is already on disk.
      if (local && have) {
        scripts.push({ path: want.path, content: await store.readScript(local, want.path), sensitive: have.sensitive === true });
        continue;
      }
      throw new Error(`script ${want.path} (${want.sha256.slice(0, 12)}) is neither local nor on the server`);
    }
    scripts.push({ path: want.path, content: await args.fetchScript({ s3_path: source.s3_path, sha256: source.sha256, size: source.size }), sensitive: source.sensitive === true });
  }
  const wanted = new Set(target.scripts.map((s) => s.path));
  const removeScripts = [...localByPath.keys()].filter((p) => !wanted.has(p));
  const parameters = localMeta && deepEqual(toMergeView(localMeta).parameters, target.parameters) ? undefined : withLocalSecrets(target.parameters, localMeta?.parameters ?? []);
  const fields = {
    name: target.name,
    description: target.description,
    keywords: target.keywords,
    resource_types: target.resource_types,
    cloud_provider: target.cloud_provider as PlaybookMetadata['cloud_provider'],
    storage_strategy: target.storage_strategy as PlaybookMetadata['storage_strategy'],
  };
  if (!local) {
    return store.createPlaybook({
      ...fields,
      playbook_id: args.id,
      version: remoteVersion ?? '1.0.0',
      parameters: parameters ?? [],
      scripts,
      source: remote?.source ?? 'user',
      area: args.area ?? 'synced',
      ...serverTimestamps(remote, remoteVersion ?? '1.0.0'),
    });
  }
  const latest = (await latestVersion(store, args.id)) ?? local.metadata.version;
  // Remote newer than everything local: keep its number. Otherwise latest >= remote: one patch above.
  const version = remoteVersion && semver.gt(remoteVersion, latest) ? remoteVersion : (semver.inc(latest, 'patch') as string);
  return store.updatePlaybook(args.id, {
    ...fields,
    ...(parameters ? { parameters } : {}),
    scripts,
    removeScripts,
    version,
    fromVersion: local.metadata.version,
    // The server's version number is mirrored even when the content matches the local one.
    writeUnchanged: true,
    ...serverTimestamps(remote, version),
  });
}

/** The server's own version keeps the server's timestamps (checked by the store to be dates), so both sides hold the same metadata. */
function serverTimestamps(remote: PublishedMetadata | undefined, version: string): { timestamps?: VersionTimestamps } {
  return remote && remote.version === version ? { timestamps: { created_at: remote.created_at, updated_at: remote.updated_at } } : {};
}

async function latestVersion(store: PlaybookStoreApi, id: string): Promise<string | undefined> {
  try {
    return (await store.getPlaybook(id)).metadata.version;
  } catch {
    return undefined;
  }
}

/** Remote parameters (no sensitive defaults) with the local encrypted defaults put back by name. */
function withLocalSecrets(remote: ParameterSpec[], local: ParameterSpec[]): ParameterSpec[] {
  const byName = new Map(local.map((p) => [p.name, p]));
  return remote.map((p) => {
    const mine = byName.get(p.name);
    return p.sensitive && mine?.sensitive && mine.default !== undefined && p.default === undefined ? { ...p, default: mine.default } : { ...p };
  });
}

/**
 * Keeps the local change as `<id>-conflict-<n>` in local/ (never auto-uploaded: only `publish`
 * sends a local/ playbook). Scripts and sensitive parameter defaults are copied as plaintext and
 * sealed again by the store for the copy's own id (an envelope is bound to its playbook).
 * A copy of `<id>` in local/ that already holds exactly this content is returned instead of a new
 * one, so a conflict decided again after a crash does not leave a second copy.
 */
export async function writeConflictCopy(store: PlaybookStoreApi, local: Playbook): Promise<Playbook> {
  const m = local.metadata;
  const summaries = await store.listPlaybooks();
  const existing = new Set(summaries.map((s) => s.playbook_id));
  const idFor = (k: number) => {
    const suffix = `-conflict-${k}`;
    return `${m.playbook_id.slice(0, 64 - suffix.length).replace(/-+$/, '')}${suffix}`;
  };
  const mine = toMergeView(m);
  const inLocal = new Set(summaries.filter((s) => s.area === 'local').map((s) => s.playbook_id));
  for (let k = 1; k <= summaries.length; k++) {
    if (!inLocal.has(idFor(k))) continue;
    const copy = await store.getPlaybook(idFor(k));
    if (deepEqual(toMergeView(copy.metadata), mine)) return copy;
  }
  let n = 1;
  while (existing.has(idFor(n))) n++;
  return store.createPlaybook({
    ...(await plainContent(store, local)),
    playbook_id: idFor(n),
    source: m.source,
    version: m.version,
    area: 'local',
  });
}

/** The versions of `id` present locally, ascending (the store's version folders); none when it has no such playbook. */
export async function localVersions(store: PlaybookStoreApi, id: string): Promise<string[]> {
  try {
    return await store.listVersions(id);
  } catch {
    return [];
  }
}

/** The versions in the folder holding `playbook`'s version folder (its playbook's versions here), read by the store's rule. */
export function versionsBeside(playbook: Playbook): Promise<string[]> {
  return listVersions(path.dirname(playbook.dir));
}

/**
 * What a user wrote in a version, in the form create and update take: every field, every script
 * as plaintext (verified; a sensitive one decrypted, and sealed again by the store for whichever
 * playbook it goes to — an envelope is bound to its playbook), sensitive defaults revealed.
 */
export async function plainContent(store: Pick<PlaybookStoreApi, 'readScript' | 'revealParameters'>, pb: Playbook) {
  const m = pb.metadata;
  const scripts: ScriptInput[] = [];
  for (const s of m.scripts) scripts.push({ path: s.path, content: await store.readScript(pb, s.path), sensitive: s.sensitive === true });
  return {
    name: m.name,
    description: m.description,
    keywords: m.keywords,
    cloud_provider: m.cloud_provider,
    resource_types: m.resource_types,
    storage_strategy: m.storage_strategy,
    parameters: await store.revealParameters(pb),
    scripts,
  };
}
