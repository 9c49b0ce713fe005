/**
 * Everything a command handler asks of the editor, as a small host interface (Continue's `IDE`
 * idea): handlers stay vscode-free and are unit-tested by answering these calls from a script,
 * while VsCodeUi implements them with quick inputs, modal dialogs and the integrated terminal.
 */
export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
  picked?: boolean;
}

export interface StepOptions {
  title: string;
  placeholder?: string;
  /** [current, total] of a multi-step input. */
  step?: [number, number];
}

export interface InputOptions extends StepOptions {
  prompt?: string;
  value?: string;
  password?: boolean;
  /** Returns an error message for invalid input, undefined when fine. */
  validate?: (value: string) => string | undefined;
}

export interface ActiveEditorInfo {
  path: string;
  languageId: string;
  /** The editor's content, unsaved edits included. */
  text: string;
  /** True when the editor has unsaved edits. */
  dirty?: boolean;
}

export interface ReadOnlyDoc {
  /** Shown as the tab title; its extension (".md", ".sh") picks the language unless `language` is given. */
  name: string;
  content: string;
  language?: string;
}

/** One side of a diff editor: a file's path, or a read-only document. */
export type DiffSide = string | ReadOnlyDoc;

export interface Progress {
  report(message: string): void;
  readonly cancelled: boolean;
}

/** A row of a live pick: a choosable item (with a value), a line of information (without), or a group heading (`separator`). */
export interface LiveItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value?: T;
  separator?: true;
}

/** A title button of a live pick that sets one filter by a second, short pick. */
export interface LivePickFilter {
  /** Codicon id, e.g. `cloud`. */
  icon: string;
  tooltip: string;
  /** Title of the second pick; it offers "(any)" first, then `choices`. */
  title: string;
  choices: readonly string[];
  /** The typed value after choosing `choice` (undefined: "(any)", the filter is removed). */
  apply(value: string, choice: string | undefined): string;
}

export interface LivePickOptions<T> {
  title: string;
  placeholder: string;
  /** Quiet time after a keystroke before `query` runs. */
  debounceMs: number;
  filters?: LivePickFilter[];
  /** The rows for what is typed. An answer for a value the user has since typed over is dropped. */
  query(value: string): Promise<LiveItem<T>[]>;
  /**
   * Asked after each answer: a promise when the rows will be worth asking for again (the index
   * was still being built); the pick then runs `query` once more for the same text, unasked.
   */
  refreshWhen?(): Promise<unknown> | undefined;
}

export interface UiHost {
  pick<T>(items: PickItem<T>[], options: StepOptions): Promise<T | undefined>;
  pickMany<T>(items: PickItem<T>[], options: StepOptions): Promise<T[] | undefined>;
  input(options: InputOptions): Promise<string | undefined>;
  /** A pick whose rows follow what is typed (search as you type); the chosen row's value. */
  livePick<T>(options: LivePickOptions<T>): Promise<T | undefined>;
  /** VS Code's open-file dialog for one file; `filters` maps a label to file extensions (no dot). */
  pickFile(options: { title: string; openLabel: string; filters: Record<string, string[]> }): Promise<string | undefined>;
  /** A modal dialog; true only when the user pressed `confirm`. */
  confirm(message: string, options: { detail?: string; confirm: string }): Promise<boolean>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  openFile(file: string, options?: { preview?: boolean; line?: number }): Promise<void>;
  /** VS Code's diff editor: `left` (older) against `right`; each a file, or read-only text (a server's copy). */
  openDiff(left: DiffSide, right: DiffSide, title: string): Promise<void>;
  /**
   * A read-only document (sync status, decrypted sensitive scripts): never an untitled file, so
   * closing it asks nothing. Showing the same `name` again replaces its content.
   */
  showReadOnly(doc: ReadOnlyDoc): Promise<void>;
  /** A short-lived status-bar message: routine success, which needs no notification. */
  statusMessage(text: string): void;
  /** Writes settings (section `escher`) to the user's settings, where application-scoped ones live. */
  updateSettings(values: Readonly<Record<string, string>>): Promise<void>;
  withProgress<T>(title: string, task: (progress: Progress) => Promise<T>, options?: { cancellable?: boolean }): Promise<T>;
  /**
   * A terminal the extension drives (a pseudoterminal in VS Code): a run's output goes into it,
   * what the user types comes out of it, and Ctrl-C or closing it interrupts the run.
   */
  openRunTerminal(name: string): RunTerminal;
  /** The workspace's folders on disk (a run's working folder is one of them). */
  workspaceFolders(): string[];
  /** Opens a document of the extension's read-only virtual documents (e.g. a run's log) by its URI. */
  openVirtualDocument(uri: string): Promise<void>;
  /** Workspace trust: false in Restricted Mode. */
  isTrusted(): boolean;
  activeEditor(): ActiveEditorInfo | undefined;
  /** A file's text as the editor has it: an open document's unsaved edits included. */
  documentText(file: string): Promise<string>;
  executeCommand(command: string, ...args: unknown[]): Promise<void>;
}

/** The editor's side of a running playbook (see UiHost.openRunTerminal). */
export interface RunTerminal {
  /** Text for the user; "\n" line ends (the terminal adds what it needs). */
  write(text: string): void;
  /** What the user types, line by line (echoed while typed), for the commands' stdin. */
  readonly input: NodeJS.ReadableStream;
  /** Aborted when the user presses Ctrl-C or closes the terminal. */
  readonly signal: AbortSignal;
  /** The run is over: shows `message`; the terminal then closes with `exitCode` on the next key. */
  finish(exitCode: number, message: string): void;
}
