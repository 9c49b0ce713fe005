/**
 * Runs jobs one at a time, in the order they were queued; a failed job does not stop the ones
 * after it (its caller gets the rejection). Ordering within one process only: other processes
 * are kept out by file locks where that matters.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Settles (never rejects) once every job queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
