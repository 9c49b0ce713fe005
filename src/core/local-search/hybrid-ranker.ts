import type { Embedder } from './embedder';
import { normalizedScoreFusion, reciprocalRankFusion } from './fusion';
import type { Fused, Ranked } from './fusion';
import type { KeywordHit, KeywordIndex } from './keyword-index';
import type { PlaybookPayload, SearchFilter } from './payload';
import { matchesFilter } from './payload';
import { conceptLabel } from './synonyms';
import { ACTION_WINDOW, actionFactor, lowersDestructive, nameAction } from './action-intent';
import type { VectorStore } from './vector-store';
import type { PayloadRow } from './stored-payload';
import { matchingScriptLine } from './script-lines';
import type { ScriptLine } from './script-lines';

/** Why a playbook matched: shown by the CLI (`why`) and the extension's hover. */
export interface MatchExplanation {
  /** Query terms (after normalisation) that matched, with the fields they matched in. */
  terms: { term: string; fields: string[] }[];
  /** Synonym concepts shared by query and playbook ("database", "stop"). */
  concepts: string[];
  /** Cosine similarity of query and playbook embeddings, when it was among the semantic candidates. */
  semantic_similarity?: number;
  keyword_rank?: number;
  semantic_rank?: number;
  /** The script line holding most of the query's words, when words matched in a script body. */
  script_line?: ScriptLine;
}

export interface SearchHit {
  playbook_id: string;
  version: string;
  name: string;
  area: PlaybookPayload['area'];
  /** Fused relevance, higher is better; comparable within one result list only. */
  score: number;
  /**
   * A guess, not a match: no word or concept of the query matched it and its meaning is only
   * loosely similar (cosine below WEAK_SIMILARITY). Weak hits come after all others, at most
   * MAX_WEAK_HITS of them, and are shown apart ("weak matches"), so a query that matches nothing
   * does not look like it found 30 answers.
   */
  weak?: true;
  /** Which collection it came from (always set by rankSources; 'local' for the user's own store). */
  source?: HitSource;
  why: MatchExplanation;
  payload: PlaybookPayload;
}

export type RankingMode = 'hybrid' | 'keyword' | 'semantic';

export interface RankingOptions {
  mode: RankingMode;
  fusion: { method: 'rrf'; k: number; keywordWeight: number; semanticWeight: number } | { method: 'score'; alpha: number; semanticScale?: 'minmax' | 'cosine' };
  /** Candidates taken from each ranker before fusing. */
  depth: number;
  /** Append the query's synonym concepts to the text that is embedded. */
  expandSemanticQuery: boolean;
}

/**
 * The shipped settings, chosen on the dev half of the second query set (search-quality.test.ts
 * prints them on every set): score fusion, keyword side min-max normalised, semantic side as raw
 * cosine, keyword weight 0.6 (0.5-0.7 measured within 0.001 MRR on dev; min-max on both sides was
 * 0.003 lower there and dropped Recall@5 below keyword-only). Reciprocal-rank fusion was 0.04-0.07
 * lower: the offline model is much weaker than BM25 on this data, and RRF gives its ranks as much
 * say as the keyword ranks. Expanding the query with its synonym concepts helps the semantic side.
 * After the fusion, unasked-for destructive playbooks are lowered (action-intent.ts).
 */
export const DEFAULT_RANKING: RankingOptions = {
  mode: 'hybrid',
  fusion: { method: 'score', alpha: 0.6, semanticScale: 'cosine' },
  depth: 50,
  expandSemanticQuery: true,
};

/**
 * Where a semantic-only hit stops counting as a match. USE-lite's cosine is not calibrated:
 * measured over the 175 runbooks, the right runbook of the dev queries scores 0.55 at the median,
 * and nonsense ("banana bread recipe", "zzzz qqqq", "lorem ipsum") still reaches 0.37-0.52 with
 * some runbook; so similarity alone cannot make a hit trustworthy, only a keyword or concept
 * match can, and 0.5 keeps the semantic side's clearly close answers.
 */
export const WEAK_SIMILARITY = 0.5;
export const MAX_WEAK_HITS = 5;

export interface RankInput {
  query: string;
  limit: number;
  filter?: SearchFilter;
}

/** Where a hit comes from: the user's own store, the team's (tenant's) catalog, or the Escher Library. */
export type HitSource = 'local' | 'team' | 'library';

/** One collection a search ranks over (the user_playbooks collection, or a team or library one). */
export interface RankSource {
  source: HitSource;
  keywords: KeywordIndex;
  vectors: VectorStore;
  payloadOf: (id: string) => PlaybookPayload | undefined;
  rowOf?: (id: string) => PayloadRow | undefined;
}

/**
 * One search: keyword candidates (keyword-index.ts), semantic candidates from the vector store,
 * fused, filtered, explained. `payloadOf` resolves keyword hits (the keyword index stores no
 * payloads).
 */
