/**
 * The one disposable shape of the project: anything that holds a timer, a watcher, a listener or
 * a file handle and lets go of it on `dispose()`. Structurally the same as `vscode.Disposable`,
 * so core objects, the extension's own helpers and VS Code's disposables mix freely.
 */
export interface Disposable {
  dispose(): void;
}

/** A Disposable that runs `fn` once, however often it is disposed. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Disposes each in the given order; one failure does not stop the rest. The first error is rethrown. */
export function disposeAll(items: Iterable<Disposable>): void {
  let first: unknown;
  for (const d of items) {
    try {
      d.dispose();
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== undefined) throw first;
}
