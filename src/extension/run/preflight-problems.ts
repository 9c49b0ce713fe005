import * as vscode from 'vscode';
import { DisposableOwner } from '../util/disposable';
import { findingLocations } from './finding-locations';
import type { FindingsReport } from './run-host';

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information } as const;

/** The last preflight of each version, in the Problems panel on the version's files ("Escher <checker>"). */
export class PreflightProblems extends DisposableOwner {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('escher-preflight'));

  show(report: FindingsReport): void {
    for (const [file, found] of findingLocations(report)) {
      this.collection.set(
        vscode.Uri.file(file),
        found.map((f) => {
          // A whole line: the checkers give a start, rarely an end.
          const d = new vscode.Diagnostic(new vscode.Range(f.line, f.column, f.line, Number.MAX_SAFE_INTEGER), f.message, SEVERITY[f.severity]);
          d.source = f.source;
          if (f.code) d.code = f.code;
          return d;
        }),
      );
    }
  }
}
