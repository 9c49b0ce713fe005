import { promises as fs } from 'node:fs';
import type { ActiveEditorInfo, InputOptions, LiveItem, LivePickOptions, PickItem, Progress, StepOptions, UiHost } from '../../../src/extension/ui/ui-host';

/**
 * The editor side of a command handler in unit tests: answers come from a script, in order, and
 * every message, dialog, opened file and terminal is recorded for assertions. (The real editor
 * is exercised end to end in test/e2e.)
 *
 * Answers: for pick/pickMany a label (or labels) to choose by prefix; for input the text; for
 * confirm true/false; for livePick two answers, the text typed and then the row to choose (by
 * label prefix, icons ignored); `undefined` is the user pressing Escape.
 */
export type Answer = string | string[] | boolean | undefined;

export class ScriptedUi implements UiHost {
  readonly messages: Array<{ level: 'info' | 'warn' | 'error'; text: string }> = [];
  readonly confirms: Array<{ message: string; detail?: string }> = [];
  readonly opened: string[] = [];
  readonly shown: Array<{ content: string; language: string }> = [];
  readonly terminals: Array<{ name: string; cwd: string; commandLine: string }> = [];
  readonly commands: Array<{ command: string; args: unknown[] }> = [];
  readonly prompts: string[] = [];
  /** What each live pick showed for the text typed into it. */
  readonly livePicks: Array<{ title: string; typed: string; rows: LiveItem<unknown>[] }> = [];
  /** Validation messages the input boxes produced for the scripted text. */
  readonly validation: Array<string | undefined> = [];
  trusted = true;
  editor: ActiveEditorInfo | undefined;
  /** Button to press on the next info/warn/error message (consumed in order). */
  messageChoices: Array<string | undefined> = [];

  constructor(private readonly answers: Answer[] = []) {}

  private next(kind: string, title: string): Answer {
    this.prompts.push(`${kind}: ${title}`);
    if (this.answers.length === 0) throw new Error(`ScriptedUi: no answer left for ${kind} "${title}"`);
    return this.answers.shift();
  }

  async pick<T>(items: PickItem<T>[], options: StepOptions): Promise<T | undefined> {
    const a = this.next('pick', options.title);
    if (a === undefined) return undefined;
    const item = items.find((i) => i.label.replace(/^\$\([a-z-]+\) /, '').startsWith(String(a)));
    if (!item) throw new Error(`ScriptedUi: no item "${String(a)}" in ${items.map((i) => i.label).join(', ')}`);
    return item.value;
  }

  async pickMany<T>(items: PickItem<T>[], options: StepOptions): Promise<T[] | undefined> {
    const a = this.next('pickMany', options.title);
    if (a === undefined) return undefined;
    const labels = Array.isArray(a) ? a : [String(a)];
    return items.filter((i) => labels.some((l) => i.label.startsWith(l))).map((i) => i.value);
  }

  async input(options: InputOptions): Promise<string | undefined> {
    const a = this.next('input', `${options.title} ${options.prompt ?? ''}`);
    if (a === undefined) return undefined;
    const text = String(a);
    const invalid = options.validate?.(text);
    this.validation.push(invalid);
    if (invalid) throw new Error(`ScriptedUi: input "${text}" rejected: ${invalid}`);
    return text;
  }

  async livePick<T>(options: LivePickOptions<T>): Promise<T | undefined> {
    const typed = this.next('livePick', options.title);
    if (typed === undefined) return undefined;
    const rows = await options.query(String(typed));
    this.livePicks.push({ title: options.title, typed: String(typed), rows });
    const a = this.next('livePick choice', options.title);
    if (a === undefined) return undefined;
    const row = rows.find((r) => r.label.replace(/^\$\([a-z-]+\) /, '').startsWith(String(a)));
    if (!row) throw new Error(`ScriptedUi: no row "${String(a)}" in ${rows.map((r) => r.label).join(', ')}`);
    if (row.value === undefined) throw new Error(`ScriptedUi: row "${row.label}" is information, not a choice`);
    return row.value;
  }

  async confirm(message: string, options: { detail?: string; confirm: string }): Promise<boolean> {
    this.confirms.push({ message, ...(options.detail !== undefined ? { detail: options.detail } : {}) });
    return this.next('confirm', message) === true;
  }

  /** The buttons each message offered, in the order of `messages`. */
  readonly offered: string[][] = [];

  private async message(level: 'info' | 'warn' | 'error', text: string, actions: string[]): Promise<string | undefined> {
    this.messages.push({ level, text });
    this.offered.push(actions);
    const choice = this.messageChoices.shift();
    if (choice !== undefined && !actions.includes(choice)) throw new Error(`ScriptedUi: "${choice}" is not offered by "${text}" (${actions.join(', ') || 'no buttons'})`);
    return choice;
  }

  info(text: string, ...actions: string[]): Promise<string | undefined> {
    return this.message('info', text, actions);
  }
  warn(text: string, ...actions: string[]): Promise<string | undefined> {
    return this.message('warn', text, actions);
  }
  error(text: string, ...actions: string[]): Promise<string | undefined> {
    return this.message('error', text, actions);
  }

  async openFile(file: string): Promise<void> {
    this.opened.push(file);
  }

  readonly diffs: { left: string; right: string; title: string }[] = [];

  async openDiff(left: string, right: string, title: string): Promise<void> {
    this.diffs.push({ left, right, title });
  }

  async showText(content: string, language: string): Promise<void> {
    this.shown.push({ content, language });
  }

  async withProgress<T>(_title: string, task: (p: Progress) => Promise<T>): Promise<T> {
    return task({ report: () => {}, cancelled: false });
  }

  runInTerminal(options: { name: string; cwd: string; commandLine: string }): void {
    this.terminals.push(options);
  }

  isTrusted(): boolean {
    return this.trusted;
  }

  activeEditor(): ActiveEditorInfo | undefined {
    return this.editor;
  }

  /** Unsaved editor content by file; other files are read from disk. */
  readonly documents = new Map<string, string>();

  async documentText(file: string): Promise<string> {
    return this.documents.get(file) ?? (await fs.readFile(file, 'utf8'));
  }

  async executeCommand(command: string, ...args: unknown[]): Promise<void> {
    this.commands.push({ command, args });
  }

  /** All answers were used: the flow asked exactly what the test expected. */
  get exhausted(): boolean {
    return this.answers.length === 0;
  }
}
