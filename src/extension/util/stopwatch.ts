import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds since construction, as GitLens wraps activate(). */
export class Stopwatch {
  private readonly start = performance.now();

  elapsedMs(): number {
    return Math.round((performance.now() - this.start) * 10) / 10;
  }
}
