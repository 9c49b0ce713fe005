import type { Clock } from '../../src/core/shared/clock';

/**
 * The tests' one Clock: time moves only when the test says so, and timers that fall due run in
 * time order (ties in the order they were set), with pending promise callbacks let through
 * before and after each — so code that awaits between timers (a debounce that starts a sync,
 * a retry that sets the next timer) runs as it would in real time, without sleeping.
 */
export class FakeClock implements Clock {
  private t: number;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const id = this.nextId++;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return { cancel: () => (this.timers = this.timers.filter((x) => x.id !== id)) };
  }

  /** Timers set and not yet fired or cancelled. */
  get pending(): number {
    return this.timers.length;
  }

  /** When the earliest pending timer falls due (epoch ms); undefined when none is set. */
  get nextDueAt(): number | undefined {
    return this.timers.length ? Math.min(...this.timers.map((x) => x.at)) : undefined;
  }

  /** Moves time forward by `ms`, firing due timers (and letting their promises settle) as it goes. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.t + ms);
  }

  /** Moves time forward to `end` (epoch ms); never backwards. */
  async advanceTo(end: number): Promise<void> {
    if (end < this.t) throw new Error(`FakeClock cannot go back from ${this.t} to ${end}`);
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x.id !== due.id);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/** Lets pending promise callbacks (several hops deep) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
