import { AreaNode } from './area-node';
import type { PlaybookTreeModel } from './playbook-tree-model';
import type { TreeNode } from './tree-node';

/**
 * The tree's first level: the three areas, always shown (an empty Synced area tells the user
 * that nothing is published yet) — except when there is no playbook at all, where the view's
 * welcome content (Create Playbook) takes the place of three empty rows.
 */
export async function rootNodes(model: PlaybookTreeModel): Promise<TreeNode[]> {
  const areas = await model.areas();
  if (areas.every((a) => a.playbooks.length === 0 && a.invalid.length === 0)) return [];
  return areas.map((a) => new AreaNode(a.area, a.playbooks.length + a.invalid.length, model));
}
