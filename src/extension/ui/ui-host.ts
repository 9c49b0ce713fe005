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
  text: string;
}

export interface Progress {
  report(message: string): void;
  readonly cancelled: boolean;
}

export interface UiHost {
  pick<T>(items: PickItem<T>[], options: StepOptions): Promise<T | undefined>;
  pickMany<T>(items: PickItem<T>[], options: StepOptions): Promise<T[] | undefined>;
  input(options: InputOptions): Promise<string | undefined>;
  /** A modal dialog; true only when the user pressed `confirm`. */
  confirm(message: string, options: { detail?: string; confirm: string }): Promise<boolean>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  openFile(file: string, options?: { preview?: boolean; line?: number }): Promise<void>;
  /** A read-only document with this content (reports, decrypted sensitive scripts). */
  showText(content: string, language: string): Promise<void>;
  withProgress<T>(title: string, task: (progress: Progress) => Promise<T>, options?: { cancellable?: boolean }): Promise<T>;
  runInTerminal(options: { name: string; cwd: string; commandLine: string }): void;
  /** Workspace trust: false in Restricted Mode. */
  isTrusted(): boolean;
  activeEditor(): ActiveEditorInfo | undefined;
  executeCommand(command: string, ...args: unknown[]): Promise<void>;
}
