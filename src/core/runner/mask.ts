/**
 * Replaces sensitive values in output as it streams. A value may arrive split across chunks, so
 * the longest tail that could still be the start of a value is held back until the next chunk
 * (or flush()). Each value is masked whole, and a multi-line value also line by line (a
 * program may print one line of it).
 */
export const MASK = '***';

export class Masker {
  private readonly secrets: string[];
  private held = '';

  constructor(values: readonly string[]) {
    const all = new Set<string>();
    for (const v of values) {
      if (v.length === 0) continue;
      all.add(v);
      for (const line of v.split(/\r?\n/)) if (line.trim().length >= 3) all.add(line);
    }
    this.secrets = [...all].sort((a, b) => b.length - a.length);
  }

  get active(): boolean {
    return this.secrets.length > 0;
  }

  /** Masked text that is safe to emit now. */
  push(text: string): string {
    if (!this.active) return text;
    const buf = this.held + text;
    const masked = this.replaceAll(buf);
    const hold = this.holdLength(masked);
    this.held = masked.slice(masked.length - hold);
    return masked.slice(0, masked.length - hold);
  }

  /** Whatever was held back (the stream ended or paused). */
  flush(): string {
    const out = this.held;
    this.held = '';
    return out;
  }

  private replaceAll(s: string): string {
    let out = s;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /** Length of the longest suffix of `s` that is a proper prefix of some secret. */
  private holdLength(s: string): number {
    let best = 0;
    for (const secret of this.secrets) {
      for (let n = Math.min(secret.length - 1, s.length); n > best; n--) {
        if (s.endsWith(secret.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
