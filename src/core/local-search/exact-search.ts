/**
 * Exact (brute-force) nearest neighbours by cosine similarity, over the int8 rows the embedded
 * store holds (quantize.ts); the store scores the candidates again from float32.
 *
 * Why exact search and why usearch: a user's own playbooks number in the hundreds to low
 * thousands, and exact search has perfect recall with nothing to tune or rebuild. Measured on this
 * machine kind (2 cores, 512-dim vectors): usearch's SIMD `exactSearch` over float32 took ~0.6 ms
 * at 10k and ~7 ms at 100k for the top 100, against 11 ms / 94 ms for a plain Float32Array scan
 * in JS and ~20 ms / ~370 ms for LanceDB's flat search (docs/ENVIRONMENT.md); over int8 rows it
 * is 3-4x faster again (a quarter of the bytes to stream). An HNSW index would only pay off well beyond 100k, so it is not used.
 * usearch is N-API (loads in VS Code's Electron) and loaded lazily; if its native binary is
 * missing the JS scan below is used instead, slower but correct.
 */
type UsearchModule = typeof import('usearch');

let usearch: UsearchModule | null | undefined;

function loadUsearch(): UsearchModule | null {
  if (usearch === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      usearch = require('usearch') as UsearchModule;
    } catch {
      usearch = null;
    }
  }
  return usearch;
}

export interface RowScore {
  row: number;
  score: number;
}

/** Top `k` rows of `matrix` (rows × dim, int8) by cosine with `query` (int8), best first; scores approximate the float32 cosine. */
export function topKByCosine(matrix: Int8Array, rows: number, dim: number, query: Int8Array, k: number, useNative = true): RowScore[] {
  k = Math.min(k, rows);
  if (k <= 0) return [];
  const u = useNative ? loadUsearch() : null;
  if (u) {
    // usearch's binding reads a typed array from the start of its ArrayBuffer, ignoring
    // byteOffset: a view must be copied first, or it searches with the wrong numbers.
    const m = u.exactSearch(ownBuffer(matrix.subarray(0, rows * dim)), ownBuffer(query), dim, k, u.MetricKind.Cos) as { keys: BigUint64Array; distances: Float32Array };
    const out: RowScore[] = [];
    // usearch's cosine distance is 1 - cosine.
    for (let i = 0; i < m.keys.length; i++) out.push({ row: Number(m.keys[i]), score: 1 - m.distances[i]! });
    return out;
  }
  return scanTopK(matrix, rows, dim, query, k);
}

/** The array itself when it starts its buffer (spare capacity after it is fine), else a copy. */
function ownBuffer(a: Int8Array): Int8Array {
  return a.byteOffset === 0 ? a : a.slice();
}

/** The plain-JS baseline: one pass computing every cosine, then a partial sort. */
export function scanTopK(matrix: Int8Array, rows: number, dim: number, query: Int8Array, k: number): RowScore[] {
  let qq = 0;
  for (let j = 0; j < dim; j++) qq += query[j]! * query[j]!;
  const scores = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    let nn = 0;
    const o = r * dim;
    for (let j = 0; j < dim; j++) {
      const x = matrix[o + j]!;
      acc += x * query[j]!;
      nn += x * x;
    }
    scores[r] = nn > 0 && qq > 0 ? acc / Math.sqrt(nn * qq) : 0;
  }
  const idx = Array.from({ length: rows }, (_, i) => i);
  idx.sort((a, b) => scores[b]! - scores[a]!);
  return idx.slice(0, k).map((row) => ({ row, score: scores[row]! }));
}
