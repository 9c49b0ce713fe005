import type { CommandContext } from './command-context';

/**
 * The one review gate of the extension's commands: `attempt` runs without an override; team
 * content no approval covers (the core's REVIEW error) is used only after the user chose Use
 * Anyway… and typed a reason, which goes to the log (and to the core, which logs it too).
 * Undefined when the user declined.
 */
export async function withReviewGate<T>(ctx: CommandContext, title: string, attempt: (allowUnreviewed?: string) => Promise<T>): Promise<{ value: T; reason?: string } | undefined> {
  try {
    return { value: await attempt() };
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'REVIEW') throw e;
    const choice = await ctx.ui.warn((e as Error).message, 'Use Anyway…');
    if (choice !== 'Use Anyway…') return undefined;
    const typed = await ctx.ui.input({ title, prompt: 'Why use it before a reviewer approved it? (kept in the Escher log)', validate: (v) => (v.trim() ? undefined : 'a reason is required') });
    const reason = typed?.trim();
    if (!reason) return undefined;
    return { value: await attempt(reason), reason };
  }
}
