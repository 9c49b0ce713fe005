/**
 * Vectors as the embedded store holds them in memory: int8, each scaled on its own so its largest
 * component is ±127. Searched by cosine (usearch's i8 cosine, exact-search.ts), which ignores each
 * vector's scale, so no scale is stored. A quarter of float32's bytes: 100,000 512-d vectors are
 * 51 MB to read at load and to stream per search instead of 205 MB. The int8 ranking only picks
 * candidates; their scores are computed again from the float32 vectors (embedded-store.ts), so
 * results and similarities are those of the float32 vectors.
 */
export function quantizeInto(v: Float32Array, out: Int8Array, at: number): void {
  let max = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > max) max = a;
  }
  const scale = max > 0 ? 127 / max : 0;
  for (let i = 0; i < v.length; i++) out[at + i] = Math.round(v[i]! * scale);
}

export function quantized(v: Float32Array): Int8Array {
  const out = new Int8Array(v.length);
  quantizeInto(v, out, 0);
  return out;
}

/** True when `row` (dim values of `matrix` at `at`) is `v` quantized: a float32 vector read back from disk is checked this way. */
export function matchesQuantized(v: Float32Array, matrix: Int8Array, at: number): boolean {
  const q = quantized(v);
  for (let i = 0; i < q.length; i++) if (q[i] !== matrix[at + i]) return false;
  return true;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
