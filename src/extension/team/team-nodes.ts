import type { TreeItemData } from '../tree/tree-item-data';
import type { TreeNode } from '../tree/tree-node';
import { relativeTime } from '../util/relative-time';
import type { TeamListing } from './team-listing';
import { type TeamRow, type TeamVersionRow, usedVersion } from './team-rows';
import { REVIEW_LOOK, reviewLine, teamTooltip } from './team-tooltip';

/** Rows per page: a tenant of 10,000 opens as 50 pages, each built only when opened. */
export const TEAM_PAGE = 200;
/** Up to this many, the section opens by itself. */
const EXPAND_UP_TO = 20;

/** What differs between the Team and the Library sections; context values are what package.json menus key on. */
export interface SectionKind {
  key: 'team' | 'library';
  label: string;
  icon: string;
  what: string;
  context: { section: string; playbook: string; version: string };
}

export const TEAM_KIND: SectionKind = {
  key: 'team',
  label: 'Team',
  icon: 'organization',
  what: 'your tenant published (yours are under Local and Synced)',
  context: { section: 'team.section', playbook: 'team.playbook', version: 'team.version' },
};

export const LIBRARY_KIND: SectionKind = {
  key: 'library',
  label: 'Escher Library',
  icon: 'library',
  what: 'in the Escher Library: read-only, bound to their content hash',
  context: { section: 'library.section', playbook: 'library.playbook', version: 'library.version' },
};


/**
 * The Team section's row: the tenant's published playbooks this home does not hold. Drawn at
 * once (the count follows when the catalog has been read); its children are the playbooks, or
 * pages of them in a large tenant, built on expand.
 */
export class TeamRootNode implements TreeNode {
  readonly parent = undefined;

  constructor(
    private readonly listing: TeamListing,
    readonly kind: SectionKind = TEAM_KIND,
  ) {}

  get nodeId(): string {
    return this.kind.key;
  }

  getTreeItem(): TreeItemData {
    const rows = this.listing.current();
    const n = rows?.length;
    const offline = this.listing.offline;
    const count = n === undefined ? '…' : String(n);
    return {
      id: `${this.kind.key}:${n === undefined ? 'loading' : n === 0 ? 'empty' : n <= EXPAND_UP_TO ? 'few' : 'many'}`,
      label: this.kind.label,
      description: offline ? `${count} · offline` : count,
      tooltip: [
        `**${this.kind.label}** — ${n === undefined ? 'reading…' : `${n} playbook${n === 1 ? '' : 's'}`} ${this.kind.what}.`,
        'Clone to Local copies one into your playbooks; Resolve Script fetches its script, verified against the approved hashes.',
        offline ? `_The server could not be reached: these are the last-known ones._` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
      icon: { kind: 'theme', id: this.kind.icon },
      contextValue: this.kind.context.section,
      collapsible: n === 0 ? 'none' : n !== undefined && n <= EXPAND_UP_TO ? 'expanded' : 'collapsed',
    };
  }

  async getChildren(): Promise<TreeNode[]> {
    const rows = await this.listing.rows();
    if (rows.length <= TEAM_PAGE) return rows.map((r) => new TeamPlaybookNode(r, this, this.kind));
    const pages: TreeNode[] = [];
    for (let i = 0; i < rows.length; i += TEAM_PAGE) pages.push(new TeamPageNode(rows, i, Math.min(i + TEAM_PAGE, rows.length), this));
    return pages;
  }
}

/** A page of a large team: "Aurora backup … – Cost report …", its rows built on expand. */
export class TeamPageNode implements TreeNode {
  constructor(
    private readonly rows: readonly TeamRow[],
    private readonly start: number,
    private readonly end: number,
    readonly parent: TeamRootNode,
  ) {}

  get nodeId(): string {
    return `${this.parent.kind.key}/${this.start}`;
  }

  getTreeItem(): TreeItemData {
    const first = this.rows[this.start]?.name ?? '';
    const last = this.rows[this.end - 1]?.name ?? '';
    const short = (s: string) => (s.length > 24 ? `${s.slice(0, 23)}…` : s);
    return {
      id: `${this.parent.kind.key}-page:${this.start}`,
      label: `${short(first)} – ${short(last)}`,
      description: `${this.start + 1}–${this.end}`,
      icon: { kind: 'theme', id: 'list-unordered' },
      contextValue: `${this.parent.kind.key}.page`,
      collapsible: 'collapsed',
    };
  }

  async getChildren(): Promise<TreeNode[]> {
    return this.rows.slice(this.start, this.end).map((r) => new TeamPlaybookNode(r, this, this.parent.kind));
  }
}

/** A teammate's playbook: name, version, review status, when it changed; its versions below. */
export class TeamPlaybookNode implements TreeNode {
  constructor(
    readonly row: TeamRow,
    readonly parent: TreeNode,
    readonly kind: SectionKind = TEAM_KIND,
  ) {}

  get playbookId(): string {
    return this.row.playbookId;
  }

  /** What commands on the row use: the workspace's pin, else the latest. */
  get version(): string {
    return usedVersion(this.row);
  }

  getTreeItem(): TreeItemData {
    const r = this.row;
    const look = REVIEW_LOOK[r.review] ?? REVIEW_LOOK.pending;
    return {
      id: `${this.kind.key}-pb:${r.playbookId}`,
      label: r.name,
      description: [`v${r.latest}`, r.review === 'not_required' ? '' : look.word, r.pinned ? `pinned v${r.pinned}` : '', relativeTime(Date.parse(r.updatedAt), Date.now())].filter(Boolean).join(' · '),
      icon: r.source === 'library' ? { kind: 'theme', id: 'book' } : look.icon,
      contextValue: this.kind.context.playbook,
      collapsible: 'collapsed',
    };
  }

  resolveTooltip(): string {
    return teamTooltip(this.row, Date.now());
  }

  async getChildren(): Promise<TreeNode[]> {
    return this.row.versions.map((v) => new TeamVersionNode(this.row, v, this, this.kind));
  }
}

/** One published version with its own review status (a newer upload may wait while an older one is approved). */
export class TeamVersionNode implements TreeNode {
  constructor(
    readonly row: TeamRow,
    readonly v: TeamVersionRow,
    readonly parent: TeamPlaybookNode,
    private readonly kind: SectionKind = TEAM_KIND,
  ) {}

  get playbookId(): string {
    return this.row.playbookId;
  }

  get version(): string {
    return this.v.version;
  }

  getTreeItem(): TreeItemData {
    const look = REVIEW_LOOK[this.v.review] ?? REVIEW_LOOK.pending;
    return {
      id: `${this.kind.key}-ver:${this.row.playbookId}@${this.v.version}`,
      label: `v${this.v.version}`,
      description: [this.v.version === this.row.latest ? 'latest' : '', this.v.review === 'not_required' ? '' : look.word, this.row.pinned === this.v.version ? 'pinned' : ''].filter(Boolean).join(' · '),
      icon: look.icon,
      contextValue: this.kind.context.version,
      collapsible: 'none',
    };
  }

  resolveTooltip(): string {
    return `\`${this.row.playbookId}\` v${this.v.version}  \n_${reviewLine(this.v)}_`;
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
