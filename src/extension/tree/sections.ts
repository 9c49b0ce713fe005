import type { Event } from '../util/event';
import type { PlaybookTreeModel } from './playbook-tree-model';
import { PlaybookNode } from './playbook-node';
import { rootNodes } from './root-nodes';
import type { TreeNode } from './tree-node';

/**
 * A part of the explorer's first level. Today one section, the store's areas (Local, Synced,
 * AI-generated); the tenant's Team playbooks or the Escher Library come as further sections
 * beside it, each with its own rows and its own change event, without touching the others.
 */
export interface TreeSection {
  readonly id: string;
  /** The rows this section adds to the first level, in order (none: the section shows nothing). */
  roots(): Promise<TreeNode[]>;
  /** Fired when the section's rows change. */
  readonly onDidChange: Event<void>;
}

/** The store's areas, from the tree model. */
export function playbooksSection(model: PlaybookTreeModel): TreeSection {
  return { id: 'playbooks', roots: () => rootNodes(model), onDidChange: model.onDidChangeData };
}

/** Every section's rows, in section order. */
export async function sectionRoots(sections: readonly TreeSection[]): Promise<TreeNode[]> {
  return (await Promise.all(sections.map((s) => s.roots()))).flat();
}

/**
 * The row of a playbook wherever the grouping puts it, found by walking the tree as VS Code
 * would (playbook rows are not opened: their children are versions). Undefined when it is not
 * listed (yet).
 */
export async function findPlaybookRow(sections: readonly TreeSection[], playbookId: string, maxDepth = 5): Promise<PlaybookNode | undefined> {
  let level = await sectionRoots(sections);
  for (let depth = 0; depth < maxDepth && level.length > 0; depth++) {
    const found = level.find((n): n is PlaybookNode => n instanceof PlaybookNode && n.playbookId === playbookId);
    if (found) return found;
    level = (await Promise.all(level.filter((n) => !(n instanceof PlaybookNode)).map((n) => n.getChildren()))).flat();
  }
  return undefined;
}
