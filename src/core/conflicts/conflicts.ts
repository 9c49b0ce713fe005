import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DraftStore } from '../drafts/draft-store';
import type { MetadataPublisher, UploadStrategy } from '../metadata-publisher/publisher';
import type { ConflictRecord } from '../metadata-publisher/sync-state';
import type { Playbook, PlaybookStoreApi, UpdatePlaybookInput } from '../playbook-store/types';
import { readInside } from '../shared/contained-fs';
import { NotFoundError, ValidationError } from '../shared/errors';
import { hasConflictMarkers } from '../version-compare/line-merge';
import { mergedContent } from './merge-draft';
import { plainContent } from '../metadata-publisher/local-writer';

export type KeepSide = 'mine' | 'theirs' | 'draft';

export interface ConflictResolution {
  playbook_id: string;
  copy_id: string;
  keep: KeepSide;
  /** resolved: the result is the latest version and the conflict is gone; draft: a merge draft was made to edit first. */
  outcome: 'resolved' | 'draft';
  /** The playbook's latest version now (resolved). */
  version?: string;
  /** What the publish of a new version did: the server has it, it waits in the outbox, or the server moved again (a new conflict). */
  publish?: 'published' | 'queued' | 'conflict' | 'not-needed';
  /** The merge draft (outcome draft). */
  draft?: { dir: string; conflicted: string[]; notes: string[] };
}

type ConflictsPublisher = Pick<MetadataPublisher, 'status' | 'publishMetadata' | 'clearConflicts'>;
type ConflictsStore = Pick<PlaybookStoreApi, 'getPlaybook' | 'updatePlaybook' | 'readScript' | 'revealParameters' | 'deletePlaybook'>;

/**
 * Conflicts the user resolves (`escher-playbook conflicts`, the extension's Resolve Conflict…): a
 * diverged playbook (the server's version in the playbook, ours in its `<id>-conflict-n` copy)
 * becomes one again. Keep theirs: the playbook stays as it is. Keep mine: the copy's content is
 * written as the playbook's next version. Keep draft: a draft prefilled with the three-way merge
 * is made to edit, and once edited it is saved as the next version. A new version is published;
 * then the copy is deleted, then the record cleared. Killed anywhere, a repeat finishes the job
 * (writing the same content again writes nothing, publishing it again is a no-op, the copy and
 * the record go last), and the copy is never deleted before its content is in the playbook.
 */
export class Conflicts {
  constructor(private readonly o: { store: ConflictsStore; publisher: ConflictsPublisher; drafts: DraftStore }) {}

  /** The conflicts still open (the same list `status` shows). */
  async list(): Promise<ConflictRecord[]> {
    return (await this.o.publisher.status()).conflicts;
  }

  /** The open diverged conflict of a playbook, named by its id or its copy's. */
  async find(id: string): Promise<ConflictRecord & { copy_id: string }> {
    const open = await this.list();
    const c = open.find((x) => x.playbook_id === id || x.copy_id === id);
    if (!c) throw new NotFoundError(`No open conflict on "${id}"`, { hint: open.length ? `open conflicts: ${open.map((x) => x.playbook_id).join(', ')}` : 'there are no open conflicts' });
    if (c.kind !== 'diverged' || c.copy_id === undefined) {
      throw new ValidationError(`The conflict on "${c.playbook_id}" is not between two versions (${c.kind}): ${c.message}`, [], { hint: 'publish the playbook again to keep it, or delete it to accept the server\'s delete' });
    }
    return { ...c, copy_id: c.copy_id };
  }

  async resolve(id: string, keep: KeepSide): Promise<ConflictResolution> {
    const c = await this.find(id);
    const pid = c.playbook_id;
    const theirs = await this.o.store.getPlaybook(pid);
    const done = { playbook_id: pid, copy_id: c.copy_id, keep };
    let changed = false;
    if (keep === 'mine') {
      const mine = await this.o.store.getPlaybook(c.copy_id);
      changed = !(await this.o.store.updatePlaybook(pid, await this.copyInput(mine, theirs))).unchanged;
    } else if (keep === 'draft') {
      const draft = (await this.o.drafts.list()).find((d) => d.playbook_id === pid);
      if (!draft) return { ...done, outcome: 'draft', draft: await this.mergeDraft(c, theirs) };
      await assertNoMarkers(draft.dir);
      const r = await this.o.drafts.commit(pid, { enforceContract: true });
      // The merge came out as the server's version: nothing to write; the draft has served.
      if (r.unchanged) await this.o.drafts.discard(pid);
      changed = !r.unchanged;
    }
    let publish: ConflictResolution['publish'] = 'not-needed';
    if (changed || keep !== 'theirs') {
      const latest = await this.o.store.getPlaybook(pid);
      const r = await this.o.publisher.publishMetadata(pid, { strategy: strategyOf(latest, theirs) });
      publish = r.status;
    }
    await this.o.store.deletePlaybook(c.copy_id).catch((e: unknown) => {
      if (!(e instanceof NotFoundError)) throw e;
    });
    // A merge draft left from an earlier Merge… of this conflict is moot once it is resolved another way.
    if (keep !== 'draft' && (await this.o.drafts.list()).some((d) => d.playbook_id === pid && d.origin === 'merge')) await this.o.drafts.discard(pid);
    await this.o.publisher.clearConflicts((x) => x.kind === 'diverged' && x.playbook_id === pid && x.copy_id === c.copy_id);
    return { ...done, outcome: 'resolved', version: (await this.o.store.getPlaybook(pid)).metadata.version, publish };
  }

  /** The copy's content as the playbook's next version: every field, every script (plaintext, resealed for the playbook), none of theirs it lacks. */
  private async copyInput(mine: Playbook, theirs: Playbook): Promise<UpdatePlaybookInput> {
    const kept = new Set(mine.metadata.scripts.map((s) => s.path));
    return { ...(await plainContent(this.o.store, mine)), removeScripts: theirs.metadata.scripts.filter((s) => !kept.has(s.path)).map((s) => s.path) };
  }

  private async mergeDraft(c: ConflictRecord & { copy_id: string }, theirs: Playbook): Promise<NonNullable<ConflictResolution['draft']>> {
    const { store } = this.o;
    const base = c.base_version === undefined ? undefined : await store.getPlaybook(c.playbook_id, c.base_version).catch(() => undefined);
    const merged = await mergedContent(store, { base, mine: await store.getPlaybook(c.copy_id), theirs });
    const d = await this.o.drafts.openWith(c.playbook_id, merged, 'merge');
    return { dir: d.dir, conflicted: merged.conflicted, notes: [...(base ? [] : ['no common version was recorded: every difference is marked as a conflict']), ...merged.notes] };
  }
}

/** The strategy the resolved version is published with: the copy's, unless it is local_only (then the server's). */
function strategyOf(latest: Playbook, theirs: Playbook): UploadStrategy {
  const mine = latest.metadata.storage_strategy;
  if (mine !== 'local_only') return mine;
  const t = theirs.metadata.storage_strategy;
  return t === 'local_only' ? 'uploaded_for_review' : t;
}

/** A draft still holding a merge's conflict markers is not a resolution yet. */
async function assertNoMarkers(dir: string): Promise<void> {
  const marked: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile() && hasConflictMarkers((await readInside(dir, path.join(dir, r), 'Draft file')).toString('utf8'))) marked.push(r);
    }
  };
  await walk('');
  if (marked.length) {
    throw new ValidationError(`The draft in ${dir} still has conflict markers in ${marked.join(', ')}`, [], { hint: 'edit each <<<<<<< mine … ======= … >>>>>>> theirs block down to what you want, then resolve again' });
  }
}
