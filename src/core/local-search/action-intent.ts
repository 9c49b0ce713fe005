import { conceptToken, conceptsOf } from './synonyms';
import { OPERATIONS_STATES, OPERATIONS_VERBS } from './vocabulary/operations-slang';

/**
 * What a playbook does is the verb of its name ("Delete RDS Snapshot", "AWS-RestartEC2Instance"),
 * and sibling playbooks often differ by that verb alone (create / delete a snapshot). BM25 and the
 * embedding both see "snapshot" and little else, so a query that names the object but no action
 * ("nightly snapshot of the data disk") ranks the siblings by how often their text repeats the
 * object, and a Delete playbook could come first. So a destructive playbook is lowered when the
 * query asks for no destructive action: it should come first only when asked for, and it is also
 * the wrong one to run by mistake. "So nobody can accidentally drop it" asks for protection, not
 * for a delete.
 *
 * Measured on the dev half of the second query set (search-quality.test.ts): MRR 0.857 -> 0.882
 * with the penalty at 0.2 (0.1: 0.860, 0.3: 0.870), 0.891 with the protection rule; only "delete"
 * lowered: 0.886. A matching
 * boost for a playbook whose action the query names was measured too and not kept: no gain on
 * dev, and the first set's Recall@5 fell.
 */
export const DESTRUCTIVE_PENALTY = 0.2;
/** Only the head of the fused list is re-scored: a 0.8 factor cannot lift anything from further down. */
export const ACTION_WINDOW = 20;

const ACTIONS = new Set([...OPERATIONS_VERBS.groups.map((g) => conceptToken(g[0]!)), conceptToken(OPERATIONS_STATES.groups[0]![0]!)]);
const DESTRUCTIVE = new Set(['delete', 'stop', 'disable', 'detach', 'release'].map(conceptToken));
const PROTECTION = conceptToken('deletion protection');

/** The action of a playbook: the first action concept of its name ("troubleshoot" counts), if any. */
export function nameAction(name: string): string | undefined {
  return conceptsOf(name).find((c) => ACTIONS.has(c));
}

/** Whether a query leaves destructive playbooks to be lowered: it asks for no destructive action (asking for protection is not asking for one). */
export function lowersDestructive(queryConcepts: readonly string[]): boolean {
  return queryConcepts.includes(PROTECTION) || !queryConcepts.some((c) => DESTRUCTIVE.has(c));
}

/** The factor for a playbook's fused score given the query's concepts: 1, or below 1 for an unasked-for destructive action. */
export function actionFactor(docAction: string | undefined, queryConcepts: readonly string[]): number {
  return docAction !== undefined && DESTRUCTIVE.has(docAction) && lowersDestructive(queryConcepts) ? 1 - DESTRUCTIVE_PENALTY : 1;
}
