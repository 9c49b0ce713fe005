import type { InvalidPlaybook } from '../diagnostics/invalid-metadata-registry';
import { escapeMd } from './markdown';
import type { TreeItemData } from './tree-item-data';
import type { TreeNode } from './tree-node';

/**
 * A playbook folder (or, under a playbook, a version folder) the store cannot read because its
 * metadata.json is invalid. Shown instead of dropped (the store's listing skips it), so the user
 * sees why and can fix it: clicking opens the file, whose diagnostics say where the problem is.
 */
export class InvalidPlaybookNode implements TreeNode {
  constructor(
    readonly invalid: InvalidPlaybook,
    readonly parent: TreeNode,
    private readonly level: 'playbook' | 'version' = 'playbook',
  ) {}

  getTreeItem(): TreeItemData {
    const b = this.invalid;
    return {
      id: `invalid:${b.area}:${b.playbookId}${this.level === 'version' ? `@${b.version}` : ''}`,
      label: this.level === 'version' ? `v${b.version}` : b.playbookId,
      description: `invalid metadata: ${b.reason}`,
      icon: { kind: 'theme', id: 'error', color: 'list.errorForeground' },
      // Not "playbook.…": the playbook menus (publish, delete, resolve…) need a readable playbook.
      contextValue: 'invalidPlaybook',
      collapsible: 'none',
      command: b.fileExists ? { command: 'escher.openFile', title: 'Open metadata.json', arguments: [b.file] } : undefined,
    };
  }

  resolveTooltip(): string {
    const b = this.invalid;
    const problems = b.problems.map((p) => `- line ${p.start.line + 1}: ${escapeMd(p.message)}`);
    return [
      `**${escapeMd(b.playbookId)}** v${b.version}: the store skips this ${this.level} because its metadata.json is invalid.`,
      '',
      ...(problems.length ? problems : [`- ${escapeMd(b.reason)}`]),
      '',
      b.fileExists ? '_Click to open the file; the Problems panel shows each issue._' : `_Add ${escapeMd(b.file)}, or run "Escher: Check Playbook Store"._`,
    ].join('\n');
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
