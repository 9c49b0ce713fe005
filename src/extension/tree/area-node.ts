import type { Area } from '../../core/playbook-store/metadata';
import type { PlaybookTreeModel } from './playbook-tree-model';
import { groupedRows } from './grouped-rows';
import { InvalidPlaybookNode } from './invalid-playbook-node';
import type { TreeItemData } from './tree-item-data';
import type { TreeNode } from './tree-node';

export const AREA_LABELS: Record<Area, string> = { local: 'Local', synced: 'Synced', 'ai-generated': 'AI-generated' };

const AREA_ICONS: Record<Area, string> = { local: 'device-desktop', synced: 'cloud', 'ai-generated': 'sparkle' };

const AREA_HELP: Record<Area, string> = {
  local: 'On this machine only, until you publish them.',
  synced: 'Uploaded to your tenant; background sync keeps them up to date.',
  'ai-generated': 'Proposed by the Escher agent: accept to keep one, or discard it.',
};

/** Local / Synced / AI-generated: the store's three folders. */
export class AreaNode implements TreeNode {
  readonly parent = undefined;

  constructor(
    readonly area: Area,
    private readonly count: number,
    private readonly model: PlaybookTreeModel,
  ) {}

  get nodeId(): string {
    return this.area;
  }

  getTreeItem(): TreeItemData {
    return {
      // The id changes between empty and not: VS Code keeps a known id's collapse state, so an area
      // that was empty (not expandable) would otherwise stay collapsed after its first playbook.
      id: `area:${this.area}:${this.count === 0 ? 'empty' : 'some'}`,
      label: AREA_LABELS[this.area],
      description: String(this.count),
      tooltip: `**${AREA_LABELS[this.area]}** — ${this.count} playbook${this.count === 1 ? '' : 's'}\n\n${AREA_HELP[this.area]}`,
      icon: { kind: 'theme', id: AREA_ICONS[this.area] },
      contextValue: `area.${this.area}`,
      // Empty areas stay collapsed; AI proposals are opened on purpose, not by default.
      collapsible: this.count === 0 ? 'none' : this.area === 'ai-generated' ? 'collapsed' : 'expanded',
    };
  }

  async getChildren(): Promise<TreeNode[]> {
    const [list, sync] = await Promise.all([this.model.playbooksIn(this.area), this.model.syncStates()]);
    const rows = groupedRows(this, list, sync, this.model, this.model.groupBy);
    for (const bad of this.model.invalidIn(this.area)) rows.push(new InvalidPlaybookNode(bad, this));
    return rows;
  }
}
