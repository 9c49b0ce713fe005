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

/**
 * Text from files or the server placed into a quick pick (label, description, detail, title):
 * noticeText's one printable line, with `$(` escaped. VS Code draws `$(name)` there as an icon, so
 * a playbook named "$(check) Approved" would show a check mark it never earned, and a script line
 * `echo $(date)` would lose its command; `\$(` is VS Code's escape for a literal `$(`.
 */
export function pickText(s: string, max = 300): string {
  return noticeText(s, max).replace(/\$\(/g, '\\$(');
}
