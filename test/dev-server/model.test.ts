import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PlaybookRecord } from '../../src/core/escher-api/types';
import { NotFoundError, PreconditionFailedError, VersionConflictError } from '../../src/core/shared/errors';
import { sha256 } from '../../src/core/shared/hash';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../helpers/dev-server';
import { makeMetadata, raw } from './fixtures';

/**
 * Model-based test of the tenant collection: random sequences of publishes (fresh, stale,
 * identical, conflicting), version and playbook deletes and reviews, checked after every step
 * against a simple model, then the changes feed and a restart are checked against the records.
 */
interface ModelVersion {
  hash: string;
  review: string;
}
interface ModelRecord {
  deleted: boolean;
  versions: Map<string, ModelVersion>;
  revision: string;
}
interface Model {
  records: Map<string, ModelRecord>;
  seq: number;
}
interface Real {
  s: TestServer;
}

const SCRIPT = 'echo model\n';
const SCRIPTS = { 'shell/stop.sh': SCRIPT };
const IDS = ['alpha', 'beta', 'gamma'];
const VERSIONS = ['1.0.0', '1.1.0', '2.0.0'];

const semverMax = (vs: string[]): string | null => [...vs].sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))[0] ?? null;

async function check(m: Model, r: Real, id: string): Promise<void> {
  const rec = await r.s.api.getRecord(id);
  const mr = m.records.get(id);
  if (!mr) return assert.equal(rec, null);
  assert.ok(rec);
  assert.equal(rec.deleted, mr.deleted);
  assert.equal(rec.revision, mr.revision);
  assert.deepEqual(Object.keys(rec.versions).sort(), [...mr.versions.keys()].sort());
  for (const [v, mv] of mr.versions) {
    assert.equal(rec.versions[v]?.metadata.content_hash, mv.hash);
    assert.equal(rec.versions[v]?.review_status, mv.review);
  }
  assert.equal(rec.latest_version, semverMax([...mr.versions.keys()]));
  assert.equal((await r.s.api.getChanges(m.seq - 1 < 0 ? 0 : m.seq - 1)).next, m.seq, 'seq');
}

function applied(m: Model, id: string, rec: PlaybookRecord): void {
  m.seq += 1;
  assert.equal(rec.seq, m.seq, 'each mutation takes the next seq');
  const mr = m.records.get(id);
  assert.ok(mr);
  assert.notEqual(rec.revision, mr.revision);
  mr.revision = rec.revision;
}

class Publish implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly version: string,
    readonly variant: number,
    readonly fresh: boolean,
    readonly trusted: boolean,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const md = makeMetadata(this.id, this.version, SCRIPTS, { description: `variant ${this.variant}`, storage_strategy: this.trusted ? 'uploaded_trusted' : 'uploaded_for_review' });
    const mr = m.records.get(this.id);
    const live = mr && !mr.deleted ? mr : undefined;
    const existing = live?.versions.get(this.version);
    const pre = !mr ? { ifNoneMatch: '*' as const } : this.fresh ? { ifMatch: mr.revision } : { ifMatch: 'stale-revision' };
    const call = r.s.api.publishMetadata({ metadata: md }, mr?.deleted && this.fresh ? { ifNoneMatch: '*' } : pre);
    if (existing && existing.hash === md.content_hash) {
      assert.equal((await call).revision, mr?.revision, 'identical: no change');
    } else if (!this.fresh && mr) {
      await assert.rejects(call, PreconditionFailedError);
    } else if (existing) {
      await assert.rejects(call, VersionConflictError);
    } else {
      const rec = await call;
      if (!mr) m.records.set(this.id, { deleted: false, versions: new Map(), revision: '' });
      const target = m.records.get(this.id) as ModelRecord;
      if (target.deleted) target.versions.clear();
      target.deleted = false;
      target.versions.set(this.version, { hash: md.content_hash, review: this.trusted ? 'approved' : 'pending' });
      applied(m, this.id, rec);
    }
    await check(m, r, this.id);
  }
  toString = (): string => `publish(${this.id}@${this.version} v${this.variant}${this.fresh ? '' : ' stale'}${this.trusted ? ' trusted' : ''})`;
}

