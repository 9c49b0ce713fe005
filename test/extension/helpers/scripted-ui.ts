import { promises as fs } from 'node:fs';
import { TerminalSession } from '../../../src/extension/run/terminal-session';
import type { ActiveEditorInfo, DiffSide, InputOptions, LiveItem, LivePickOptions, PickItem, Progress, ReadOnlyDoc, RunTerminal, StepOptions, UiHost } from '../../../src/extension/ui/ui-host';

/** A run terminal as the test sees it: the real line discipline (terminal-session.ts) without the editor. */
export interface ScriptedTerminal {
  name: string;
  /** Everything written into it (CR LF line ends, as a terminal receives them). */
  output: string;
  closedWith: number | undefined;
  session: TerminalSession;
}

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
  readonly confirms: Array<{ message: string; detail?: string; button: string }> = [];
  readonly opened: string[] = [];
  /** Read-only documents shown (sync status, decrypted scripts). */
  readonly shown: ReadOnlyDoc[] = [];
  /** Status-bar messages (routine success). */
  readonly statusMessages: string[] = [];
  /** Settings written to the user's settings, in order. */
  readonly settingsWritten: Array<Record<string, string>> = [];
  /** Titles of the progress notifications shown. */
  readonly progress: string[] = [];
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

  /** Every pick offered: its title, the rows' labels and the rows marked as the current choice. */
  readonly picks: Array<{ title: string; placeholder?: string; labels: string[]; picked: string[] }> = [];
  /** Every input box shown, with its options (prefilled value, password, prompt). */
  readonly inputs: InputOptions[] = [];

  async pick<T>(items: PickItem<T>[], options: StepOptions): Promise<T | undefined> {
    this.picks.push({ title: options.title, ...(options.placeholder !== undefined ? { placeholder: options.placeholder } : {}), labels: items.map((i) => i.label), picked: items.filter((i) => i.picked).map((i) => i.label) });
    const a = this.next('pick', options.title);
    if (a === undefined) return undefined;
    const item = items.find((i) => i.label.replace(/^\$\([a-z-]+\) /, '').startsWith(String(a)));
    if (!item) throw new Error(`ScriptedUi: no item "${String(a)}" in ${items.map((i) => i.label).join(', ')}`);
    return item.value;
  }

  async pickMany<T>(items: PickItem<T>[], options: StepOptions): Promise<T[] | undefined> {
    this.picks.push({ title: options.title, ...(options.placeholder !== undefined ? { placeholder: options.placeholder } : {}), labels: items.map((i) => i.label), picked: items.filter((i) => i.picked).map((i) => i.label) });
    const a = this.next('pickMany', options.title);
    if (a === undefined) return undefined;
    const labels = Array.isArray(a) ? a : [String(a)];
    return items.filter((i) => labels.some((l) => i.label.startsWith(l))).map((i) => i.value);
  }

  async input(options: InputOptions): Promise<string | undefined> {
    this.inputs.push(options);
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
    this.confirms.push({ message, ...(options.detail !== undefined ? { detail: options.detail } : {}), button: options.confirm });
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

  private waitingForOpen: Array<(file: string) => void> = [];

  async openFile(file: string): Promise<void> {
    this.opened.push(file);
    for (const resolve of this.waitingForOpen.splice(0)) resolve(file);
  }

  /** Diff editors opened: a file side as its path, a read-only side as `readonly:<name>` (its document in `diffDocs`). */
  readonly diffs: { left: string; right: string; title: string }[] = [];
  readonly diffDocs: ReadOnlyDoc[] = [];

  /** The file dialog's answer is the next scripted answer: a path, or undefined (cancelled). */
  async pickFile(options: { title: string }): Promise<string | undefined> {
    const a = this.next('file', options.title);
    return typeof a === 'string' ? a : undefined;
  }

  async openDiff(left: DiffSide, right: DiffSide, title: string): Promise<void> {
    const name = (side: DiffSide) => {
      if (typeof side === 'string') return side;
      this.diffDocs.push(side);
      return `readonly:${side.name}`;
    };
    this.diffs.push({ left: name(left), right: name(right), title });
  }

  /** Resolves with the next file opened: for flows that open one after a notification's button, in the background. */
  nextOpened(): Promise<string> {
    return new Promise((resolve) => this.waitingForOpen.push(resolve));
  }

  async showReadOnly(doc: ReadOnlyDoc): Promise<void> {
    this.shown.push(doc);
  }

  statusMessage(text: string): void {
    this.statusMessages.push(text);
  }

  async updateSettings(values: Readonly<Record<string, string>>): Promise<void> {
    this.settingsWritten.push({ ...values });
  }

  async withProgress<T>(title: string, task: (p: Progress) => Promise<T>): Promise<T> {
    this.progress.push(title);
    return task({ report: () => {}, cancelled: false });
  }

  /** The run terminals opened, each with everything written into it and the exit code it closed with. */
  readonly runTerminals: ScriptedTerminal[] = [];
  /**
   * What the user types into the next run terminal: each entry's keys are typed once the
   * terminal's text matches `when` (for a prompt of the script, or output that shows it is running).
   */
  terminalKeys: Array<{ when: RegExp; keys: string }> = [];
  /** The workspace folders (a run's working folder). */
  folders: string[] = [];
  readonly virtualDocuments: string[] = [];

  openRunTerminal(name: string): RunTerminal {
    const t: ScriptedTerminal = { name, output: '', closedWith: undefined, session: undefined as unknown as TerminalSession };
    const keys = this.terminalKeys.splice(0);
    const typeDue = () => {
      while (keys.length > 0 && keys[0]!.when.test(t.output)) t.session.handleInput(keys.shift()!.keys);
    };
    t.session = new TerminalSession(
      (text) => {
        t.output += text;
        typeDue();
      },
      (code) => (t.closedWith = code),
    );
    this.runTerminals.push(t);
    t.session.open();
    queueMicrotask(typeDue);
    return t.session;
  }

  workspaceFolders(): string[] {
    return this.folders;
  }

  async openVirtualDocument(uri: string): Promise<void> {
    this.virtualDocuments.push(uri);
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
