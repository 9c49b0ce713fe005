import * as vscode from 'vscode';
import type { LiveItem, LivePickFilter, LivePickOptions } from './ui-host';

type Row<T> = vscode.QuickPickItem & { value?: T };
type FilterButton = vscode.QuickInputButton & { filter: LivePickFilter };

/**
 * UiHost.livePick on a vscode QuickPick: `query` runs `debounceMs` after the last keystroke, a
 * stale answer (the user kept typing) is dropped, VS Code's own fuzzy filter is off (the rows are
 * already the answer), and each filter button opens a short pick whose choice rewrites the value.
 */
export async function showLivePick<T>(options: LivePickOptions<T>): Promise<T | undefined> {
  const qp = vscode.window.createQuickPick<Row<T>>();
  qp.title = options.title;
  qp.placeholder = options.placeholder;
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  qp.ignoreFocusOut = true;
  qp.buttons = (options.filters ?? []).map((filter): FilterButton => ({ iconPath: new vscode.ThemeIcon(filter.icon), tooltip: filter.tooltip, filter }));
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;

  const run = async (value: string) => {
    const mine = ++seq;
    qp.busy = true;
    let rows: Row<T>[];
    try {
      rows = (await options.query(value)).map((i: LiveItem<T>) => ({ ...i, alwaysShow: true }));
    } catch (e) {
      rows = [{ label: `$(error) ${e instanceof Error ? e.message : String(e)}`, alwaysShow: true }];
    }
    if (mine !== seq) return;
    qp.items = rows;
    qp.busy = false;
  };

  const chosen = await new Promise<T | undefined>((resolve) => {
    qp.onDidChangeValue((v) => {
      clearTimeout(timer);
      timer = setTimeout(() => void run(v), options.debounceMs);
    });
    qp.onDidTriggerButton(async (b) => {
      const { filter } = b as FilterButton;
      const pick = await vscode.window.showQuickPick(['(any)', ...filter.choices], { title: filter.title });
      if (pick !== undefined) qp.value = filter.apply(qp.value, pick === '(any)' ? undefined : pick);
      qp.show();
      if (pick !== undefined) void run(qp.value);
    });
    qp.onDidAccept(() => {
      const row = qp.selectedItems[0];
      if (row?.value !== undefined) {
        resolve(row.value);
        qp.hide();
      }
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  clearTimeout(timer);
  qp.dispose();
  return chosen;
}
