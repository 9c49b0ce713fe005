import type { Embedder } from '../../../src/core/local-search/embedder';
import { DIM, axisVector } from './store-contract';

/** A deterministic stand-in model: one axis per distinct text, and a record of every text embedded. */
export class AxisEmbedder implements Embedder {
  constructor(readonly id = 'axis@1') {}
  readonly texts: string[] = [];
  private readonly axes = new Map<string, number>();
  async dimension() {
    return DIM;
  }
  async preload() {}
  async embed(texts: readonly string[]) {
    this.texts.push(...texts);
    return texts.map((t) => axisVector(this.axes.get(t) ?? this.axes.set(t, this.axes.size % DIM).get(t)!));
  }
  async dispose() {}
}
