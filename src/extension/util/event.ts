import type { Disposable } from '../../core/shared/disposable';

/**
 * A minimal event emitter with the same shape as `vscode.Event` (listener in, disposable out), so
 * vscode-free models can be observed by vscode adapters and by tests alike.
 */
export type Event<T> = (listener: (e: T) => void) => Disposable;

/** Fires events to its listeners in order; a listener that throws does not stop the others. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A failing listener must not stop the others (or the model that fired).
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
