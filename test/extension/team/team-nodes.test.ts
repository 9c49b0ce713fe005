import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TeamListing, type TeamSource } from '../../../src/extension/team/team-listing';
import { TEAM_PAGE, TeamPageNode, TeamPlaybookNode, TeamRootNode } from '../../../src/extension/team/team-nodes';
import type { TeamRow } from '../../../src/extension/team/team-rows';
import { teamSection } from '../../../src/extension/team/team-section';
import { teamTooltip } from '../../../src/extension/team/team-tooltip';

function row(i: number, over: Partial<TeamRow> = {}): TeamRow {
  const name = `Runbook ${String(i).padStart(5, '0')}`;
  return {
    source: 'team',
    playbookId: `runbook-${i}`,
    name,
    description: 'does things',
    cloud: 'aws',
    formats: ['shell'],
    latest: '1.0.0',
    review: 'approved',
    updatedAt: '2026-11-29T10:00:00.000Z',
    versions: [{ version: '1.0.0', review: 'approved', publishedAt: '2026-11-29T10:00:00.000Z' }],
    sortKey: name,
    ...over,
  };
}

/** A source whose reads are counted and released by the test (no network, no disk). */
function source(rows: TeamRow[]): TeamSource & { reads: number; release(): void } {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const s = {
    reads: 0,
    release: () => release(),
    configured: () => true,
    rows: async () => {
      s.reads++;
      await gate;
      return rows;
    },
    refresh: async () => ({ online: true, changed: 0 }),
  };
  return s;
}

test('a 10,000-playbook tenant: the section row is drawn before the catalog is read, then opens as pages built only when opened', async () => {
  const src = source(Array.from({ length: 10_000 }, (_, i) => row(i)));
  const listing = new TeamListing(src);
  const section = teamSection(listing);
  let redraws = 0;
  listing.onDidChange(() => redraws++);
  // The first level does not wait for the read.
  const [root] = await section.roots();
  assert.ok(root instanceof TeamRootNode);
  const loading = root.getTreeItem();
  assert.deepEqual([loading.label, loading.description, loading.collapsible], ['Team', '…', 'collapsed']);
  src.release();
  await listing.rows();
  await new Promise((r) => setImmediate(r));
  assert.ok(redraws >= 1, 'the section is drawn again with its count');
  assert.equal((root.getTreeItem()).description, '10000');
  const pages = await root.getChildren();
  assert.equal(pages.length, 10_000 / TEAM_PAGE);
  assert.ok(pages.every((p) => p instanceof TeamPageNode));
  const first = pages[0]!.getTreeItem();
  assert.deepEqual([first.label, first.description], ['Runbook 00000 – Runbook 00199', '1–200']);
  const rows = await pages[49]!.getChildren();
  assert.equal(rows.length, TEAM_PAGE);
  assert.ok(rows[0] instanceof TeamPlaybookNode);
  assert.equal((rows[0].getTreeItem()).label, 'Runbook 09800');
  assert.equal(src.reads, 1, 'one read of the catalog for all of it');
});

test('a small team opens by itself with its rows directly below; no server configured, no section', async () => {
  const src = source([row(1), row(2)]);
  src.release();
  const listing = new TeamListing(src);
  await listing.rows();
  const root = new TeamRootNode(listing);
  assert.equal((root.getTreeItem()).collapsible, 'expanded');
  assert.equal((await root.getChildren()).length, 2);
  const off = new TeamListing({ ...src, configured: () => false });
  assert.deepEqual(await teamSection(off).roots(), []);
});

test("a team row's tooltip escapes everything the server sent", () => {
  const hostile = row(1, {
    name: '[click](command:escher.signOut) **x**',
    description: '<img src=x onerror=alert(1)>\n# heading',
    publishedBy: 'key-*_evil_*',
    versions: [{ version: '1.0.0', review: 'rejected', publishedAt: '2026-11-29T10:00:00.000Z', decision: { status: 'rejected', reviewer: 'key-0123456789abcdef', at: '2026-11-29T11:00:00.000Z', comment: 'see [here](https://evil.example) \u001b]52;c;x\u0007' } }],
    review: 'rejected',
  });
  const tip = teamTooltip(hostile, Date.parse('2026-11-30T00:00:00Z'));
  // Every bracket, parenthesis and angle bracket from the server is backslash-escaped.
  assert.ok(!/(?<!\\)[[\]<>]/.test(tip), `no link or HTML can form: ${tip}`);
  assert.match(tip, /\\<img src\\=x onerror\\=alert\\\(1\\\)\\>/);
  assert.ok(!tip.includes('\u001b') && !tip.includes('\u0007'), 'control characters shown as escapes');
  assert.match(tip, /\\x1b/);
  assert.match(tip, /\\# heading/);
  assert.match(tip, /rejected by key\\-0123456789abcdef/);
});
