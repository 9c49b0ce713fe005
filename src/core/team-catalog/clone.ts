import { promises as fs } from 'node:fs';
import type { PublishedMetadata } from '../escher-api/types';
import type { ClonedFrom, ParameterSpec, ScriptFormat } from '../playbook-store/metadata';
import { validateVersion } from '../playbook-store/names';
import type { Playbook, PlaybookStoreApi, ScriptInput } from '../playbook-store/types';
import type { ResolvedReview } from '../script-manager/review-check';
import type { ScriptManager } from '../script-manager/script-manager';
import { AlreadyExistsError, IntegrityError, NotFoundError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import { validatePlaybookId } from '../shared/safe-path';
import type { LibraryCatalog } from './library-catalog';
import type { TeamCatalog } from './team-catalog';

export interface CloneOptions {
  version?: string;
  /** The new playbook's id (default: the same id). */
  as?: string;
  /** Clone content whose review is pending or rejected anyway, for this reason (logged by the script manager). */
  allowUnreviewed?: string;
}

export interface CloneResult {
  playbook: Playbook;
  from: ClonedFrom;
  review: ResolvedReview;
}

/**
 * Copies a team playbook into a new local playbook (v1.0.0, local_only, `cloned_from` naming the
 * exact content copied). Scripts come through the script manager, so they pass its review gate and
 * are verified against the approved hashes; each file is checked once more against the catalog's
 * metadata, so a version that changed on the server while cloning is refused rather than mixed.
 */
export async function cloneTeamPlaybook(d: { store: PlaybookStoreApi; scripts: ScriptManager; catalog: TeamCatalog; library?: LibraryCatalog }, id: string, o: CloneOptions = {}): Promise<CloneResult> {
  validatePlaybookId(id);
  const newId = validatePlaybookId(o.as ?? id);
  if (o.version !== undefined) validateVersion(o.version);
  if (await inStore(d.store, id)) throw new AlreadyExistsError(`"${id}" is in your store already, so it is not a team playbook to clone`, { hint: 'it is yours: export and import copy it' });
  if (await inStore(d.store, newId)) throw new AlreadyExistsError(`A playbook "${newId}" exists in your store`, { hint: 'choose another id for the copy' });
  const { version, metadata: m, source } = await publishedVersion(d, id, o.version);
  const scripts: ScriptInput[] = [];
  let review: ResolvedReview = { status: 'not_required' };
  for (const format of [...new Set(m.scripts.map((s) => s.format))] as ScriptFormat[]) {
    const r = await d.scripts.resolveScript(id, format, version, o.allowUnreviewed !== undefined ? { allowUnreviewed: o.allowUnreviewed } : {});
    if (r.review) review = r.review;
    for (const f of r.files) {
      const want = m.scripts.find((s) => s.path === f.path);
      const bytes = await fs.readFile(f.file);
      if (!want || sha256(bytes) !== want.sha256) throw new IntegrityError(`${id} v${version}: ${f.path} is not the file the ${source === 'library' ? 'library listing' : 'team catalog'} lists`, { hint: 'the playbook changed on the server while cloning; run the clone again' });
      scripts.push({ path: f.path, content: bytes, ...(want.sensitive ? { sensitive: true } : {}) });
    }
  }
  const from: ClonedFrom = { playbook_id: id, version, content_hash: m.content_hash, source };
  const playbook = await d.store.createPlaybook({
    playbook_id: newId,
    name: m.name,
    description: m.description,
    keywords: m.keywords,
    cloud_provider: m.cloud_provider,
    resource_types: m.resource_types,
    parameters: m.parameters.map(withoutSensitiveDefault),
    storage_strategy: 'local_only',
    source: 'user',
    cloned_from: from,
    scripts,
  });
  return { playbook, from, review };
}

/** The team version (or, when the team has no such id, the Escher Library's) that `clone` copies. */
async function publishedVersion(d: { catalog: TeamCatalog; library?: LibraryCatalog }, id: string, wanted: string | undefined): Promise<{ version: string; metadata: PublishedMetadata; source: 'tenant' | 'library' }> {
  const rec = await d.catalog.get(id);
  if (rec) {
    const version = wanted ?? rec.latest_version ?? '';
    const v = rec.versions[version];
    if (!v) throw new NotFoundError(`Team playbook "${id}" has no version ${version}`, { hint: `its versions: ${Object.keys(rec.versions).join(', ')}` });
    return { version, metadata: v.metadata, source: 'tenant' };
  }
  const lib = await d.library?.get(id);
  if (!lib) throw new NotFoundError(`"${id}" is neither among your team's published playbooks nor in the Escher Library`, { hint: 'list the team and library playbooks to see their ids' });
  if (wanted !== undefined && wanted !== lib.latest_version) {
    throw new NotFoundError(`Only the latest version of a library playbook is cloned: "${id}" v${lib.latest_version} (asked: ${wanted})`, { hint: `clone the latest version (${lib.latest_version})` });
  }
  return { version: lib.latest_version, metadata: lib.metadata, source: 'library' };
}

/** Published metadata carries no sensitive defaults; anything in that place is not a plaintext default. */
function withoutSensitiveDefault(p: ParameterSpec): ParameterSpec {
  if (!p.sensitive || p.default === undefined) return p;
  const { default: _d, ...rest } = p;
  return rest;
}

/** Whether this home's store has any version of `id` (then it is the user's, not the team's). */
export async function inStore(store: Pick<PlaybookStoreApi, 'listVersions'>, id: string): Promise<boolean> {
  try {
    return (await store.listVersions(id)).length > 0;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}
