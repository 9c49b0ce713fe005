import type { PlaybookSummary } from '../../core/playbook-store/types';
import { GroupNode } from './group-node';
import { type GroupBy, groupByCloud, groupByResourceType } from './grouping';
import type { PlaybookTreeModel } from './playbook-tree-model';
import { PlaybookNode } from './playbook-node';
import type { TreeNode } from './tree-node';
import type { PlaybookSyncState } from './tree-source';

/** Up to this many playbooks in an area, its groups open expanded; beyond, collapsed. */
export const EXPAND_GROUPS_UP_TO = 20;

type Parent = TreeNode & { readonly nodeId: string };

/**
 * The rows of an area in the chosen grouping: flat, cloud → service (the cloud rows expanded,
 * services expanded only in a small store), or service / resource type.
 */
export function groupedRows(parent: Parent, list: readonly PlaybookSummary[], sync: ReadonlyMap<string, PlaybookSyncState>, model: PlaybookTreeModel, groupBy: GroupBy): TreeNode[] {
  const rows = (p: Parent, items: readonly PlaybookSummary[]) => items.map((s) => new PlaybookNode(s, sync.get(s.playbook_id), p, model));
  const few = list.length <= EXPAND_GROUPS_UP_TO;
  if (groupBy === 'cloud') {
    return groupByCloud(list).map(
      (c) =>
        new GroupNode(
          {
            key: c.cloud,
            label: c.label,
            icon: { kind: 'theme', id: c.cloud === 'azure' ? 'azure' : 'cloud' },
            playbooks: c.services.flatMap((s) => s.playbooks),
            expanded: true,
            what: `on ${c.label}`,
            children: (g) =>
              c.services.map(
                (s) => new GroupNode({ key: s.key, label: s.label, icon: { kind: 'theme', id: 'package' }, playbooks: s.playbooks, expanded: few, what: `for ${s.label}`, children: (sg) => rows(sg, s.playbooks) }, g, sync),
              ),
          },
          parent,
          sync,
        ),
    );
  }
  if (groupBy === 'resourceType') {
    return groupByResourceType(list).map(
      (s) =>
        new GroupNode(
          { key: s.key, label: s.label, icon: { kind: 'theme', id: 'package' }, playbooks: s.playbooks, expanded: few, what: `for ${s.label}`, children: (g) => rows(g, s.playbooks) },
          parent,
          sync,
        ),
    );
  }
  return rows(parent, list);
}
