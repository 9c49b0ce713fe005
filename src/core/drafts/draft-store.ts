import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsyncDir } from '../shared/atomic-fs';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import { readInside } from '../shared/contained-fs';
import { EscherError, NotFoundError, ValidationError } from '../shared/errors';
import { validatePlaybookId } from '../shared/safe-path';
import { METADATA_FILE } from '../playbook-store/layout';
import { validateScriptPath } from '../playbook-store/names';
import type { ParameterSpec } from '../playbook-store/metadata';
import type { PlaybookStoreApi, UpdatePlaybookInput, UpdateResult } from '../playbook-store/types';
import { publishDir, trashName } from '../playbook-store/version-writer';
import { assertDraftDir, DRAFT_INFO, type DraftInfo, readDraftInfo, readDraftTree } from './draft-files';

export interface DraftSummary extends DraftInfo {
  /** Absolute path of the draft folder. */
  dir: string;
}

export interface OpenedDraft extends DraftSummary {
  /** False when the draft already existed (it is returned as it is). */
  created: boolean;
  /** Files copied as they were on disk although they no longer match the base's metadata.json: they become the next version when saved. */
  changedOnDisk: string[];
}

/** A saved draft: the version written (or the latest, unchanged) and the version the draft was made from. */
export type CommittedDraft = UpdateResult & { base_version: string };

type DraftsStore = Pick<PlaybookStoreApi, 'getPlaybook' | 'updatePlaybook' | 'findModifiedFiles'>;

/**
 * Drafts: the one way to edit a stored version. `open` copies a version (metadata.json and the
 * plain scripts) into $ESCHER_HOME/drafts/<id>/ (draft-files.ts); `commit` reads it back —
 * contained, symlinks refused — and writes it as the next version through the store's own
 * updatePlaybook, which validates it, hashes every file again and publishes the version folder
 * with one rename; only then is the draft removed. A crash leaves the old state (draft kept, no
 * new version) or the new version whole (the draft may remain: a second commit then refuses,
 * since the latest version is no longer the draft's base, and says so).
 */
export class DraftStore {
  private readonly clock: Clock;

  constructor(private readonly o: { draftsDir: string; store: DraftsStore; clock?: Clock }) {
    this.clock = o.clock ?? systemClock;
  }

  dirOf(id: string): string {
    return path.join(this.o.draftsDir, validatePlaybookId(id));
  }

  /** The draft of `id`, made from the latest version when there is none yet. */
  async open(id: string): Promise<OpenedDraft> {
    const dir = this.dirOf(id);
    const existing = await this.existing(dir);
    if (existing) return { ...existing, dir, created: false, changedOnDisk: [] };
    const base = await this.o.store.getPlaybook(id);
    const changedOnDisk = (await this.o.store.findModifiedFiles(base)).map((f) => f.path);
    const scripts = new Map<string, Uint8Array>();
    // As they are on disk, checked or not: a change made in the store is what the user wants to keep.
    for (const s of base.metadata.scripts) if (!s.sensitive) scripts.set(s.path, await readInside(base.dir, path.join(base.dir, s.path), 'Script'));
    return { ...(await this.create(id, base.metadata.version, JSON.stringify(base.metadata, null, 2) + '\n', scripts)), changedOnDisk };
  }

  /**
   * A draft of `id` on its latest version holding the given content instead of that version's
   * (a conflict's three-way merge: src/core/conflicts/). Refused when a draft of `id` exists.
   */
  async openWith(id: string, content: { metadataText: string; scripts: ReadonlyMap<string, Uint8Array> }, origin?: DraftInfo['origin']): Promise<OpenedDraft> {
    const dir = this.dirOf(id);
    if (await this.existing(dir)) throw new EscherError('CONFLICT', `A draft of "${id}" already exists (${dir})`, { hint: 'save the draft as a new version, or discard it, first' });
    const base = await this.o.store.getPlaybook(id);
    return { ...(await this.create(id, base.metadata.version, content.metadataText, content.scripts, origin)), changedOnDisk: [] };
  }

