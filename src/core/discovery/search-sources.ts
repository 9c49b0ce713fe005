/** The collections a merged search can rank; apart from discovery.ts so the CLI can name them without loading the search code. */
export const SEARCH_SOURCES = ['local', 'team', 'library', 'all'] as const;
export type SearchSource = (typeof SEARCH_SOURCES)[number];
