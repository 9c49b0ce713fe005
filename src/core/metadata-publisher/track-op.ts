import type { PlaybookRecord } from '../escher-api/types';
import { recordIssues } from '../escher-api/changes-page';
import type { Playbook } from '../playbook-store/types';
import { checkReview, type ResolvedReview } from '../script-manager/review-check';
import { AlreadyExistsError, NotFoundError, ValidationError } from '../shared/errors';
import { validatePlaybookId } from '../shared/safe-path';
import { latestVersionRecord } from './decisions';
import type { RunContext } from './run-context';

export interface TrackResult {
  playbook: Playbook;
  version: string;
  review: ResolvedReview;
}

/**
 * Tracks a team playbook (`pull ID`): the server's latest version becomes a synced playbook here,
 * with an agreement exactly as if this home had published it, so every later sync applies the
 * team's new versions, review decisions and deletes to it (fast-forwards; a local edit is sent as
 * any synced playbook's is, and the server's rules on who may publish apply). Its content passes
 * the same review gate as a resolve: approved content only, unless the user gives a reason.
 * Scripts are downloaded through the fetcher of the sync, which verifies sha256 and size.
 */
export async function trackTeamPlaybook(ctx: RunContext, id: string, o: { version?: string; allowUnreviewed?: string }): Promise<TrackResult> {
  validatePlaybookId(id);
  if (ctx.agreements.get(id) || (await ctx.local.versions(id)).length > 0) {
    throw new AlreadyExistsError(`"${id}" is in your store already`, { hint: 'a tracked or own playbook is kept current by sync' });
  }
  const rec: PlaybookRecord | null = await ctx.d.api.getRecord(id);
  const latest = rec && !rec.deleted ? latestVersionRecord(rec) : undefined;
  if (!rec || !latest) throw new NotFoundError(`"${id}" is not among your team's published playbooks`, { hint: 'list the team playbooks to see their ids' });
  const issues = recordIssues(rec);
  if (issues.length) throw new ValidationError(`The server's record of "${id}" breaks the protocol: ${issues.slice(0, 2).join('; ')}`, issues);
  if (o.version !== undefined && o.version !== latest.version) {
    throw new ValidationError(`Tracking follows the team's latest version (${latest.version}), not ${o.version}`, [], { hint: `to use v${o.version} as it is, clone that version instead` });
  }
  const review = checkReview({ source: 'tenant', metadata: latest.metadata, review_status: latest.review_status, ...(latest.review ? { review: latest.review } : {}) }, o.allowUnreviewed);
  if (review.overrideReason) ctx.d.logger.warn(`pull: tracking ${id} v${latest.version} (${review.status}) without an approval, because: ${review.overrideReason}`);
  const playbook = await ctx.local.writeRemote(id, undefined, latest.metadata, 'synced');
  await ctx.agreements.record(playbook, rec);
  ctx.report.pulled.push(id);
  return { playbook, version: latest.version, review };
}
