import type { VectorPoint } from '../../../src/core/local-search/vector-store';
import { DIM, axisVector, testPayload } from './store-contract';

/** The crash test's writer and checker agree on what each round does. */
export const INDEX_CRASH_IDENTITY = { modelId: 'test-model@1', dimension: DIM };
const IDS = 60;

export function indexCrashRound(round: number): { put: VectorPoint; remove?: string } {
  const id = `p${(round * 7) % IDS}`;
  const put = { id, vector: axisVector(round % DIM, 0.05 + (round % 11) * 0.03), payload: testPayload(id, { description: `Written in round ${round} ${'x'.repeat(round % 300)}` }) };
  return round % 4 === 3 ? { put, remove: `p${(round * 13 + 5) % IDS}` } : { put };
}

/** id -> description after rounds 0..last. */
export function indexCrashState(last: number): Map<string, string> {
  const state = new Map<string, string>();
  for (let r = 0; r <= last; r++) {
    const { put, remove } = indexCrashRound(r);
    state.set(put.id, put.payload.description);
    if (remove) state.delete(remove);
  }
  return state;
}
