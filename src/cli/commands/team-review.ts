import type { Command } from 'commander';
import type { ReviewQueueItem } from '../../core/escher-api/types';
import { validateVersion } from '../../core/playbook-store/names';
import { ValidationError } from '../../core/shared/errors';
import { validatePlaybookId } from '../../core/shared/safe-path';
import { TEXT_PATTERN } from '../../core/shared/text-rules';
import type { CliContext } from '../context';
import { table } from '../output';
import { reviewerApi } from '../review-api';

interface DecideOptions {
  version: string;
  comment?: string;
}

const COMMENT_RE = new RegExp(TEXT_PATTERN, 'u');

function checkComment(comment: string | undefined, required: boolean): string | undefined {
  if (comment === undefined || !comment.trim()) {
    if (required) throw new ValidationError('a rejection needs a comment that says what to change', [], { hint: 'review reject ID --version V --comment "<what to change>"' });
    return undefined;
  }
  if (comment.length > 2000) throw new ValidationError(`--comment is ${comment.length} characters; at most 2000`);
  if (!COMMENT_RE.test(comment)) throw new ValidationError('--comment must not contain control characters (newline and tab are allowed) or bidirectional overrides');
  return comment;
}

function queueRows(items: readonly ReviewQueueItem[]): string[] {
  if (items.length === 0) return ['nothing waits for review'];
  return table(
    ['ID', 'VERSION', 'PUBLISHED', 'BY', 'LAST DECISION', 'NAME'],
    items.map((i) => [i.playbook_id, i.version, i.published_at.slice(0, 16).replace('T', ' '), i.published_by ?? '-', i.last_decision ? `${i.last_decision.status} (other content)` : '-', i.name]),
  );
}

/**
 * review list | approve | reject: a reviewer's side of the tenant's review queue, with the
 * reviewer token (see ../review-api.ts). The server refuses a non-reviewer token and a reviewer
 * deciding on a version it published itself; the decision is bound to the content hash and every
 * script's sha256 the server holds at that moment, which the output repeats.
 */
export function register(program: Command, ctx: CliContext): void {
  const review = program.command('review').description("review teammates' published playbooks (needs a reviewer token: ESCHER_REVIEWER_TOKEN or login --reviewer)");
  review
    .command('list')
    .description('versions waiting for review in your tenant, oldest first')
    .action(async () => {
      const api = await reviewerApi(ctx);
      try {
        const items = await api.reviewQueue();
        ctx.out.result(items, () => queueRows(items));
      } finally {
        api.close();
      }
    });
  const decide = (status: 'approved' | 'rejected') => async (id: string, o: DecideOptions) => {
    validatePlaybookId(id);
    validateVersion(o.version);
    const comment = checkComment(o.comment, status === 'rejected');
    const api = await reviewerApi(ctx);
    try {
      const record = await api.review(id, o.version, status, comment);
      const v = record.versions[o.version];
      const d = v?.review;
      ctx.out.result({ playbook_id: id, version: o.version, review_status: v?.review_status ?? null, review: d ?? null }, () => [
        `${status} ${id} v${o.version}${comment ? ` — ${comment}` : ''}`,
        ...(d ? [`  content: ${d.content_hash.slice(0, 12)}…, ${d.scripts.length} script${d.scripts.length === 1 ? '' : 's'} (${d.scripts.map((x) => `${x.path} ${x.sha256.slice(0, 12)}…`).join(', ')})`] : []),
      ]);
    } finally {
      api.close();
    }
  };
  review
    .command('approve')
    .description('approve a version someone else published (bound to its exact content)')
    .argument('<id>', 'playbook id')
    .requiredOption('--version <version>', 'the version to approve')
    .option('--comment <text>', 'a note for the author')
    .action(decide('approved'));
  review
    .command('reject')
    .description('reject a version someone else published, saying what to change')
    .argument('<id>', 'playbook id')
    .requiredOption('--version <version>', 'the version to reject')
    .requiredOption('--comment <text>', 'what the author should change')
    .action(decide('rejected'));
}