export async function rankPlaybooks(
  input: RankInput,
  deps: { keywords: KeywordIndex; vectors: VectorStore; embedder: Embedder; payloadOf: (id: string) => PlaybookPayload | undefined; rowOf?: (id: string) => PayloadRow | undefined },
  options: RankingOptions = DEFAULT_RANKING,
): Promise<SearchHit[]> {
  return rankSources(input, [{ source: 'local', ...deps }], deps.embedder, options);
}

/**
 * The same ranking over several collections at once, as one list: each collection's keyword
 * candidates (BM25+, made comparable across collections by keywordScales) and semantic candidates
 * (cosine of the one query vector, comparable as they are) are pooled before the fusion, so a
 * strong team match outranks a weak local one and the reverse. Every hit says which collection it
 * came from.
 */
export async function rankSources(input: RankInput, sources: readonly RankSource[], embedder: Embedder, options: RankingOptions = DEFAULT_RANKING): Promise<Array<SearchHit & { source: HitSource }>> {
  const useKeyword = options.mode !== 'semantic';
  const useSemantic = options.mode !== 'keyword';
  const key = (src: RankSource, id: string): string => (sources.length === 1 ? id : `${src.source}:${id}`);
  const bySource = new Map<string, { src: RankSource; id: string }>();
  const parsedBy = sources.map((src) => src.keywords.parse(input.query));
  // Typo corrections and concepts for the query vector: from the biggest vocabulary.
  let main = 0;
  sources.forEach((src, i) => {
    if (src.keywords.size > sources[main]!.keywords.size) main = i;
  });
  const parsed = parsedBy[main] ?? { terms: [], concepts: [] };
  // The query is embedded (in the model's worker thread) while the keywords are ranked here.
  const vectorPending = useSemantic && sources.length ? queryVector(correctedText(input.query, parsed.corrections), parsed.concepts, embedder, options) : undefined;
  vectorPending?.catch(() => undefined); // awaited below; a keyword failure must not leave it unhandled

  const keywordHits: KeywordHit[] = [];
  if (useKeyword) {
    const perSource = sources.map((src, i) => {
      const allow = input.filter ? { allow: (id: string) => { const p = src.rowOf?.(id) ?? src.payloadOf(id); return !!p && matchesFilter(p, input.filter); } } : {};
      return src.keywords.search(parsedBy[i]!, { limit: options.depth, ...allow });
    });
    const scale = sources.length > 1 ? keywordScales(perSource, parsedBy) : undefined;
    perSource.forEach((hits, i) => {
      const src = sources[i]!;
      for (const h of hits) {
        bySource.set(key(src, h.id), { src, id: h.id });
        keywordHits.push({ ...h, id: key(src, h.id), score: scale ? scale[i]!(h.score) : h.score });
      }
    });
    keywordHits.sort((a, b) => b.score - a.score);
  }
  const payloads = new Map<string, PlaybookPayload>();
  const similarity = new Map<string, number>();
  const semanticHits: Ranked[] = [];
  if (vectorPending) {
    const vector = await vectorPending;
    for (const src of sources) {
      for (const h of await src.vectors.search(vector, { limit: options.depth, ...(input.filter ? { filter: input.filter } : {}) })) {
        const id = key(src, h.id);
        bySource.set(id, { src, id: h.id });
        payloads.set(id, h.payload);
        similarity.set(id, h.score);
        semanticHits.push({ id, score: h.score });
      }
    }
    semanticHits.sort((a, b) => b.score - a.score);
  }

  const kRanked: Ranked[] = keywordHits.slice(0, options.depth * sources.length).map((h) => ({ id: h.id, score: h.score }));
  const sRanked: Ranked[] = semanticHits.slice(0, options.depth * sources.length);
  let fused: Fused[];
  if (options.mode === 'keyword') fused = kRanked.map((r, i) => ({ ...r, keywordRank: i + 1 }));
  else if (options.mode === 'semantic') fused = sRanked.map((r, i) => ({ ...r, semanticRank: i + 1 }));
  else if (options.fusion.method === 'rrf') fused = reciprocalRankFusion(kRanked, sRanked, options.fusion);
  else fused = normalizedScoreFusion(kRanked, sRanked, options.fusion.alpha, options.fusion.semanticScale);
  if (options.mode === 'hybrid') fused = alignActions(fused, parsed.concepts, (id) => {
    const at = bySource.get(id);
    return at ? (payloads.get(id) ?? at.src.payloadOf(at.id))?.name : undefined;
  });

  const byKeyword = new Map(keywordHits.map((h) => [h.id, h]));
  const hits: Array<SearchHit & { source: HitSource }> = [];
  const weak: Array<SearchHit & { source: HitSource }> = [];
  for (const f of fused) {
    const at = bySource.get(f.id);
    const payload = payloads.get(f.id) ?? (at ? at.src.payloadOf(at.id) : undefined);
    if (!payload || !at) continue;
    const kh = byKeyword.get(f.id);
    const terms: { term: string; fields: string[] }[] = [];
    const concepts: string[] = [];
    for (const [term, fields] of Object.entries(kh?.match ?? {})) {
      if (term.startsWith('~')) concepts.push(conceptLabel(term));
      else terms.push({ term, fields });
    }
    const why: MatchExplanation = { terms, concepts };
    if (terms.some((t) => t.fields.includes('scripts'))) {
      const line = matchingScriptLine(payload.scripts, parsed.terms);
      if (line) why.script_line = line;
    }
    const sim = similarity.get(f.id);
    if (sim !== undefined) why.semantic_similarity = Math.round(sim * 1000) / 1000;
    if (f.keywordRank !== undefined) why.keyword_rank = f.keywordRank;
    if (f.semanticRank !== undefined) why.semantic_rank = f.semanticRank;
    const hit = { playbook_id: payload.playbook_id, version: payload.version, name: payload.name, area: payload.area, source: at.src.source, score: f.score, why, payload };
    if (options.mode === 'hybrid' && !kh && (sim ?? 0) < WEAK_SIMILARITY) {
      if (weak.length < MAX_WEAK_HITS) weak.push({ ...hit, weak: true });
      continue;
    }
    hits.push(hit);
    if (hits.length >= input.limit) break;
  }
  return [...hits, ...weak].slice(0, input.limit);
}

