import type { ReviewQueueItem } from '../../core/escher-api/types';
import { printable } from '../../core/shared/printable';
import type { CommandContext } from '../commands/command-context';
import type { CoreModule } from '../core-loader';
import { noticeText, pickText } from '../util/notice-text';
import { compareWithLastApproved } from './review-compare';
import type { ReviewerAccess, ReviewerApi } from './reviewer-access';

/** What the review commands need beyond a flow's context (the Review Queue view and its context key). */
export interface ReviewCommandsHost {
  readonly access: ReviewerAccess;
  core(): CoreModule;
  /** The queue view re-reads the server (after a decision, a sign-in). */
  refreshQueue(): void;
  /** Whether a reviewer token is stored: shows or hides the Review Queue view. */
  setSignedIn(signedIn: boolean): Promise<void>;
}

/**
 * Sign In as Reviewer: a token of this tenant, checked against the server (it must read the
 * tenant's review queue) before it is kept in VS Code's SecretStorage. The server reports the
 * reviewer's right only on a decision: a token without it is refused there (403 NOT_A_REVIEWER),
 * with Sign In as Reviewer offered again.
 */
export async function signInReviewerFlow(ctx: CommandContext, host: ReviewCommandsHost): Promise<boolean> {
  const token = await ctx.ui.input({ title: 'Sign In as Reviewer', prompt: 'A reviewer token of your tenant (kept in VS Code\'s secret storage, apart from your sign-in token)', password: true, validate: (v) => (v.trim() ? undefined : 'the token is required') });
  if (!token?.trim()) return false;
  await ctx.ui.withProgress('Checking the reviewer token…', () => host.access.check(token.trim()));
  await host.access.store(token.trim());
  await host.setSignedIn(true);
  host.refreshQueue();
  await ctx.ui.info('Signed in as a reviewer: the Review Queue lists the versions waiting for you.');
  return true;
}

export async function signOutReviewerFlow(ctx: CommandContext, host: ReviewCommandsHost): Promise<void> {
  await host.access.forget();
  await host.setSignedIn(false);
  ctx.ui.statusMessage('$(check) Escher: reviewer token removed');
}

/** Approve: an optional comment for the author, then the decision, bound by the server to this exact content. */
export async function approveFlow(ctx: CommandContext, host: ReviewCommandsHost, arg: unknown): Promise<boolean> {
  return decide(ctx, host, arg, 'approved');
}

/** Reject: a comment saying what to change is required. */
export async function rejectFlow(ctx: CommandContext, host: ReviewCommandsHost, arg: unknown): Promise<boolean> {
  return decide(ctx, host, arg, 'rejected');
}

async function decide(ctx: CommandContext, host: ReviewCommandsHost, arg: unknown, status: 'approved' | 'rejected'): Promise<boolean> {
  const verb = status === 'approved' ? 'Approve' : 'Reject';
  const item = await itemFromArgOrPick(ctx, host, arg, verb);
  if (!item) return false;
  const what = `"${noticeText(item.name, 120)}" v${item.version}`;
  const comment = await ctx.ui.input({
    title: `${verb} ${what}`,
    prompt: status === 'approved' ? 'A comment for the author (optional)' : 'What should the author change? (required, sent to the author)',
    validate: (v) => commentProblem(v, status === 'rejected'),
  });
  if (comment === undefined) return false;
  await withApi(host, (api) => ctx.ui.withProgress(`${verb} ${item.playbook_id} v${item.version}…`, () => api.review(item.playbook_id, item.version, status, comment.trim() || undefined)));
  ctx.log.info(`review: ${status} ${item.playbook_id} v${item.version}${comment.trim() ? ` — ${comment.trim()}` : ''}`);
  host.refreshQueue();
  ctx.ui.statusMessage(`$(check) Escher: ${status} ${item.playbook_id} v${item.version}`);
  void ctx.ui.info(`${status === 'approved' ? 'Approved' : 'Rejected'} ${what}. The author learns it on their next sync.`);
  return true;
}

/** Compare with Last Approved: the pending version against the newest approved one, in the diff editor. */
export async function compareWithLastApprovedFlow(ctx: CommandContext, host: ReviewCommandsHost, arg: unknown): Promise<number> {
  const item = await itemFromArgOrPick(ctx, host, arg, 'Compare with Last Approved');
  if (!item) return 0;
  const rec = await withApi(host, (api) => api.getRecord(item.playbook_id));
  if (!rec) {
    await ctx.ui.warn(`"${item.playbook_id}" is no longer published.`);
    return 0;
  }
  return compareWithLastApproved(ctx, host.core().teamVersions(rec), item);
}

export function commentProblem(v: string, required: boolean): string | undefined {
  if (required && !v.trim()) return 'a rejection needs a comment that says what to change';
  if (v.length > 2000) return `${v.length} characters; at most 2000`;
  // The server refuses the same characters (TEXT_PATTERN); said here, before a request.
  if (printable(v, { multiline: true }) !== v) return 'control characters and bidirectional overrides are not allowed';
  return undefined;
}

async function withApi<T>(host: ReviewCommandsHost, fn: (api: ReviewerApi) => Promise<T>): Promise<T> {
  const api = await host.access.api();
  if (!api) throw Object.assign(new Error('No reviewer token is stored, or no Escher server and tenant are configured'), { code: 'CONFIG', hint: 'run "Escher: Sign In as Reviewer…" (and "Escher: Connect to Escher…" first if no server is set)' });
  try {
    return await fn(api);
  } finally {
    api.close();
  }
}

/** The queue row's item, else a pick of the server's queue. */
async function itemFromArgOrPick(ctx: CommandContext, host: ReviewCommandsHost, arg: unknown, title: string): Promise<ReviewQueueItem | undefined> {
  const given = (arg as { item?: ReviewQueueItem } | undefined)?.item;
  if (given && typeof given.playbook_id === 'string' && typeof given.version === 'string') return given;
  const items = await withApi(host, (api) => ctx.ui.withProgress('Reading the review queue…', () => api.reviewQueue()));
  if (items.length === 0) {
    await ctx.ui.info('Nothing waits for review in your tenant.');
    return undefined;
  }
  return ctx.ui.pick(
    items.map((i) => ({ label: pickText(i.name, 120), description: `${i.playbook_id} v${i.version}${i.published_by ? ` · by ${pickText(i.published_by, 40)}` : ''}`, value: i })),
    { title, placeholder: 'Which pending version?' },
  );
}
