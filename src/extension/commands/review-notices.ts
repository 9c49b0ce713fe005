import type { CommandContext } from './command-context';
import { noticeText } from '../util/notice-text';

export interface ReviewChange {
  playbook_id: string;
  version: string;
  status: string;
}

/** At most this many review decisions get a notification each; the rest are counted in one. */
const MAX_NOTICES = 3;

/**
 * A reviewer's decision, as a notification: a rejection is a warning with the reviewer's comment
 * and Open (its metadata.json), an approval an information. Names and comments come from the
 * server: shown as plain text (noticeText). Returns one promise per notification (resolved when
 * it is dismissed or acted on), so callers never wait for the user.
 */
export async function notifyReviewChanges(ctx: CommandContext, changes: readonly ReviewChange[]): Promise<Array<Promise<unknown>>> {
  const decided = changes.filter((c) => c.status === 'approved' || c.status === 'rejected');
  const notices: Array<Promise<unknown>> = [];
  for (const c of decided.slice(0, MAX_NOTICES)) {
    const { name, comment } = await describePlaybook(ctx, c.playbook_id);
    const what = `"${noticeText(name, 120)}" v${noticeText(c.version, 40)}`;
    if (c.status === 'rejected') {
      const text = `A reviewer rejected ${what}${comment ? `: ${noticeText(comment)}` : '.'}`;
      notices.push(
        ctx.ui.warn(text, 'Open', 'Show Sync Status').then(async (choice) => {
          if (choice === 'Open') await ctx.ui.executeCommand('escher.openMetadata', { playbookId: c.playbook_id });
          if (choice === 'Show Sync Status') await ctx.ui.executeCommand('escher.showSyncStatus');
        }),
      );
    } else {
      notices.push(ctx.ui.info(`A reviewer approved ${what}: your tenant can use it now.`));
    }
  }
  const more = decided.length - MAX_NOTICES;
  if (more > 0) notices.push(ctx.ui.info(`${more} more review decision${more === 1 ? '' : 's'}: the Escher Playbooks view shows each state.`));
  return notices;
}

/** The local name and the last review comment; the id when the playbook cannot be read. */
async function describePlaybook(ctx: CommandContext, id: string): Promise<{ name: string; comment: string | undefined }> {
  try {
    const svc = await ctx.service();
    const [pb, review] = await Promise.all([svc.store.getPlaybook(id), svc.publisher.reviewStatus(id)]);
    return { name: pb.metadata.name, comment: review?.review_comment };
  } catch (e) {
    ctx.log.debug(`review notice for ${id}: ${String(e)}`);
    return { name: id, comment: undefined };
  }
}