/** Fused scores nudged by how the playbook's action fits the query's (action-intent.ts), re-sorted. */
function alignActions(fused: Fused[], queryConcepts: readonly string[], nameOf: (id: string) => string | undefined): Fused[] {
  // A query that asks for a destructive action changes nothing: no payload is read for it.
  if (!lowersDestructive(queryConcepts)) return fused;
  const head = fused.slice(0, ACTION_WINDOW).map((f) => {
    const name = nameOf(f.id);
    const factor = name === undefined ? 1 : actionFactor(nameAction(name), queryConcepts);
    return factor === 1 ? f : { ...f, score: f.score * factor };
  });
  return [...head.sort((a, b) => b.score - a.score), ...fused.slice(ACTION_WINDOW)];
}

/**
 * BM25 scores of different collections are not comparable: a term's weight (IDF) depends on how
 * many of that collection's documents hold it, so a small team or library collection scores its
 * best match far below the same text in a big local one. Each collection's keyword scores are
 * therefore min-max normalised on their own, then weighted by how much of the query that
 * collection's best match covered (relative to the best coverage of any collection), so a
 * collection whose best hit matched one word of three cannot claim the top on keywords alone.
 * One collection is left as it is (the shipped single-collection ranking).
 */
function keywordScales(perSource: readonly KeywordHit[][], parsed: readonly { terms: string[] }[]): Array<(score: number) => number> {
  const coverage = perSource.map((hits, i) => {
    const top = hits[0];
    const want = new Set(parsed[i]!.terms).size;
    return top && want > 0 ? Math.min(1, Object.keys(top.match ?? {}).filter((t) => !t.startsWith('~')).length / want) : top ? 1 : 0;
  });
  const best = Math.max(...coverage, 0);
  return perSource.map((hits, i) => {
    const max = hits[0]?.score ?? 0;
    const min = hits[hits.length - 1]?.score ?? 0;
    const weight = best > 0 ? coverage[i]! / best : 1;
    return (score: number) => (max > min ? (score - min) / (max - min) : 1) * weight;
  });
}

async function queryVector(query: string, concepts: string[], embedder: Embedder, options: RankingOptions): Promise<Float32Array> {
  const text = options.expandSemanticQuery && concepts.length ? `${query} (${concepts.map(conceptLabel).join(', ')})` : query;
  const [vector] = await embedder.embed([text]);
  return vector!;
}

/** The query with its typos corrected (the model knows "security", not "secuirty"). */
function correctedText(query: string, corrections: Record<string, string> | undefined): string {
  if (!corrections) return query;
  return query.replace(/[A-Za-z0-9]+/g, (w) => corrections[w.toLowerCase()] ?? w);
}

/** One line for a terminal: "name, keywords: stop (name) · concepts: database · similarity 0.62". */
export function describeWhy(why: MatchExplanation): string {
  const parts: string[] = [];
  if (why.terms.length) parts.push('terms: ' + why.terms.map((t) => `${t.term} (${t.fields.join(', ')})`).join(', '));
  if (why.concepts.length) parts.push('concepts: ' + why.concepts.join(', '));
  if (why.semantic_similarity !== undefined) parts.push(`similarity ${why.semantic_similarity.toFixed(2)}`);
  if (why.script_line) parts.push(`${why.script_line.path}:${why.script_line.line}: ${why.script_line.text}`);
  return parts.join(' · ') || 'semantic match';
}
