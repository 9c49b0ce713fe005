import { type Disposable, disposeAll } from '../../core/shared/disposable';

/**
 * Owner of everything disposable a component creates (GitHub PR extension style): the component
 * registers each resource with `_register()`, and disposing the owner disposes them in reverse
 * order of creation, so a later resource that uses an earlier one goes first.
 */
export class DisposableOwner implements Disposable {
  private readonly _toDispose: Disposable[] = [];
  private _disposed = false;

  get isDisposed(): boolean {
    return this._disposed;
  }

  protected _register<T extends Disposable>(d: T): T {
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
