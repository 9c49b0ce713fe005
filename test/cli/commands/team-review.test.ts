import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { json, runCli, type CliResult } from '../../helpers/cli';
import { AUTHOR_TOKEN, REVIEWER_TOKEN, startTestServer, TEST_TENANT, TEST_TOKEN, type TestServer } from '../../helpers/dev-server';

/**
 * Two homes of one tenant and a reviewer, on the reference server over loopback HTTP, through the
 * built CLI: home A publishes for review, home B may not use it until a reviewer approves it
 * (or gives a reason), and a change after approval makes B refuse it again.
 */
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

async function home(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'escher-team-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const envFor = (token: string): Record<string, string> => ({ ESCHER_SERVER_URL: s.url, ESCHER_TENANT_ID: TEST_TENANT, ESCHER_TOKEN: token });

async function ok(h: string, token: string, args: string[]): Promise<CliResult> {
  const r = await runCli(h, args, { env: envFor(token) });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** Home A (an author) publishes `id` for review; returns its version. */
async function publishForReview(t: TestContext, id: string): Promise<{ homeA: string; version: string }> {
  const homeA = await home(t);
  const script = path.join(homeA, 'stop.sh');
  await fs.writeFile(script, '#!/bin/sh\necho stopping the weekend databases\n');
  await ok(homeA, AUTHOR_TOKEN, ['create', '--id', id, '--name', 'Weekend stop', '--description', 'stops databases on weekends', '--script', `shell=${script}`]);
  await ok(homeA, AUTHOR_TOKEN, ['publish', id, '--trusted']);
  const record = await s.api.getRecord(id);
  assert.ok(record?.latest_version);
  assert.equal(record.versions[record.latest_version]?.review_status, 'pending', 'an author token cannot publish trusted');
  return { homeA, version: record.latest_version };
}

test('home B may not resolve a teammate\'s pending playbook; --allow-unreviewed REASON uses it and says so; after approval it resolves', async (t) => {
  const { version } = await publishForReview(t, 'team-stop');
  const homeB = await home(t);

  const refused = await runCli(homeB, ['resolve', 'team-stop', '--format', 'shell'], { env: envFor(TEST_TOKEN) });
  assert.equal(refused.code, 12, refused.stderr);
  assert.equal(refused.stdout, '', 'no path is printed for `$(…)` to run');
  assert.match(refused.stderr, new RegExp(`Team playbook "team-stop" v${version.replace(/\./g, '\\.')} is pending review, so it is not used`));
  assert.match(refused.stderr, /--allow-unreviewed/);

  const blank = await runCli(homeB, ['resolve', 'team-stop', '--format', 'shell', '--allow-unreviewed', '  '], { env: envFor(TEST_TOKEN) });
  assert.equal(blank.code, 2);
  assert.match(blank.stderr, /--allow-unreviewed needs a reason/);

  const forced = await ok(homeB, TEST_TOKEN, ['--json', 'resolve', 'team-stop', '--format', 'shell', '--allow-unreviewed', 'incident 4711, read the script']);
  const out = json<{ path: string; review_status: string; allow_unreviewed: string; source: string }>(forced);
  assert.equal(out.review_status, 'pending');
  assert.equal(out.allow_unreviewed, 'incident 4711, read the script');
  assert.match(forced.stderr, /unreviewed \(pending\); reason: incident 4711, read the script/);
  assert.equal(await fs.readFile(out.path, 'utf8'), '#!/bin/sh\necho stopping the weekend databases\n');

  await s.client({ token: REVIEWER_TOKEN }).review('team-stop', version, 'approved', 'read it');
  // B's cached metadata still says pending: the review is asked again while the server is reachable.
  const approved = json<{ path: string; review_status: string; source: string }>(await ok(homeB, TEST_TOKEN, ['--json', 'resolve', 'team-stop', '--format', 'shell']));
  assert.equal(approved.review_status, 'approved');
  assert.equal(approved.source, 'cache');
});

test('a PATCH after approval, or a rejection, makes home B refuse the playbook again; the rejection comment is shown', async (t) => {
  const { version } = await publishForReview(t, 'team-patch');
  const homeB = await home(t);
  const reviewer = s.client({ token: REVIEWER_TOKEN });
  const approved = await reviewer.review('team-patch', version, 'approved');
  await ok(homeB, TEST_TOKEN, ['resolve', 'team-patch', '--format', 'shell', '--version', version]);

  const patch = await fetch(`${s.url}/api/playbooks/team-patch/versions/${version}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${AUTHOR_TOKEN}`, 'x-escher-tenant': TEST_TENANT, 'content-type': 'application/json', 'if-match': `"${approved.revision}"` },
    body: JSON.stringify({ description: 'now also drops the replicas' }),
  });
  assert.equal(patch.status, 200, await patch.text());
  const again = await runCli(homeB, ['resolve', 'team-patch', '--format', 'shell', '--version', version], { env: envFor(TEST_TOKEN) });
  assert.equal(again.code, 12, again.stderr);
  assert.match(again.stderr, /is pending review/);

  await reviewer.review('team-patch', version, 'rejected', 'dropping replicas needs a flag');
  const rejected = await runCli(homeB, ['resolve', 'team-patch', '--format', 'shell'], { env: envFor(TEST_TOKEN) });
  assert.equal(rejected.code, 12);
  assert.match(rejected.stderr, /is rejected: "dropping replicas needs a flag", so it is not used/);
});

