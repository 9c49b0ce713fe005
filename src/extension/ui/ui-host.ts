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

export interface Progress {
  report(message: string): void;
  readonly cancelled: boolean;
}

/** A row of a live pick: a choosable item (with a value) or a line of information (without). */
export interface LiveItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value?: T;
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
}

export interface UiHost {
  pick<T>(items: PickItem<T>[], options: StepOptions): Promise<T | undefined>;
  pickMany<T>(items: PickItem<T>[], options: StepOptions): Promise<T[] | undefined>;
  input(options: InputOptions): Promise<string | undefined>;
  /** A pick whose rows follow what is typed (search as you type); the chosen row's value. */
  livePick<T>(options: LivePickOptions<T>): Promise<T | undefined>;
  /** A modal dialog; true only when the user pressed `confirm`. */
  confirm(message: string, options: { detail?: string; confirm: string }): Promise<boolean>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  openFile(file: string, options?: { preview?: boolean; line?: number }): Promise<void>;
  /** VS Code's diff editor: `left` (older) against `right`. */
  openDiff(left: string, right: string, title: string): Promise<void>;
  /** A read-only document with this content (reports, decrypted sensitive scripts). */
  showText(content: string, language: string): Promise<void>;
  withProgress<T>(title: string, task: (progress: Progress) => Promise<T>, options?: { cancellable?: boolean }): Promise<T>;
  runInTerminal(options: { name: string; cwd: string; commandLine: string }): void;
  /** Workspace trust: false in Restricted Mode. */
  isTrusted(): boolean;
  activeEditor(): ActiveEditorInfo | undefined;
  /** A file's text as the editor has it: an open document's unsaved edits included. */
  documentText(file: string): Promise<string>;
  executeCommand(command: string, ...args: unknown[]): Promise<void>;
}
