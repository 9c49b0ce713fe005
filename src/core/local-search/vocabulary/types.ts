/**
 * One part of the search vocabulary: groups of words that name the same thing, and where they
 * came from. The first entry of a group names its concept ("~" + its words joined by "_").
 * An entry may sit in several groups ("spin up" both creates and starts): it then stands for all
 * of them.
 */
export interface VocabularySection {
  /** The source the groups were written from (never an evaluation query set). */
  source: string;
  groups: readonly (readonly string[])[];
}
