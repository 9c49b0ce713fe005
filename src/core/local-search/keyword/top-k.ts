/**
 * The `k` highest-scoring keys seen, kept in a binary min-heap (the worst kept one on top), so
 * choosing the best k of n candidates costs n·log k and no sort of all n.
 */
export class TopK {
  private readonly keys: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly k: number) {}

  /** Whether a candidate with this score would be kept (checked before costlier tests). */
  accepts(score: number): boolean {
    return this.k > 0 && (this.keys.length < this.k || score > this.scores[0]!);
  }

  push(key: number, score: number): void {
    if (!this.accepts(score)) return;
    if (this.keys.length < this.k) {
      this.keys.push(key);
      this.scores.push(score);
      this.up(this.keys.length - 1);
    } else {
      this.keys[0] = key;
      this.scores[0] = score;
      this.down(0);
    }
  }

  /** Best first; equal scores keep the lower key (earlier document) first. */
  sorted(): { key: number; score: number }[] {
    return this.keys.map((key, i) => ({ key, score: this.scores[i]! })).sort((a, b) => b.score - a.score || a.key - b.key);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.scores[parent]! <= this.scores[i]!) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.scores[l]! < this.scores[m]!) m = l;
      if (r < n && this.scores[r]! < this.scores[m]!) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.scores[a], this.scores[b]] = [this.scores[b]!, this.scores[a]!];
  }
}
