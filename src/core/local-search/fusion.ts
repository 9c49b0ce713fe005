/**
 * Fusing the keyword and the semantic ranking. Two methods, both measured on the evaluation set
 * (test/core/local-search/search-quality.test.ts prints both):
 *  - reciprocal-rank fusion (RRF, Cormack et al. 2009): score = Σ w / (k + rank); ignores raw
 *    scores, robust when the two score scales are unrelated (BM25 is unbounded, cosine is not);
 *  - convex combination of min-max normalised scores: keeps "how much better" information.
 */
export interface Ranked {
  id: string;
  score: number;
}

export interface Fused {
  id: string;
  score: number;
  /** 1-based ranks in each input list (undefined when absent). */
  keywordRank?: number;
  semanticRank?: number;
}

export function reciprocalRankFusion(keyword: readonly Ranked[], semantic: readonly Ranked[], opts: { k?: number; keywordWeight?: number; semanticWeight?: number } = {}): Fused[] {
  const k = opts.k ?? 60;
  const wk = opts.keywordWeight ?? 1;
  const ws = opts.semanticWeight ?? 1;
  const out = new Map<string, Fused>();
  keyword.forEach((r, i) => out.set(r.id, { id: r.id, score: wk / (k + i + 1), keywordRank: i + 1 }));
  semantic.forEach((r, i) => {
    const f = out.get(r.id) ?? { id: r.id, score: 0 };
    f.score += ws / (k + i + 1);
    f.semanticRank = i + 1;
    out.set(r.id, f);
  });
  return [...out.values()].sort((a, b) => b.score - a.score);
}

/**
 * alpha * keyword' + (1 - alpha) * semantic' (absent = 0). Keyword scores (BM25, unbounded) are
 * min-max normalised over their list; semantic scores are either normalised the same way
 * (`minmax`) or taken as the cosine they are (`cosine`, already 0..1): stretching a list of
 * uniformly weak similarities to 0..1 would give its best guess as much say as a keyword match.
 */
export function normalizedScoreFusion(keyword: readonly Ranked[], semantic: readonly Ranked[], alpha: number, semanticScale: 'minmax' | 'cosine' = 'minmax'): Fused[] {
  const norm = (xs: readonly Ranked[]) => {
    const max = Math.max(...xs.map((x) => x.score));
    const min = Math.min(...xs.map((x) => x.score));
    const span = max - min;
    // A lone candidate (or a tie across all) is as good as that list gets: 1, not 0.
    return new Map(xs.map((x, i) => [x.id, { s: span > 0 ? (x.score - min) / span : 1, rank: i + 1 }]));
  };
  const nk = norm(keyword);
  const ns = semanticScale === 'cosine' ? new Map(semantic.map((x, i) => [x.id, { s: Math.max(0, x.score), rank: i + 1 }])) : norm(semantic);
  const ids = new Set([...nk.keys(), ...ns.keys()]);
  const out: Fused[] = [];
  for (const id of ids) {
    const a = nk.get(id);
    const b = ns.get(id);
    out.push({ id, score: alpha * (a?.s ?? 0) + (1 - alpha) * (b?.s ?? 0), ...(a ? { keywordRank: a.rank } : {}), ...(b ? { semanticRank: b.rank } : {}) });
  }
  return out.sort((x, y) => y.score - x.score);
}
