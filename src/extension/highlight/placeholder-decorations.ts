import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { METADATA_FILE } from '../../core/playbook-store/layout';
import type { ParameterSpec } from '../../core/playbook-store/metadata';
import { systemClock } from '../../core/shared/clock';
import { targetOfFile } from '../run/run-target';
import { Debouncer } from '../util/debounce';
import { DisposableOwner } from '../util/disposable';
import type { Event } from '../util/event';
import { placeholderMarks } from './placeholder-marks';

/**
 * Marks the placeholders of a playbook script open in an editor by what a run makes of them:
 * declared ones get a frame and their declaration on hover, undeclared ones (and inline defaults
 * their type refuses) a red squiggle and the way to fix it. The TextMate injection grammar
 * (syntaxes/) colours every `{{name}}` alike — a grammar cannot read metadata.json.
 *
 * Decorations rather than semantic tokens: VS Code asks one group of semantic token providers per
 * document and takes the first answer, so a provider for playbook scripts would compete with the
 * language's own (Pylance, the Terraform server) and could replace their colouring; decorations
 * are drawn on top of whatever colours the document has.
 */
export class PlaceholderDecorations extends DisposableOwner {
  private readonly declared = this._register(
    vscode.window.createTextEditorDecorationType({ borderWidth: '1px', borderStyle: 'solid', borderRadius: '3px', borderColor: new vscode.ThemeColor('editorInfo.foreground') }),
  );
  private readonly invalid = this._register(
    vscode.window.createTextEditorDecorationType({ textDecoration: 'underline wavy', color: new vscode.ThemeColor('editorError.foreground') }),
  );
  private readonly retype = this._register(new Debouncer(systemClock, 250, () => void this.updateAll()));

  constructor(
    private readonly playbooksDir: () => string,
    metadataChanged: Event<void>,
  ) {
    super();
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => void this.updateAll()));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (this.isScript(e.document.uri)) this.retype.trigger();
    }));
    this._register(metadataChanged(() => void this.updateAll()));
    void this.updateAll();
  }

  async updateAll(): Promise<void> {
    await Promise.all(vscode.window.visibleTextEditors.map((ed) => this.update(ed)));
  }

  private isScript(uri: vscode.Uri): boolean {
    return uri.scheme === 'file' && targetOfFile(uri.fsPath, this.playbooksDir())?.script !== undefined;
  }

  private async update(ed: vscode.TextEditor): Promise<void> {
    const uri = ed.document.uri;
    if (!this.isScript(uri)) return;
    const versionDir = versionFolderOf(uri.fsPath, targetOfFile(uri.fsPath, this.playbooksDir())!.script!);
    const params = await declaredParameters(versionDir);
    if (params === undefined) return;
    const marks = placeholderMarks(ed.document.getText(), params);
    const options = (kind: 'declared' | 'invalid') =>
      marks.filter((m) => m.kind === kind).map((m) => ({ range: new vscode.Range(m.line, m.start, m.line, m.end), hoverMessage: m.message }));
    ed.setDecorations(this.declared, options('declared'));
    ed.setDecorations(this.invalid, options('invalid'));
  }
}

function versionFolderOf(file: string, script: string): string {
  return script.split('/').reduce((dir) => path.dirname(dir), file);
}

/** The version's declarations as metadata.json says them; undefined when it cannot be read (its own diagnostics say why). */
async function declaredParameters(versionDir: string): Promise<ParameterSpec[] | undefined> {
  try {
    const m = JSON.parse(await fs.readFile(path.join(versionDir, METADATA_FILE), 'utf8')) as { parameters?: unknown };
    return Array.isArray(m.parameters) ? (m.parameters.filter((p) => typeof p === 'object' && p !== null && typeof (p as ParameterSpec).name === 'string') as ParameterSpec[]) : [];
  } catch {
    return undefined;
  }
}
