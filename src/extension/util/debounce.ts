import type { Clock } from '../../core/shared/clock';
import type { Disposable } from '../../core/shared/disposable';

/**
 * Coalesces bursts (a file watcher sees a dozen events for one version folder appearing) into one
 * call `ms` after the last trigger. Uses the injectable Clock so tests never sleep.
 */
export class Debouncer implements Disposable {
  private pending: { cancel(): void } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly fn: () => void,
  ) {}

  trigger(): void {
    this.pending?.cancel();
    this.pending = this.clock.setTimeout(() => {
      this.pending = undefined;
      this.fn();
    }, this.ms);
  }

  get isPending(): boolean {
    return this.pending !== undefined;
  }

  dispose(): void {
    this.pending?.cancel();
    this.pending = undefined;
  }
}
