import type { TreeSection } from '../tree/sections';
import type { TreeNode } from '../tree/tree-node';
import type { TeamListing } from './team-listing';
import { type SectionKind, TEAM_KIND, TeamRootNode } from './team-nodes';

/**
 * The explorer's Team (or Library) section, beside the store's areas: one row while a server is configured
 * (none without). Its first draw starts the catalog's first refresh in the background.
 */
export function teamSection(listing: TeamListing, kind: SectionKind = TEAM_KIND): TreeSection {
  return {
    id: kind.key,
    roots: async (): Promise<TreeNode[]> => {
      if (!listing.configured) return [];
      listing.ensureFetched();
      // The count follows in a re-draw once read: the first level never waits for 10,000 records.
      const shown = listing.current();
      void listing.rows().then(
        (rows) => rows !== shown && listing.redraw(),
        () => {},
      );
      return [new TeamRootNode(listing, kind)];
    },
    onDidChange: listing.onDidChange,
  };
}