class DeleteVersion implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly version: string,
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const mr = m.records.get(this.id);
    const call = r.s.api.deleteVersion(this.id, this.version, { ifMatch: mr?.revision ?? '*' });
    if (!mr || mr.deleted || !mr.versions.has(this.version)) {
      await assert.rejects(call, NotFoundError);
    } else {
      const rec = await call;
      mr.versions.delete(this.version);
      mr.deleted = mr.versions.size === 0;
      applied(m, this.id, rec);
    }
    await check(m, r, this.id);
  }
  toString = (): string => `deleteVersion(${this.id}@${this.version})`;
}

class DeletePlaybook implements fc.AsyncCommand<Model, Real> {
  constructor(readonly id: string) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const mr = m.records.get(this.id);
    const call = r.s.api.deletePlaybook(this.id, { ifMatch: mr?.revision ?? '*' });
    if (!mr) await assert.rejects(call, NotFoundError);
    else if (mr.deleted) assert.equal((await call).revision, mr.revision, 'deleting a tombstone is a no-op');
    else {
      const rec = await call;
      mr.deleted = true;
      mr.versions.clear();
      applied(m, this.id, rec);
    }
    await check(m, r, this.id);
  }
  toString = (): string => `deletePlaybook(${this.id})`;
}

class Review implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly version: string,
    readonly status: 'approved' | 'rejected',
  ) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const mr = m.records.get(this.id);
    const res = await raw(r.s.url, 'POST', `/api/playbooks/${this.id}/versions/${this.version}/review`, { token: ADMIN_TOKEN, body: { status: this.status } });
    const v = mr && !mr.deleted ? mr.versions.get(this.version) : undefined;
    if (!v) assert.equal(res.status, 404);
    else {
      assert.equal(res.status, 200);
      v.review = this.status;
      applied(m, this.id, res.body as PlaybookRecord);
    }
    await check(m, r, this.id);
  }
  toString = (): string => `review(${this.id}@${this.version} ${this.status})`;
}

const id = fc.constantFrom(...IDS);
const version = fc.constantFrom(...VERSIONS);
const commands = [
  fc.tuple(id, version, fc.nat(1), fc.boolean(), fc.boolean()).map(([i, v, n, f, tr]) => new Publish(i, v, n, f || n === 0, tr)),
  fc.tuple(id, version).map(([i, v]) => new DeleteVersion(i, v)),
  id.map((i) => new DeletePlaybook(i)),
  fc.tuple(id, version, fc.constantFrom('approved' as const, 'rejected' as const)).map(([i, v, st]) => new Review(i, v, st)),
];

test('model: random publish/delete/review sequences keep records, revisions, seq and the feed consistent, across a restart', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-model-'));
      let s = await startTestServer({ dataDir, keepDataDir: true });
      try {
        const file = path.join(dataDir, 'script.sh');
        await fs.writeFile(file, SCRIPT);
        await s.api.uploadScript({ playbookId: 'alpha', version: '1.0.0', path: 'shell/stop.sh', file, sha256: sha256(SCRIPT), size: SCRIPT.length });
        const model: Model = { records: new Map(), seq: 0 };
        await fc.asyncModelRun(() => ({ model, real: { s } }), cmds);
        // The feed from 0: every record once, ascending seq, identical to what getRecord says.
        const feed = await s.api.getChanges(0, 1000);
        assert.deepEqual(feed.changes.map((c) => c.playbook_id).sort(), [...model.records.keys()].sort());
        assert.deepEqual(feed.changes.map((c) => c.seq), [...feed.changes.map((c) => c.seq)].sort((a, b) => a - b));
        for (const c of feed.changes) assert.deepEqual(await s.api.getRecord(c.playbook_id), c);
        await s.close();
        s = await startTestServer({ dataDir, keepDataDir: true });
        assert.deepEqual(await s.api.getChanges(0, 1000), feed, 'a restart changes nothing');
      } finally {
        await s.close();
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    }),
    { numRuns: 25 },
  );
});