test('the author\'s own home is not stopped by the team gate: it resolves from its store', async (t) => {
  const { homeA } = await publishForReview(t, 'team-own');
  const r = json<{ source: string; review_status: string | null }>(await ok(homeA, AUTHOR_TOKEN, ['--json', 'resolve', 'team-own', '--format', 'shell']));
  assert.equal(r.source, 'synced');
  assert.equal(r.review_status, null);
});

interface QueueRow {
  playbook_id: string;
  version: string;
  name: string;
  published_by?: string;
}

test('review list / approve / reject from the CLI: the reviewer token decides, an author cannot, nobody reviews their own upload', async (t) => {
  const { homeA, version } = await publishForReview(t, 'team-cli');
  const reviewerHome = await home(t);
  // The reviewer's usual token is an author token; ESCHER_REVIEWER_TOKEN is what review commands use.
  const asReviewer = { env: { ...envFor(AUTHOR_TOKEN), ESCHER_REVIEWER_TOKEN: REVIEWER_TOKEN } };

  const queue = json<QueueRow[]>(await runCli(reviewerHome, ['--json', 'review', 'list'], asReviewer));
  const row = queue.find((q) => q.playbook_id === 'team-cli');
  assert.equal(row?.version, version);
  assert.equal(row?.name, 'Weekend stop');
  const text = await runCli(reviewerHome, ['review', 'list'], asReviewer);
  assert.match(text.stdout, /^ID +VERSION +PUBLISHED +BY +LAST DECISION +NAME/m);
  assert.match(text.stdout, new RegExp(`^team-cli +${version.replace(/\./g, '\\.')} .* Weekend stop$`, 'm'));

  const byAuthor = await runCli(homeA, ['review', 'approve', 'team-cli', '--version', version], { env: envFor(AUTHOR_TOKEN) });
  assert.equal(byAuthor.code, 6, byAuthor.stderr);
  assert.match(byAuthor.stderr, /only a reviewer may approve it.*ESCHER_REVIEWER_TOKEN/s);

  const noComment = await runCli(reviewerHome, ['review', 'reject', 'team-cli', '--version', version], asReviewer);
  assert.equal(noComment.code, 2);
  assert.match(noComment.stderr, /--comment/);
  const blank = await runCli(reviewerHome, ['review', 'reject', 'team-cli', '--version', version, '--comment', '  '], asReviewer);
  assert.equal(blank.code, 2);
  assert.match(blank.stderr, /a rejection needs a comment/);
  const control = await runCli(reviewerHome, ['review', 'reject', 'team-cli', '--version', version, '--comment', 'ok\x1b]52;c;AAAA\x07'], asReviewer);
  assert.equal(control.code, 2);
  assert.match(control.stderr, /must not contain control characters/);
  const badId = await runCli(reviewerHome, ['review', 'approve', '../etc', '--version', version], asReviewer);
  assert.equal(badId.code, 2);

  const approved = await runCli(reviewerHome, ['review', 'approve', 'team-cli', '--version', version, '--comment', 'read every line'], asReviewer);
  assert.equal(approved.code, 0, approved.stderr);
  assert.match(approved.stdout, new RegExp(`^approved team-cli v${version.replace(/\./g, '\\.')} — read every line$`, 'm'));
  assert.match(approved.stdout, /content: [0-9a-f]{12}…, 1 script \(shell\/[^ ]+ [0-9a-f]{12}…\)/);
  assert.equal(json<QueueRow[]>(await runCli(reviewerHome, ['--json', 'review', 'list'], asReviewer)).find((q) => q.playbook_id === 'team-cli'), undefined);

  const homeB = await home(t);
  assert.equal((await runCli(homeB, ['resolve', 'team-cli', '--format', 'shell'], { env: envFor(TEST_TOKEN) })).code, 0);

  // A reviewer publishing: another reviewer must decide.
  const own = await home(t);
  const script = path.join(own, 'x.sh');
  await fs.writeFile(script, 'echo x\n');
  await ok(own, REVIEWER_TOKEN, ['create', '--id', 'team-own-review', '--name', 'Own', '--description', 'mine', '--script', `shell=${script}`]);
  await ok(own, REVIEWER_TOKEN, ['publish', 'team-own-review', '--review']);
  const ownVersion = (await s.api.getRecord('team-own-review'))?.latest_version ?? '';
  const self = await runCli(own, ['review', 'approve', 'team-own-review', '--version', ownVersion], { env: envFor(REVIEWER_TOKEN) });
  assert.equal(self.code, 6);
  assert.match(self.stderr, /you published team-own-review@.* yourself; another reviewer must approve it \(ask another reviewer/);
});

test('login --reviewer keeps the reviewer token 0600 beside the usual one; review commands use it; logout forgets both', async (t) => {
  const { version } = await publishForReview(t, 'team-login');
  const h = await home(t);
  const login = await runCli(h, ['login', '--reviewer', '--token-stdin'], { env: envFor(AUTHOR_TOKEN), input: `${REVIEWER_TOKEN}\n` });
  assert.equal(login.code, 0, login.stderr);
  const file = path.join(h, 'secrets.json');
  assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  assert.equal((JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>)['escher.reviewerToken'], REVIEWER_TOKEN);
  // ESCHER_TOKEN is an author's: the approval goes through only because the stored reviewer token is used.
  await ok(h, AUTHOR_TOKEN, ['review', 'approve', 'team-login', '--version', version]);
  assert.equal((await s.api.getRecord('team-login'))?.versions[version]?.review_status, 'approved');
  await ok(h, AUTHOR_TOKEN, ['logout']);
  assert.equal((JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>)['escher.reviewerToken'], undefined);
});
