/**
 * What a tree node shows, as plain data. Nodes produce it without importing `vscode` (so tests
 * compare labels, icons and context values directly); the provider turns it into a
 * `vscode.TreeItem`.
 */
export type TreeIcon =
  /** A codicon (`$(name)`), optionally coloured with a theme colour id such as `charts.green`. */
  | { kind: 'theme'; id: string; color?: string }
  /** The file-icon theme's icon for `resourcePath`. */
  | { kind: 'file' }
  /** An SVG shipped in media/. */
  | { kind: 'media'; file: string };

export interface TreeCommand {
  command: string;
  title: string;
  arguments?: unknown[];
}

export interface TreeItemData {
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  id: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon?: TreeIcon;
  /** Drives `view/item/context` menus (`viewItem == …` in package.json). */
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  command?: TreeCommand;
  /** Absolute file path for file nodes (file icon, drag, "reveal"). */
  resourcePath?: string;
  /** A URI the FileDecorationProvider reads a badge and colour from (decorations.ts). */
  decorationUri?: string;
}
