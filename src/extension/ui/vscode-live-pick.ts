import * as vscode from 'vscode';
import type { LiveItem, LivePickFilter, LivePickOptions } from './ui-host';

type Row<T> = vscode.QuickPickItem & { value?: T };
type FilterButton = vscode.QuickInputButton & { filter: LivePickFilter };

/**
 * UiHost.livePick on a vscode QuickPick: `query` runs `debounceMs` after the last keystroke, a
 * stale answer (the user kept typing) is dropped, VS Code's own fuzzy filter is off (the rows are
 * already the answer), and each filter button opens a short pick whose choice rewrites the value.
 *
 * VS Code shows one quick input at a time: opening the filter's pick hides this one (firing
 * onDidHide). That hide is not the user closing the search: it is ignored, and the search comes
 * back with its text and rows as they were, then answers for the new filter.
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
  let choosingFilter = false;
  let closed = false;

  const run = async (value: string) => {
    const mine = ++seq;
    qp.busy = true;
    let rows: Row<T>[];
    try {
      rows = (await options.query(value)).map(toRow);
    } catch (e) {
      rows = [{ label: `$(error) ${e instanceof Error ? e.message : String(e)}`, alwaysShow: true }];
    }
    if (mine !== seq || closed) return;
    qp.items = rows;
    qp.busy = false;
    options.refreshWhen?.()?.then(
      () => {
        if (mine === seq && !closed) void run(qp.value);
      },
      () => undefined,
    );
  };

  const chosen = await new Promise<T | undefined>((resolve) => {
    qp.onDidChangeValue((v) => {
      clearTimeout(timer);
      timer = setTimeout(() => void run(v), options.debounceMs);
    });
    qp.onDidTriggerButton(async (b) => {
      const { filter } = b as FilterButton;
      choosingFilter = true;
      let pick: string | undefined;
      try {
        pick = await vscode.window.showQuickPick(['(any)', ...filter.choices], { title: filter.title, placeHolder: filter.tooltip });
      } finally {
        choosingFilter = false;
      }
      if (closed) return;
      const before = qp.value;
      if (pick !== undefined) qp.value = filter.apply(qp.value, pick === '(any)' ? undefined : pick);
      qp.show();
      if (qp.value !== before) {
        clearTimeout(timer);
        void run(qp.value);
      }
    });
    qp.onDidAccept(() => {
      const row = qp.selectedItems[0];
      if (row?.value !== undefined) {
        resolve(row.value);
        qp.hide();
      }
    });
    qp.onDidHide(() => {
      if (choosingFilter) return;
      closed = true;
      resolve(undefined);
    });
    qp.show();
  });
  closed = true;
  clearTimeout(timer);
  qp.dispose();
  return chosen;
}

function toRow<T>(i: LiveItem<T>): Row<T> {
  if (i.separator) return { label: i.label, kind: vscode.QuickPickItemKind.Separator };
  const { separator: _separator, ...rest } = i;
  return { ...rest, alwaysShow: true };
}