  private async create(id: string, baseVersion: string, metadataText: string, scripts: ReadonlyMap<string, Uint8Array>, origin?: DraftInfo['origin']): Promise<Omit<OpenedDraft, 'changedOnDisk'>> {
    const dir = this.dirOf(id);
    const info: DraftInfo = { playbook_id: id, base_version: baseVersion, created_at: new Date(this.clock.now()).toISOString(), ...(origin ? { origin } : {}) };
    await fs.mkdir(this.o.draftsDir, { recursive: true });
    const build = async (tmp: string): Promise<void> => {
      await fs.mkdir(tmp);
      await fs.writeFile(path.join(tmp, METADATA_FILE), metadataText, { flag: 'wx' });
      for (const [p, bytes] of scripts) {
        const file = path.join(tmp, validateScriptPath(p));
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, bytes, { flag: 'wx', mode: p.startsWith('shell/') ? 0o755 : 0o644 });
      }
      await fs.writeFile(path.join(tmp, DRAFT_INFO), JSON.stringify(info, null, 2) + '\n', { flag: 'wx' });
    };
    try {
      await publishDir(this.o.draftsDir, id, build, () => undefined);
    } catch (e) {
      // Made by another process meanwhile: that one is the draft.
      const raced = await this.existing(dir);
      if (raced) return { ...raced, dir, created: false };
      throw e;
    }
    return { ...info, dir, created: true };
  }

  async list(): Promise<DraftSummary[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.o.draftsDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: DraftSummary[] = [];
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const dir = path.join(this.o.draftsDir, name);
      const info = await this.existing(dir).catch(() => undefined);
      if (info) out.push({ ...info, dir });
    }
    return out;
  }

  /** Writes the draft as the next version (`bump`, default patch) and removes it; with nothing changed, writes nothing and keeps it. */
  async commit(id: string, options: { bump?: UpdatePlaybookInput['bump']; enforceContract?: boolean } = {}): Promise<CommittedDraft> {
    const dir = this.dirOf(id);
    if (!(await this.existing(dir))) throw new NotFoundError(`No draft of "${id}"`, { hint: `make one with \`escher-playbook draft ${id}\`` });
    const tree = await readDraftTree(dir);
    const { info, metadata: m, scripts } = tree;
    if (info.playbook_id !== id || (m.playbook_id !== undefined && m.playbook_id !== id)) {
      throw new ValidationError(`The draft in ${dir} is not a draft of "${id}"`, [], { hint: 'playbook_id cannot change in a draft; discard it and start again' });
    }
    const latest = (await this.o.store.getPlaybook(id)).metadata.version;
    if (latest !== info.base_version) {
      throw new EscherError('CONFLICT', `v${latest} of "${id}" was written after this draft was made from v${info.base_version} (perhaps by this draft, if an earlier save was interrupted)`, {
        hint: `compare with \`escher-playbook show ${id}\`; keep your edits elsewhere, then \`escher-playbook draft discard ${id}\` and start again from v${latest}`,
      });
    }
    const base = await this.o.store.getPlaybook(id, info.base_version);
    for (const s of base.metadata.scripts) {
      if (s.sensitive && scripts.has(s.path)) {
        throw new ValidationError(`${path.join(dir, s.path)} is a sensitive script: it cannot be edited in a draft (its plaintext never goes to disk)`, [], {
          hint: `remove it from the draft (it is carried over unchanged); change it with \`escher-playbook update ${id} --secret-script ${s.path}=<file>\``,
        });
      }
    }
    if (m.parameters !== undefined && !Array.isArray(m.parameters)) throw new ValidationError(`${path.join(dir, METADATA_FILE)}: parameters must be a list`);
    const pick = <T>(k: string): T | undefined => m[k] as T | undefined;
    const result = await this.o.store.updatePlaybook(id, {
      name: pick('name'),
      description: pick('description'),
      keywords: pick('keywords'),
      cloud_provider: pick('cloud_provider'),
      resource_types: pick('resource_types'),
      storage_strategy: pick('storage_strategy'),
      parameters: pick<ParameterSpec[]>('parameters'),
      scripts: [...scripts].map(([p, content]) => ({ path: p, content })),
      removeScripts: base.metadata.scripts.filter((s) => !s.sensitive && !scripts.has(s.path)).map((s) => s.path),
      bump: options.bump,
      fromVersion: info.base_version,
      // On by default, as for a user's `update`; a caller may leave it to the runner's check before every run.
      enforceContract: options.enforceContract ?? true,
    });
    if (!result.unchanged) await this.remove(dir);
    return { ...result, base_version: info.base_version };
  }

  async discard(id: string): Promise<void> {
    const dir = this.dirOf(id);
    if (!(await this.existing(dir).catch(() => true))) throw new NotFoundError(`No draft of "${id}"`, { hint: 'there is nothing to discard: the list of drafts shows which exist' });
    await this.remove(dir);
  }

  /** The draft's info when `dir` holds one; undefined when nothing is there. Throws for a symlink or a damaged draft. */
  private async existing(dir: string): Promise<DraftInfo | undefined> {
    try {
      await assertDraftDir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return readDraftInfo(dir);
  }

  /** Renamed away first (it disappears at once, whole), then removed; a symlink is removed itself, never followed. */
  private async remove(dir: string): Promise<void> {
    const trash = path.join(this.o.draftsDir, trashName(path.basename(dir)));
    await fs.rename(dir, trash);
    await fsyncDir(this.o.draftsDir);
    await fs.rm(trash, { recursive: true, force: true });
  }
}
