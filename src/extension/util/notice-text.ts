import { printable } from '../../core/shared/printable';

/**
 * Text from files or the server (a playbook name, a reviewer's comment) placed into a
 * notification: one line, unprintable characters shown as escapes, at most `max` characters, and
 * no Markdown link syntax — VS Code turns `[text](target)` in a notification into a clickable
 * link, and a `command:` target would run a command.
 */
export function noticeText(s: string, max = 300): string {
  const one = printable(s.replace(/\s+/g, ' ').trim()).replace(/\]\s*\(/g, '] (');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
