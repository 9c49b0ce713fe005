import * as vscode from 'vscode';
import { DECORATION_SCHEME, DECORATIONS, decorationKindOf } from './decorations';

/** Badges and colours of playbook rows (decorations.ts), read from each row's resource URI. */
export function registerPlaybookDecorations(): vscode.Disposable {
  return vscode.window.registerFileDecorationProvider({
    provideFileDecoration(uri) {
      if (uri.scheme !== DECORATION_SCHEME) return undefined;
      const kind = decorationKindOf(uri.path);
      if (!kind) return undefined;
      const d = DECORATIONS[kind];
      return new vscode.FileDecoration(d.badge, d.tooltip, new vscode.ThemeColor(d.color));
    },
  });
}
