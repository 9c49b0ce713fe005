/**
 * Ownership of everything disposable (GitHub PR extension style): a component registers what it
 * creates with `_register()` and disposing the owner disposes them in reverse order of creation,
 * so a later resource that uses an earlier one goes first. Structurally compatible with
 * `vscode.Disposable`, so it is usable in and outside the editor.
 */
export interface DisposableLike {
  dispose(): unknown;
}

export class Disposable implements DisposableLike {
  private readonly _toDispose: DisposableLike[] = [];
  private _disposed = false;

  get isDisposed(): boolean {
    return this._disposed;
  }

  protected _register<T extends DisposableLike>(d: T): T {
    if (this._disposed) {
      // Registering on a dead owner would leak: dispose at once instead.
      d.dispose();
    } else {
      this._toDispose.push(d);
    }
    return d;
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    disposeAll(this._toDispose.splice(0).reverse());
  }
}

/** Disposes each in the given order; one failure does not stop the rest. The first error is rethrown. */
export function disposeAll(items: Iterable<DisposableLike>): void {
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

export function toDisposable(fn: () => void): DisposableLike {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}
