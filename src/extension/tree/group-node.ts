import type { PlaybookSummary } from '../../core/playbook-store/types';
import { decorationOf, NEEDS_ACTION } from './decorations';
import type { TreeIcon, TreeItemData } from './tree-item-data';
import type { TreeNode } from './tree-node';
import type { PlaybookSyncState } from './tree-source';

export interface GroupSpec {
  /** Unique among its siblings; the node's id is its parent's id plus this. */
  key: string;
  label: string;
  icon: TreeIcon;
  /** Rows below: playbook rows or further groups, built on expand. */
  children(parent: GroupNode): TreeNode[];
  /** Every playbook below it, for its count and what needs attention. */
  playbooks: readonly PlaybookSummary[];
  expanded: boolean;
  /** Shown in the tooltip after the count. */
  what: string;
}

/**
 * A group of playbooks in an area: a cloud (AWS → its services) or a service / resource type.
 * Its description counts the playbooks and, when some need the user, says how many and why
 * ("14 · 1 conflict"), so a collapsed group still tells.
 */
export class GroupNode implements TreeNode {
  constructor(
    readonly spec: GroupSpec,
    readonly parent: TreeNode & { readonly nodeId: string },
    private readonly sync: ReadonlyMap<string, PlaybookSyncState>,
  ) {}

  get nodeId(): string {
    return `${this.parent.nodeId}/${this.spec.key}`;
  }

  getTreeItem(): TreeItemData {
    const n = this.spec.playbooks.length;
    const attention = needsAction(this.spec.playbooks, this.sync);
    return {
      // The id says whether the group opens by default: VS Code keeps a known id's collapse state,
      // so groups first drawn while an import was still small would otherwise stay open once the
      // area holds hundreds (and which ones would depend on how the import's bursts fell).
      id: `grp:${this.nodeId}${this.spec.expanded ? '' : ':closed'}`,
      label: this.spec.label,
      description: [String(n), ...attention].join(' · '),
      tooltip: `**${this.spec.label}** — ${n} playbook${n === 1 ? '' : 's'} ${this.spec.what}${attention.length ? `  \n${attention.join(', ')}` : ''}`,
      icon: this.spec.icon,
      contextValue: 'group',
      collapsible: this.spec.expanded ? 'expanded' : 'collapsed',
    };
  }

  async getChildren(): Promise<TreeNode[]> {
    return this.spec.children(this);
  }
}

function needsAction(list: readonly PlaybookSummary[], sync: ReadonlyMap<string, PlaybookSyncState>): string[] {
  const counts = new Map<string, number>();
  for (const p of list) {
    const kind = decorationOf(p, sync.get(p.playbook_id));
    const word = kind ? NEEDS_ACTION[kind] : undefined;
    if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts].map(([word, n]) => `${n} ${word}`);
}
