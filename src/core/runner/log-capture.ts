/**
 * The log a run record keeps: stdout and stderr as they interleaved, masked, capped at
 * LOG_CAP bytes — the first half and the last half, with a marker saying how much was left out
 * between them (an error is usually at the end, the command's banner at the start).
 */
export const LOG_CAP = 1024 * 1024;

export class CappedLog {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  total = 0;

  constructor(private readonly cap = LOG_CAP) {}

  append(text: string): void {
    if (!text) return;
    let b = Buffer.from(text, 'utf8');
    this.total += b.length;
    const half = this.cap / 2;
    if (this.headBytes < half) {
      const take = b.subarray(0, half - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      b = b.subarray(take.length);
    }
    if (b.length === 0) return;
    this.tail.push(b);
    this.tailBytes += b.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= half) this.tailBytes -= this.tail.shift()!.length;
  }

  get truncated(): boolean {
    return this.total > this.headBytes + this.tailBytes;
  }

  /** The kept bytes, with a marker line where the middle was dropped. */
  contents(): Buffer {
    if (!this.truncated) return Buffer.concat([...this.head, ...this.tail]);
    let tail = Buffer.concat(this.tail);
    tail = tail.subarray(Math.max(0, tail.length - this.cap / 2));
    const dropped = this.total - this.headBytes - tail.length;
    return Buffer.concat([...this.head, Buffer.from(`\n[… ${dropped} bytes of output not kept: the log keeps the first and last ${this.cap / 2 / 1024} KiB …]\n`), tail]);
  }
}
